package dev.aqid.receiver.amiqus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * When the tokens the service holds expire, where Amiqus says so: a personal access token
 * that is a JWT ({@code exp}), the OAuth refresh token ({@code refresh_token_expires_in})
 * and access token ({@code expires_in}). Each known expiry is the gauge
 * {@code receiver_amiqus_token_expiry_seconds{token}} (seconds left; no series while
 * unknown). A personal access or refresh token within {@code amiqus.oauth.expiry-warning}
 * (30 days) of its end is a WARN in the log once a day and a warning in the
 * {@code amiqusApi} health component, which never turns the service's health down.
 */
@Component
class TokenExpiry implements SmartLifecycle {

	static final String PERSONAL_ACCESS = "personal_access";

	static final String REFRESH = "refresh";

	static final String ACCESS = "access";

	static final String METRIC = "receiver.amiqus.token.expiry";

	private static final Duration LOG_EVERY = Duration.ofDays(1);

	private static final Duration CHECK_EVERY = Duration.ofHours(1);

	private static final Logger log = LoggerFactory.getLogger(TokenExpiry.class);

	private final Map<String, Instant> expiries = new ConcurrentHashMap<>();

	private final Map<String, Instant> lastWarned = new ConcurrentHashMap<>();

	private final MeterRegistry registry;

	private final Clock clock;

	private final Duration warnWithin;

	private @Nullable ScheduledExecutorService scheduler;

	TokenExpiry(MeterRegistry registry, Clock clock, AmiqusOAuthProperties properties) {
		this.registry = registry;
		this.clock = clock;
		this.warnWithin = properties.expiryWarning();
	}

	/**
	 * A token's expiry, as far as it is known.
	 * @param token {@link #PERSONAL_ACCESS}, {@link #REFRESH} or {@link #ACCESS}
	 * @param expiresAt when it expires, null when not known
	 */
	void known(String token, @Nullable Instant expiresAt) {
		if (expiresAt == null) {
			this.expiries.remove(token);
			return;
		}
		boolean first = this.expiries.put(token, expiresAt) == null;
		if (first) {
			Gauge.builder(METRIC, this, (self) -> self.secondsLeft(token))
				.description("Seconds until the Amiqus token expires (personal_access, refresh, access), where known")
				.baseUnit("seconds")
				.tag("token", token)
				.register(this.registry);
		}
		if (!token.equals(ACCESS)) {
			warnIfDue(token);
		}
	}

	private double secondsLeft(String token) {
		Instant expiresAt = this.expiries.get(token);
		return (expiresAt != null) ? Duration.between(this.clock.instant(), expiresAt).toMillis() / 1000.0 : Double.NaN;
	}

	/**
	 * The personal access and refresh tokens within the warning window: token to when it
	 * expires.
	 */
	Map<String, Instant> nearExpiry() {
		Map<String, Instant> near = new LinkedHashMap<>();
		Instant limit = this.clock.instant().plus(this.warnWithin);
		for (String token : new String[] { PERSONAL_ACCESS, REFRESH }) {
			Instant expiresAt = this.expiries.get(token);
			if (expiresAt != null && expiresAt.isBefore(limit)) {
				near.put(token, expiresAt);
			}
		}
		return near;
	}

	/** Every known expiry: token to when it expires. */
	Map<String, Instant> all() {
		return Map.copyOf(this.expiries);
	}

	/** Logs each token near its expiry, at most once a day per token. */
	void check() {
		nearExpiry().keySet().forEach(this::warnIfDue);
	}

	private void warnIfDue(String token) {
		Instant expiresAt = this.expiries.get(token);
		Instant now = this.clock.instant();
		if (expiresAt == null || !expiresAt.isBefore(now.plus(this.warnWithin))) {
			return;
		}
		Instant last = this.lastWarned.get(token);
		if (last != null && last.plus(LOG_EVERY).isAfter(now)) {
			return;
		}
		this.lastWarned.put(token, now);
		long days = Duration.between(now, expiresAt).toDays();
		String what = token.equals(PERSONAL_ACCESS) ? "The Amiqus personal access token (AMIQUS_API_TOKEN)"
				: "The Amiqus OAuth refresh token";
		String action = token.equals(PERSONAL_ACCESS)
				? "create a new one in Amiqus and set AMIQUS_API_TOKEN before then"
				: "authorise the OAuth client again and set AMIQUS_OAUTH_REFRESH_TOKEN to the new refresh token before then";
		if (expiresAt.isAfter(now)) {
			log.warn("{} expires in {} day(s), at {}: {}", what, days, expiresAt, action);
		}
		else {
			log.warn("{} expired at {}: {}", what, expiresAt, action.replace(" before then", ""));
		}
	}

	@Override
	public synchronized void start() {
		this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "amiqus-token-expiry");
			thread.setDaemon(true);
			return thread;
		});
		this.scheduler.scheduleWithFixedDelay(() -> {
			try {
				check();
			}
			catch (RuntimeException ex) {
				log.debug("Token expiry check failed: {}", ex.toString());
			}
		}, 0, CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public synchronized void stop() {
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
			this.scheduler = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.scheduler != null;
	}

}
