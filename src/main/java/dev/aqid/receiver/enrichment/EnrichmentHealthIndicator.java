package dev.aqid.receiver.enrichment;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component {@code enrichment}: {@code UNAUTHORIZED} while
 * Amiqus refuses our token (someone has to act), with the pause in force. A status of its
 * own that does not turn the service's health down, and in neither probe group: receiving
 * goes on regardless.
 */
@Component("enrichment")
class EnrichmentHealthIndicator implements HealthIndicator {

	static final Status UNAUTHORIZED = new Status("UNAUTHORIZED");

	private final EventEnricher enricher;

	private final EnrichmentPause pause;

	EnrichmentHealthIndicator(EventEnricher enricher, EnrichmentPause pause) {
		this.enricher = enricher;
		this.pause = pause;
	}

	@Override
	public Health health() {
		Health.Builder health = this.enricher.authFailing() ? Health.status(UNAUTHORIZED) : Health.up();
		if (this.pause.active()) {
			health.withDetail("pausedUntil", this.pause.until().toString()).withDetail("reason", this.pause.reason());
		}
		return health.build();
	}

}
