package dev.aqid.receiver.enrichment;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the background workers turn stored events into fresh snapshots.
 *
 * @param enabled whether workers run (they also need an Amiqus API token)
 * @param workers worker threads in this instance
 * @param batchSize events one worker claims at a time
 * @param lease how long a claim lasts; a crashed worker's events come back after it. A
 * worker hands back what it has not fetched after half of it, so it must be well over
 * twice the longest single call (connect plus read timeout)
 * @param settleDelay how long a new event waits before it is due, so that one fetch
 * serves a burst of events about one object
 * @param pollInterval pause between claims when nothing is due
 * @param maxAttempts fetch attempts before an event is marked {@code failed}
 * @param backoffMin delay before the first retry
 * @param backoffMax longest delay between retries
 * @param authFailurePause how long all workers wait after a 401/403 from Amiqus
 * @param fetchConcurrency Amiqus fetches this instance makes at once, shared by all its
 * workers (each worker fetches its batch's objects concurrently); the rate limit's pacing
 * decides how many of them are really under way
 */
@ConfigurationProperties("amiqus.enrichment")
record EnrichmentProperties(@DefaultValue("true") boolean enabled, @DefaultValue("4") int workers,
		@DefaultValue("50") int batchSize, @DefaultValue("1m") Duration lease, @DefaultValue("1s") Duration settleDelay,
		@DefaultValue("250ms") Duration pollInterval, @DefaultValue("8") int maxAttempts,
		@DefaultValue("2s") Duration backoffMin, @DefaultValue("10m") Duration backoffMax,
		@DefaultValue("5m") Duration authFailurePause, @DefaultValue("4") int fetchConcurrency) {

	public EnrichmentProperties {
		if (workers < 1 || batchSize < 1 || maxAttempts < 1 || fetchConcurrency < 1) {
			throw new IllegalArgumentException(
					"workers, batch-size, max-attempts and fetch-concurrency must be at least 1");
		}
		if (backoffMin.compareTo(backoffMax) > 0) {
			throw new IllegalArgumentException("backoff-min must not exceed backoff-max");
		}
	}

}
