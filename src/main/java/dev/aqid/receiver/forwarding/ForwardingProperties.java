package dev.aqid.receiver.forwarding;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How forwarding workers deliver the outbox.
 *
 * @param enabled whether workers run in this instance
 * @param workersPerDestination worker threads per destination in this instance: each
 * destination has its own, so a slow or dead one never holds up the others
 * @param batchSize rows one worker claims at a time
 * @param lease how long a claim lasts; a crashed worker's rows come back after it. A
 * worker hands back what it has not sent after half of it
 * @param pollInterval pause between claims when nothing is due
 * @param maxAttempts attempts before a delivery is {@code failed} (per destination:
 * {@code receiver.destinations[N].max-attempts})
 * @param backoffMin delay before the first retry
 * @param backoffMax longest delay between retries
 * @param connectTimeout connecting to a destination
 * @param readTimeout waiting for a destination's answer
 * @param healthThreshold how long a destination's attempts may keep failing before the
 * health component {@code forwarding} reports it {@code UNREACHABLE}
 * @param circuit each destination's circuit breaker
 */
@ConfigurationProperties("receiver.forwarding")
record ForwardingProperties(@DefaultValue("true") boolean enabled, @DefaultValue("2") int workersPerDestination,
		@DefaultValue("10") int batchSize, @DefaultValue("2m") Duration lease,
		@DefaultValue("250ms") Duration pollInterval, @DefaultValue("8") int maxAttempts,
		@DefaultValue("1s") Duration backoffMin, @DefaultValue("10m") Duration backoffMax,
		@DefaultValue("10s") Duration connectTimeout, @DefaultValue("10s") Duration readTimeout,
		@DefaultValue("15m") Duration healthThreshold, @DefaultValue Circuit circuit) {

	ForwardingProperties {
		if (workersPerDestination < 1 || batchSize < 1 || maxAttempts < 1) {
			throw new IllegalArgumentException(
					"receiver.forwarding: workers-per-destination, batch-size and max-attempts must be at least 1");
		}
		if (backoffMin.compareTo(backoffMax) > 0) {
			throw new IllegalArgumentException("receiver.forwarding.backoff-min must not exceed backoff-max");
		}
		if (readTimeout.isNegative() || readTimeout.isZero() || connectTimeout.isNegative()
				|| connectTimeout.isZero()) {
			throw new IllegalArgumentException(
					"receiver.forwarding: connect-timeout and read-timeout must be positive");
		}
	}

	/**
	 * A destination's circuit breaker: it opens once {@code failureRate} percent of the
	 * last {@code window} attempts failed; while open, the destination's deliveries wait
	 * (no attempt is made or counted); after {@code openFor} one probe goes through, and
	 * its outcome closes or opens the circuit again.
	 *
	 * @param window attempts the failure rate is taken over (and the fewest before it can
	 * open)
	 * @param failureRate percent of failed attempts that opens the circuit
	 * @param openFor the cool-down before the probe
	 */
	record Circuit(@DefaultValue("10") int window, @DefaultValue("50") int failureRate,
			@DefaultValue("30s") Duration openFor) {

		Circuit {
			if (window < 1 || failureRate < 1 || failureRate > 100 || openFor.isNegative() || openFor.isZero()) {
				throw new IllegalArgumentException("receiver.forwarding.circuit: window must be at least 1, "
						+ "failure-rate between 1 and 100, open-for positive");
			}
		}

	}

}
