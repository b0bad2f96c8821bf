package dev.aqid.receiver.ingest;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How {@code POST /webhooks/amiqus} verifies and stores deliveries.
 *
 * @param secrets shared secrets accepted for {@code X-AQID-Signature} (several: rotation,
 * several webhooks)
 * @param maxBodySize larger bodies are refused with 413 before they are buffered
 * @param storeTimeout longest a single insert may take before the delivery is answered
 * with 503 (Amiqus waits 5 seconds)
 * @param writers threads that store deliveries (group commit); two, so that one batch is
 * gathered and sent while the other commits
 * @param batchSize most deliveries stored by one statement and commit
 * @param rejectionLogInterval shortest time between two log lines about refused
 * deliveries for the same reason (a flood of forgeries must not flood the log; the metric
 * counts each one)
 * @param replayWindow how long a stored body stays a duplicate under any delivery id:
 * Amiqus signs only the body, so a captured delivery sent again under a new
 * {@code X-AQID-Delivery-Id} still verifies
 */
@ConfigurationProperties("amiqus.webhook")
record IngestProperties(@DefaultValue List<String> secrets, @DefaultValue("1MB") DataSize maxBodySize,
		@DefaultValue("3s") Duration storeTimeout, @DefaultValue("2") int writers, @DefaultValue("64") int batchSize,
		@DefaultValue("1m") Duration rejectionLogInterval, @DefaultValue("7d") Duration replayWindow) {

	public IngestProperties {
		if (writers < 1 || batchSize < 1) {
			throw new IllegalArgumentException("amiqus.webhook.writers and batch-size must be at least 1");
		}
		if (replayWindow.toSeconds() < 1) {
			throw new IllegalArgumentException("amiqus.webhook.replay-window must be at least 1s");
		}
	}

}
