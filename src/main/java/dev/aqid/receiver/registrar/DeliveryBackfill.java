package dev.aqid.receiver.registrar;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;

import dev.aqid.receiver.amiqus.AmiqusClient;
import dev.aqid.receiver.amiqus.Page;
import dev.aqid.receiver.amiqus.Webhook;
import dev.aqid.receiver.amiqus.WebhookDelivery;
import dev.aqid.receiver.ingest.DeliveryIngestion;
import dev.aqid.receiver.ingest.IncomingDelivery;
import dev.aqid.receiver.ingest.StoredEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/**
 * Reads our webhook's delivery log at Amiqus, newest first, back to a little before the
 * previous scan, and stores every delivery we do not hold yet through the same ingestion
 * path as live deliveries (marked {@code backfill}). Entries come from an authenticated
 * API call, so they are trusted without a signature: the log's body is re-serialised
 * JSON, which need not match the signed bytes.
 * <p>
 * Dedupe: by {@code X-AQID-Delivery-Id} from the logged request headers; when the log has
 * no such header, by comparing the body as JSON with recent events.
 */
@Component
class DeliveryBackfill {

	private static final Logger log = LoggerFactory.getLogger(DeliveryBackfill.class);

	private static final int PAGE_SIZE = 100;

	private final AmiqusClient amiqus;

	private final DeliveryIngestion ingestion;

	private final SubscriptionStore store;

	private final RegistrarProperties properties;

	private final RegistrarMetrics metrics;

	private final Clock clock;

	DeliveryBackfill(AmiqusClient amiqus, DeliveryIngestion ingestion, SubscriptionStore store,
			RegistrarProperties properties, RegistrarMetrics metrics, Clock clock) {
		this.amiqus = amiqus;
		this.ingestion = ingestion;
		this.store = store;
		this.properties = properties;
		this.metrics = metrics;
		this.clock = clock;
	}

	/**
	 * Scans the log of our webhook.
	 * @param webhook our webhook
	 * @param previousScan when the previous scan started, null for the first
	 * @return how many deliveries were new to us
	 */
	int scan(Webhook webhook, Instant previousScan) {
		Instant started = this.clock.instant();
		Instant cutoff = (previousScan != null) ? previousScan.minus(this.properties.backfillOverlap())
				: started.minus(this.properties.backfillInitialLookback());
		int read = 0;
		int stored = 0;
		int page = 1;
		boolean reachedCutoff = false;
		while (!reachedCutoff && page <= this.properties.backfillMaxPages()) {
			Page<WebhookDelivery> deliveries = this.amiqus.webhookDeliveries(webhook.id(), page, PAGE_SIZE);
			for (WebhookDelivery delivery : deliveries.data()) {
				if (delivery.lastSentAt() != null && delivery.lastSentAt().isBefore(cutoff)) {
					reachedCutoff = true;
					continue;
				}
				read++;
				if (storeIfMissing(delivery, cutoff)) {
					stored++;
				}
			}
			if (!deliveries.hasNext()) {
				break;
			}
			page++;
		}
		String outcome = "read " + read + " deliveries back to " + cutoff + ", " + stored + " new";
		if (!reachedCutoff && page > this.properties.backfillMaxPages()) {
			outcome += "; stopped after " + this.properties.backfillMaxPages() + " pages";
		}
		this.store.recordBackfill(started, outcome, stored);
		this.metrics.backfilled(stored);
		if (stored > 0) {
			log.warn("Backfilled {} delivery(ies) that had not reached us from the Amiqus delivery log", stored);
		}
		return stored;
	}

	private boolean storeIfMissing(WebhookDelivery delivery, Instant cutoff) {
		JsonNode body = delivery.requestBody();
		if (body == null || body.isMissingNode()) {
			log.debug("Delivery {} in the Amiqus log has no body; nothing to store", delivery.uuid());
			return false;
		}
		String json = body.toString();
		String deliveryId = delivery.deliveryId();
		if (deliveryId == null && this.ingestion.holdsPayload(json, cutoff.minus(java.time.Duration.ofDays(1)))) {
			return false;
		}
		StoredEvent event = this.ingestion.ingest(new IncomingDelivery(json.getBytes(StandardCharsets.UTF_8),
				deliveryId, delivery.attempts(), "application/json", IncomingDelivery.Source.BACKFILL));
		return !event.duplicate();
	}

}
