package dev.aqid.receiver.forwarding;

import dev.aqid.receiver.ingest.EventSettled;
import dev.aqid.receiver.ingest.EventsErased;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Queues a settled event for each destination that takes its alias. A plain synchronous
 * listener on purpose (not {@code @ApplicationModuleListener}, which runs after commit):
 * ingest publishes {@link EventSettled} inside the transaction that settles the event, so
 * the outbox rows commit with the settlement or not at all, and a failure here rolls the
 * settlement back (the event is claimed and settled again once its lease runs out).
 */
@Component
class OutboxWriter {

	private final Destinations destinations;

	private final Outbox outbox;

	OutboxWriter(Destinations destinations, Outbox outbox) {
		this.destinations = destinations;
		this.outbox = outbox;
	}

	/**
	 * Erased events take their deliveries with them, pending or done, in the erasing
	 * transaction: a delivery would carry the erased data, and its history names it.
	 */
	@EventListener
	void on(EventsErased erased) {
		this.outbox.forget(erased.eventIds());
	}

	@EventListener
	void on(EventSettled event) {
		for (Destination destination : this.destinations.all()) {
			if (destination.accepts(event.alias())) {
				this.outbox.queue(event, destination.name());
			}
		}
	}

}
