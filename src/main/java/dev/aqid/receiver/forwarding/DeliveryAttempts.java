package dev.aqid.receiver.forwarding;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

import dev.aqid.receiver.ingest.EnrichmentQueue;
import dev.aqid.receiver.system.EventTracing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * One worker round for one destination: claim due rows, send each, and record the
 * outcome. Logs name the event, destination and status, never a body or a secret.
 */
@Component
class DeliveryAttempts {

	private static final Logger log = LoggerFactory.getLogger(DeliveryAttempts.class);

	private static final int MAX_ERROR_LENGTH = 500;

	private final Outbox outbox;

	private final EnrichmentQueue queue;

	private final ForwardedBody bodies;

	private final DestinationClient client;

	private final ForwardingMetrics metrics;

	private final ForwardingHealthIndicator health;

	private final DestinationCircuits circuits;

	private final ForwardingProperties properties;

	private final Clock clock;

	private final EventTracing tracing;

	DeliveryAttempts(Outbox outbox, EnrichmentQueue queue, ForwardedBody bodies, DestinationClient client,
			ForwardingMetrics metrics, ForwardingHealthIndicator health, DestinationCircuits circuits,
			ForwardingProperties properties, Clock clock, EventTracing tracing) {
		this.tracing = tracing;
		this.outbox = outbox;
		this.queue = queue;
		this.bodies = bodies;
		this.client = client;
		this.metrics = metrics;
		this.health = health;
		this.circuits = circuits;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * The {@code webhook-id}: the same for an event and destination across retries and
	 * replays.
	 */
	static String webhookId(long eventId, String destination) {
		return "evt_" + eventId + "_" + destination;
	}

	/**
	 * Claims nothing while the destination's circuit is open: its rows wait, and no
	 * attempt is counted against them. Each call asks the circuit right before it is
	 * made; rows it refuses mid-batch (the circuit opened, or a half-open circuit's probe
	 * is out) go back unattempted.
	 * @return how many rows were claimed (0: nothing was due, or the circuit is open)
	 */
	int deliverBatch(Destination destination, String owner, BooleanSupplier keepGoing) throws InterruptedException {
		if (!this.circuits.allows(destination.name())) {
			return 0;
		}
		Instant claimedAt = this.clock.instant();
		List<Outbox.Claimed> claimed = this.outbox.claim(destination.name(), owner, this.properties.lease(),
				this.properties.batchSize());
		Instant handBackAt = claimedAt.plus(this.properties.lease().dividedBy(2));
		List<Long> unsent = new ArrayList<>();
		for (Outbox.Claimed row : claimed) {
			if (!keepGoing.getAsBoolean() || this.clock.instant().isAfter(handBackAt)
					|| !deliver(destination, owner, row)) {
				unsent.add(row.id());
			}
		}
		this.outbox.release(unsent, owner);
		return claimed.size();
	}

	/**
	 * One row: the call's outcome goes to the circuit.
	 * @return false if the circuit refused the call (the row is still held, unattempted)
	 */
	private boolean deliver(Destination destination, String owner, Outbox.Claimed row) throws InterruptedException {
		// In this order: an earlier event that settles after the claim has its row
		// written in the settling transaction, so once the events table shows it settled
		// the second check sees its row.
		if (row.orderKey() != null && (this.queue.earlierUnsettled(row.eventId(), row.keyId("record"),
				row.keyId("client"), row.keyId("case"))
				|| this.outbox.earlierPending(destination.name(), row.orderKey(), row.eventId()))) {
			// An earlier event about the same object is still being enriched or
			// forwarded:
			// it goes first.
			this.outbox.postpone(row.id(), owner, this.properties.pollInterval().multipliedBy(2));
			return true;
		}
		Optional<String> body = this.bodies.of(row.eventId());
		if (body.isEmpty()) {
			this.outbox.failed(row.id(), owner, "the event is no longer stored");
			this.metrics.delivery(destination.name(), "failed");
			log.warn("Event {} is no longer stored: its delivery to {} failed", row.eventId(), destination.name());
			return true;
		}
		if (!this.circuits.permit(destination.name())) {
			return false;
		}
		String id = webhookId(row.eventId(), destination.name());
		long timestamp = this.clock.instant().getEpochSecond();
		long started = System.nanoTime();
		DestinationClient.Answer answer = null;
		try {
			// With tracing on, the POST is a span of the trace the event was stored in,
			// and
			// carries it to the destination in traceparent.
			answer = this.tracing.continuing("forward " + destination.name(), row.traceParent(),
					Map.of("event.id", Long.toString(row.eventId()), "destination", destination.name()),
					(propagation) -> this.client.post(destination, id, timestamp, body.get(), propagation));
		}
		finally {
			if (answer == null) {
				this.circuits.unused(destination.name());
			}
		}
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		if (answer.delivered()) {
			this.circuits.succeeded(destination.name(), took);
		}
		else {
			this.circuits.failed(destination.name(), took, answer.error());
		}
		this.metrics.attempt(destination.name(), answer.result());
		int attempt = row.attempts() + 1;
		if (answer.delivered()) {
			this.health.delivered(destination.name());
			if (this.outbox.delivered(row.id(), owner)) {
				this.metrics.delivered(destination.name(), Duration.between(row.receivedAt(), this.clock.instant()));
			}
			log.debug("Delivered event {} to {} (attempt {}, HTTP {})", row.eventId(), destination.name(), attempt,
					answer.status());
			return true;
		}
		String error = truncate(answer.error());
		this.health.failed(destination.name(), error);
		if (attempt >= destination.maxAttempts()) {
			this.outbox.failed(row.id(), owner, error);
			this.metrics.delivery(destination.name(), "failed");
			log.warn("Delivery of event {} to {} failed after {} attempt(s): {}", row.eventId(), destination.name(),
					attempt, error);
			return true;
		}
		Duration delay = backoff(attempt);
		this.outbox.retry(row.id(), owner, error, delay);
		this.metrics.delivery(destination.name(), "retry");
		log.info("Delivery of event {} to {} failed (attempt {}), retrying in {}: {}", row.eventId(),
				destination.name(), attempt, delay, error);
		return true;
	}

	/**
	 * Exponential backoff with jitter: between half and all of min * 2^(attempt-1),
	 * capped at max.
	 */
	Duration backoff(int attempt) {
		long min = this.properties.backoffMin().toMillis();
		long max = this.properties.backoffMax().toMillis();
		long ceiling = (attempt >= 31) ? max : Math.min(max, min << Math.max(0, attempt - 1));
		long half = ceiling / 2;
		return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
	}

	private static String truncate(String error) {
		return (error.length() > MAX_ERROR_LENGTH) ? error.substring(0, MAX_ERROR_LENGTH) : error;
	}

}
