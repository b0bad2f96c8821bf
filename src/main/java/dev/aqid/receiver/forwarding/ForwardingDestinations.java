package dev.aqid.receiver.forwarding;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.aqid.receiver.ingest.EnrichmentQueue;
import dev.aqid.receiver.ingest.EventSettled;
import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;

/**
 * The destinations and their deliveries, for the query API and the console: the outbox
 * table is forwarding's, and this is the way to it.
 */
@Service
public class ForwardingDestinations {

	private final Destinations destinations;

	private final Outbox outbox;

	private final DestinationCircuits circuits;

	private final EnrichmentQueue queue;

	ForwardingDestinations(Destinations destinations, Outbox outbox, DestinationCircuits circuits,
			EnrichmentQueue queue) {
		this.destinations = destinations;
		this.outbox = outbox;
		this.circuits = circuits;
		this.queue = queue;
	}

	/** Each configured destination with its delivery counts, in configuration order. */
	public List<DestinationStatus> statuses() {
		return this.destinations.all().stream().map(this::status).toList();
	}

	public Optional<DestinationStatus> status(String name) {
		return this.destinations.named(name).map(this::status);
	}

	public boolean exists(String name) {
		return this.destinations.named(name).isPresent();
	}

	/**
	 * Sends these events to the destination again, each from a new attempt series under
	 * its usual {@code webhook-id}. Without a status, settled events never queued for it
	 * (it was configured after they settled) are queued too, if it takes their alias: a
	 * new destination is backfilled this way. Events still being enriched are queued once
	 * they settle anyway.
	 * @param status only the deliveries in this status (null: all, and backfill)
	 * @return how many deliveries were queued
	 */
	public int replay(String destination, List<Long> eventIds, @Nullable DeliveryStatus status) {
		int queued = this.outbox.requeue(destination, eventIds, status);
		if (status != null) {
			return queued;
		}
		Destination target = this.destinations.named(destination).orElseThrow();
		List<EventSettled> missing = this.queue.settledAmong(eventIds)
			.stream()
			.filter((event) -> target.accepts(event.alias()))
			.toList();
		return queued + this.outbox.backfill(destination, missing);
	}

	/** Sends every delivery of the destination in this status again. */
	public int replayAll(String destination, DeliveryStatus status) {
		return this.outbox.requeueAll(destination, status);
	}

	/** The destination's failed deliveries, newest event first, at most {@code limit}. */
	public List<Delivery> failedDeliveries(String destination, int limit) {
		return this.outbox.failed(destination, limit);
	}

	/** How one event's deliveries stand, one per destination it was queued for. */
	public List<Delivery> deliveriesOf(long eventId) {
		return this.outbox.ofEvent(eventId);
	}

	private DestinationStatus status(Destination destination) {
		Outbox.Counts counts = this.outbox.counts(destination.name());
		return new DestinationStatus(destination.name(), destination.displayUrl(), destination.events(),
				counts.delivered(), counts.pending(), counts.failed(), counts.lastError(), counts.oldestPending(),
				this.circuits.state(destination.name()));
	}

	/**
	 * A destination and its deliveries.
	 *
	 * @param name its name
	 * @param url where it receives events (without user info or query)
	 * @param events the aliases it takes
	 * @param delivered deliveries answered 2xx
	 * @param pending deliveries waiting for an attempt or a retry
	 * @param failed deliveries that used up their attempts (replay them)
	 * @param lastError why the latest failing attempt failed
	 * @param oldestPending when the oldest pending delivery was queued
	 * @param circuit the destination's circuit breaker in this instance: {@code closed},
	 * {@code open} (repeated failures: no attempts until the cool-down has passed) or
	 * {@code half_open} (one probe decides)
	 */
	@Schema(name = "Destination")
	@JsonPropertyOrder({ "name", "url", "events", "delivered", "pending", "failed", "last_error", "oldest_pending",
			"circuit" })
	public record DestinationStatus(String name, String url, List<String> events, long delivered, long pending,
			long failed, @Schema(nullable = true) @JsonProperty("last_error") @Nullable String lastError,
			@Schema(nullable = true) @JsonProperty("oldest_pending") @Nullable Instant oldestPending,
			@Schema(allowableValues = {
					"closed", "open", "half_open" }) String circuit){

	}

	/**
	 * One event's delivery to one destination.
	 *
	 * @param eventId the event
	 * @param destination the destination's name
	 * @param alias the event's alias
	 * @param status pending, delivered or failed
	 * @param attempts attempts in the current series
	 * @param lastError why the latest attempt failed
	 * @param lastAttemptAt when the latest attempt was made
	 * @param deliveredAt when it was answered 2xx
	 */
	public record Delivery(long eventId, String destination, @Nullable String alias, DeliveryStatus status,
			int attempts, @Nullable String lastError, @Nullable Instant lastAttemptAt, @Nullable Instant deliveredAt) {

	}

}
