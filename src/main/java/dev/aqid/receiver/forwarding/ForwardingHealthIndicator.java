package dev.aqid.receiver.forwarding;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component {@code forwarding}: {@code UNREACHABLE} while a
 * destination's attempts have failed, without a delivery in between, for longer than
 * {@code receiver.forwarding.health-threshold}, naming it, since when and the last error.
 * A status that does not turn the service's health down (it is ordered after {@code UP})
 * and in neither probe group: receiving goes on regardless. What this instance's workers
 * saw; each replica reports its own.
 */
@Component("forwarding")
class ForwardingHealthIndicator implements HealthIndicator {

	static final Status UNREACHABLE = new Status("UNREACHABLE");

	private final Clock clock;

	private final Duration threshold;

	private final Map<String, Failing> failing = new ConcurrentHashMap<>();

	ForwardingHealthIndicator(Clock clock, ForwardingProperties properties) {
		this.clock = clock;
		this.threshold = properties.healthThreshold();
	}

	void delivered(String destination) {
		this.failing.remove(destination);
	}

	void failed(String destination, String error) {
		Instant now = this.clock.instant();
		this.failing.compute(destination, (name, since) -> new Failing((since != null) ? since.since() : now, error));
	}

	@Override
	public Health health() {
		Instant now = this.clock.instant();
		Map<String, Object> down = new TreeMap<>();
		this.failing.forEach((destination, failing) -> {
			if (Duration.between(failing.since(), now).compareTo(this.threshold) > 0) {
				down.put(destination, Map.of("failingSince", failing.since().toString(), "lastError", failing.error()));
			}
		});
		return down.isEmpty() ? Health.up().build() : Health.status(UNREACHABLE).withDetails(down).build();
	}

	private record Failing(Instant since, String error) {

	}

}
