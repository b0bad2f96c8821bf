package dev.aqid.receiver.forwarding;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
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
 * Each destination whose circuit breaker is not closed is named too, with
 * {@code circuit: open} or {@code half_open}. A status that does not turn the service's
 * health down (it is ordered after {@code UP}) and in neither probe group: receiving goes
 * on regardless. What this instance's workers saw; each replica reports its own.
 */
@Component("forwarding")
class ForwardingHealthIndicator implements HealthIndicator {

	static final Status UNREACHABLE = new Status("UNREACHABLE");

	private final Clock clock;

	private final Duration threshold;

	private final Map<String, Failing> failing = new ConcurrentHashMap<>();

	private final DestinationCircuits circuits;

	private final Destinations destinations;

	ForwardingHealthIndicator(Clock clock, ForwardingProperties properties, DestinationCircuits circuits,
			Destinations destinations) {
		this.clock = clock;
		this.threshold = properties.healthThreshold();
		this.circuits = circuits;
		this.destinations = destinations;
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
		Map<String, Map<String, Object>> details = new TreeMap<>();
		boolean down = false;
		for (Map.Entry<String, Failing> entry : this.failing.entrySet()) {
			Failing failing = entry.getValue();
			if (Duration.between(failing.since(), now).compareTo(this.threshold) > 0) {
				down = true;
				details.computeIfAbsent(entry.getKey(), (name) -> new LinkedHashMap<>())
					.putAll(Map.of("failingSince", failing.since().toString(), "lastError", failing.error()));
			}
		}
		for (Destination destination : this.destinations.all()) {
			String circuit = this.circuits.state(destination.name());
			if (!circuit.equals(DestinationCircuits.CLOSED)) {
				details.computeIfAbsent(destination.name(), (name) -> new LinkedHashMap<>()).put("circuit", circuit);
			}
		}
		return (down ? Health.status(UNREACHABLE) : Health.up()).withDetails(details).build();
	}

	private record Failing(Instant since, String error) {

	}

}
