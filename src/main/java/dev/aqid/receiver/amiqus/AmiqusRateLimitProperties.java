package dev.aqid.receiver.amiqus;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How enrichment paces its Amiqus calls to the user's rate limit
 * ({@link AmiqusClient#awaitTurn}).
 *
 * @param window how long one rate-limit window lasts when Amiqus does not say (it says
 * only with a {@code 429}): a minute, Laravel's throttle as Amiqus runs it
 * @param reserve calls of each window left unspent, for the registrar, the health check
 * and the estimate's errors
 * @param slack how long after the estimated end of a spent window the next call waits
 */
@ConfigurationProperties("amiqus.api.rate-limit")
public record AmiqusRateLimitProperties(@DefaultValue("1m") Duration window, @DefaultValue("2") int reserve,
		@DefaultValue("1s") Duration slack) {

	static final AmiqusRateLimitProperties DEFAULTS = new AmiqusRateLimitProperties(Duration.ofMinutes(1), 2,
			Duration.ofSeconds(1));

	public AmiqusRateLimitProperties {
		if (window == null || window.compareTo(Duration.ofSeconds(1)) < 0 || reserve < 0 || slack == null
				|| slack.isNegative()) {
			throw new IllegalArgumentException("window must be at least 1s, reserve and slack not negative");
		}
	}

}
