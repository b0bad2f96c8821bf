package dev.aqid.receiver.forwarding;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * A circuit breaker per destination (resilience4j), so that a dead endpoint is not called
 * over and over: once {@code failure-rate} percent of its last {@code window} attempts
 * failed, the circuit opens and its workers stop claiming its deliveries for
 * {@code open-for}; those wait, and no attempt is counted against them. Then one probe
 * goes through (half open): a success closes the circuit, a failure opens it again. The
 * other destinations have circuits (and workers) of their own.
 * <p>
 * {@code receiver_forwarding_circuit{destination,state}} is 1 for the state the circuit
 * is in and 0 for the others; each transition is logged.
 */
@Component
class DestinationCircuits {

	private static final Logger log = LoggerFactory.getLogger(DestinationCircuits.class);

	/** The states the API, the health component and the metric show. */
	static final String CLOSED = "closed";

	static final String OPEN = "open";

	static final String HALF_OPEN = "half_open";

	private final Map<String, CircuitBreaker> circuits = new LinkedHashMap<>();

	DestinationCircuits(Destinations destinations, ForwardingProperties properties, Clock clock,
			MeterRegistry registry) {
		ForwardingProperties.Circuit settings = properties.circuit();
		CircuitBreakerConfig config = CircuitBreakerConfig.custom()
			.slidingWindow(settings.window(), settings.window(), CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.failureRateThreshold(settings.failureRate())
			.waitDurationInOpenState(settings.openFor())
			.permittedNumberOfCallsInHalfOpenState(1)
			.clock(clock)
			.build();
		for (Destination destination : destinations.all()) {
			CircuitBreaker circuit = CircuitBreaker.of(destination.name(), config);
			circuit.getEventPublisher()
				.onStateTransition((event) -> log.info("Circuit of destination {}: {} -> {}{}", destination.name(),
						state(event.getStateTransition().getFromState()),
						state(event.getStateTransition().getToState()),
						(event.getStateTransition().getToState() == CircuitBreaker.State.OPEN)
								? " (no attempts for " + settings.openFor() + ", then one probe)" : ""));
			this.circuits.put(destination.name(), circuit);
			for (String state : new String[] { CLOSED, OPEN, HALF_OPEN }) {
				Gauge.builder("receiver.forwarding.circuit", circuit, (c) -> state.equals(state(c.getState())) ? 1 : 0)
					.description("1 for the state the destination's circuit breaker is in")
					.tag("destination", destination.name())
					.tag("state", state)
					.register(registry);
			}
		}
	}

	/**
	 * Whether a worker may make one attempt now; each permission granted must end in
	 * {@link #succeeded}, {@link #failed} or {@link #unused}. Open: no, until the
	 * cool-down has passed, then one probe.
	 */
	boolean permit(String destination) {
		CircuitBreaker circuit = this.circuits.get(destination);
		return circuit == null || circuit.tryAcquirePermission();
	}

	/**
	 * Whether calls may be made now (closed, or a probe is due), without taking a
	 * permission: a look before claiming rows.
	 */
	boolean allows(String destination) {
		if (!permit(destination)) {
			return false;
		}
		unused(destination);
		return true;
	}

	void succeeded(String destination, Duration took) {
		CircuitBreaker circuit = this.circuits.get(destination);
		if (circuit != null) {
			circuit.onSuccess(took.toNanos(), TimeUnit.NANOSECONDS);
		}
	}

	void failed(String destination, Duration took, String error) {
		CircuitBreaker circuit = this.circuits.get(destination);
		if (circuit != null) {
			circuit.onError(took.toNanos(), TimeUnit.NANOSECONDS, new AttemptFailed(error));
		}
	}

	/** A permission that led to no call (nothing due, or the row had to wait). */
	void unused(String destination) {
		CircuitBreaker circuit = this.circuits.get(destination);
		if (circuit != null) {
			circuit.releasePermission();
		}
	}

	/** {@code closed}, {@code open} or {@code half_open}. */
	String state(String destination) {
		CircuitBreaker circuit = this.circuits.get(destination);
		return (circuit != null) ? state(circuit.getState()) : CLOSED;
	}

	private static String state(CircuitBreaker.State state) {
		return switch (state) {
			case OPEN, FORCED_OPEN -> OPEN;
			case HALF_OPEN -> HALF_OPEN;
			default -> CLOSED;
		};
	}

	/** What the breaker records for a failed attempt: the reason, without a stack. */
	static final class AttemptFailed extends RuntimeException {

		AttemptFailed(String error) {
			super(error, null, false, false);
		}

	}

}
