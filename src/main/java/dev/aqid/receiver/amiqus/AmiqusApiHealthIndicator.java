package dev.aqid.receiver.amiqus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component {@code amiqusApi}: whether the Amiqus API answers
 * {@code GET /status} with our token, checked at most once a minute. It reports
 * {@code UNREACHABLE} or {@code UNAUTHORIZED} as statuses of its own, which do not turn
 * the service's health down and are in neither probe group: receiving goes on without
 * Amiqus. Its details show which credentials are used, when the tokens expire where that
 * is known ({@code tokenExpiry}), a {@code warning} when a personal access or refresh
 * token expires within 30 days (then the status is {@code TOKEN_EXPIRING} unless the
 * check failed), and a refused OAuth refresh token.
 */
@Component("amiqusApi")
class AmiqusApiHealthIndicator implements HealthIndicator {

	static final Status UNREACHABLE = new Status("UNREACHABLE");

	static final Status UNAUTHORIZED = new Status("UNAUTHORIZED");

	/**
	 * The API answers, but a personal access or refresh token expires within the warning
	 * period: visible in {@code /actuator/health} without details, and like the other
	 * statuses of this component it never turns the service's health down.
	 */
	static final Status TOKEN_EXPIRING = new Status("TOKEN_EXPIRING");

	private static final Duration CHECK_EVERY = Duration.ofMinutes(1);

	private final AmiqusClient client;

	private final AmiqusApiProperties properties;

	private final Clock clock;

	private final AtomicReference<Checked> last = new AtomicReference<>();

	private final AmiqusCredentials credentials;

	private final TokenExpiry expiry;

	AmiqusApiHealthIndicator(AmiqusClient client, AmiqusApiProperties properties, AmiqusCredentials credentials,
			TokenExpiry expiry, Clock clock) {
		this.clock = clock;
		this.client = client;
		this.properties = properties;
		this.credentials = credentials;
		this.expiry = expiry;
	}

	@Override
	public Health health() {
		if (!this.credentials.configured()) {
			return Health.unknown().withDetail("reason", "no AMIQUS_API_TOKEN or AMIQUS_OAUTH_CLIENT_ID").build();
		}
		Checked checked = this.last.get();
		Instant now = this.clock.instant();
		if (checked == null || checked.at().plus(CHECK_EVERY).isBefore(now)) {
			checked = new Checked(now, check());
			this.last.set(checked);
		}
		return withTokens(checked.health());
	}

	/**
	 * The check's status with what is known of the tokens: each known expiry, a warning
	 * for a personal access or refresh token near its end, and a refused refresh token. A
	 * token near its end turns {@code UP} into {@code TOKEN_EXPIRING}; a failing check
	 * keeps its own status.
	 */
	private Health withTokens(Health checked) {
		Map<String, Instant> near = this.expiry.nearExpiry();
		Status status = (checked.getStatus().equals(Status.UP) && !near.isEmpty()) ? TOKEN_EXPIRING
				: checked.getStatus();
		Health.Builder health = Health.status(status).withDetails(checked.getDetails());
		health.withDetail("credentials", this.credentials.usesOAuth() ? "oauth" : "personal_access_token");
		Map<String, Instant> expiries = new TreeMap<>(this.expiry.all());
		if (!expiries.isEmpty()) {
			health.withDetail("tokenExpiry", expiries);
		}
		if (!near.isEmpty()) {
			health.withDetail("warning", near.entrySet()
				.stream()
				.map((entry) -> "the " + entry.getKey().replace('_', ' ') + " token expires at " + entry.getValue())
				.collect(Collectors.joining("; ")));
		}
		String refusal = this.credentials.refusal();
		if (refusal != null) {
			health.withDetail("oauthRefresh", refusal);
		}
		return health.build();
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
