package dev.aqid.receiver.amiqus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component {@code amiqusApi}: whether the Amiqus API answers
 * {@code GET /status} with our token, checked at most once a minute. It reports
 * {@code UNREACHABLE} or {@code UNAUTHORIZED} as statuses of its own, which do not turn
 * the service's health down and are in neither probe group: receiving goes on without
 * Amiqus.
 */
@Component("amiqusApi")
class AmiqusApiHealthIndicator implements HealthIndicator {

	static final Status UNREACHABLE = new Status("UNREACHABLE");

	static final Status UNAUTHORIZED = new Status("UNAUTHORIZED");

	private static final Duration CHECK_EVERY = Duration.ofMinutes(1);

	private final AmiqusClient client;

	private final AmiqusApiProperties properties;

	private final Clock clock;

	private final AtomicReference<Checked> last = new AtomicReference<>();

	AmiqusApiHealthIndicator(AmiqusClient client, AmiqusApiProperties properties, Clock clock) {
		this.clock = clock;
		this.client = client;
		this.properties = properties;
	}

	@Override
	public Health health() {
		if (!this.properties.hasToken()) {
			return Health.unknown().withDetail("reason", "no AMIQUS_API_TOKEN").build();
		}
		Checked checked = this.last.get();
		Instant now = this.clock.instant();
		if (checked == null || checked.at().plus(CHECK_EVERY).isBefore(now)) {
			checked = new Checked(now, check());
			this.last.set(checked);
		}
		return checked.health();
	}

	private Health check() {
		try {
			this.client.status();
			return Health.up().withDetail("url", this.properties.url().toString()).build();
		}
		catch (AmiqusUnauthorized | AmiqusForbidden ex) {
			return Health.status(UNAUTHORIZED).withDetail("status", ex.status()).build();
		}
		catch (AmiqusApiException ex) {
			return Health.status(UNREACHABLE)
				.withDetail("error", ex.getClass().getSimpleName())
				.withDetail("status", ex.status())
				.build();
		}
	}

	private record Checked(Instant at, Health health) {

	}

}
