package dev.aqid.receiver.ingest;

import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

/**
 * {@code receiver_deliveries_total{outcome}} (accepted, duplicate, rejected with a
 * reason, unavailable; a duplicate by its body alone, under a new delivery id, has the
 * reason {@code replayed_body}) and {@code receiver_delivery_store_seconds}, the time to
 * store one delivery. The webhook outcomes exist from the start at 0, so that alerts on
 * their increase see the first refusal or store failure too.
 */
@Component
class IngestMetrics {

	private final MeterRegistry registry;

	private final Timer storeTimer;

	private final Counter acceptedWebhook;

	private final Counter duplicateWebhook;

	IngestMetrics(MeterRegistry registry) {
		this.registry = registry;
		this.storeTimer = Timer.builder("receiver.delivery.store")
			.description("Time to store one verified delivery durably")
			.publishPercentileHistogram()
			.register(registry);
		this.acceptedWebhook = counter("accepted", "none", IncomingDelivery.Source.WEBHOOK);
		this.duplicateWebhook = counter("duplicate", "none", IncomingDelivery.Source.WEBHOOK);
		counter("duplicate", "replayed_body", IncomingDelivery.Source.WEBHOOK);
		counter("unavailable", "store", IncomingDelivery.Source.WEBHOOK);
		List.of("signature_missing", "signature_malformed", "signature_mismatch", "too_large", "body_unreadable")
			.forEach((reason) -> counter("rejected", reason, IncomingDelivery.Source.WEBHOOK));
	}

	Timer storeTimer() {
		return this.storeTimer;
	}

	void stored(StoredEvent event, IncomingDelivery.Source source) {
		if (event.replayedBody()) {
			outcome("duplicate", "replayed_body", source);
		}
		else if (source == IncomingDelivery.Source.WEBHOOK) {
			(event.duplicate() ? this.duplicateWebhook : this.acceptedWebhook).increment();
		}
		else {
			outcome(event.duplicate() ? "duplicate" : "accepted", "none", source);
		}
	}

	void rejected(String reason) {
		outcome("rejected", reason, IncomingDelivery.Source.WEBHOOK);
	}

	void unavailable(IncomingDelivery.Source source) {
		outcome("unavailable", "store", source);
	}

	private void outcome(String outcome, String reason, IncomingDelivery.Source source) {
		counter(outcome, reason, source).increment();
	}

	private Counter counter(String outcome, String reason, IncomingDelivery.Source source) {
		return Counter.builder("receiver.deliveries")
			.description("Webhook deliveries by outcome")
			.tag("outcome", outcome)
			.tag("reason", reason)
			.tag("source", source.name().toLowerCase(java.util.Locale.ROOT))
			.register(this.registry);
	}

}
