package dev.aqid.receiver.enrichment;

import java.time.Duration;

import dev.aqid.receiver.ingest.EnrichmentQueue;
import dev.aqid.receiver.amiqus.AmiqusCredentials;
import dev.aqid.receiver.system.WorkerThreads;
import dev.aqid.receiver.system.WorkerThreads.Round;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The worker threads of this instance. Each loops: enrich a batch, or sleep a poll
 * interval when nothing is due or while the Amiqus API is off limits. On shutdown they
 * finish the batch in hand and the instance gives back every lease it still holds, so
 * another replica can take those events at once.
 */
@Component
class EnrichmentWorkers implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(EnrichmentWorkers.class);

	private static final Duration QUEUE_DEPTH_SAMPLE = Duration.ofSeconds(5);

	private static final Duration STOP_WAIT = Duration.ofSeconds(30);

	private final EventEnricher enricher;

	private final EnrichmentQueue queue;

	private final EnrichmentPause pause;

	private final EnrichmentMetrics metrics;

	private final EnrichmentProperties properties;

	private final boolean tokenConfigured;

	private final WorkerThreads threads;

	EnrichmentWorkers(EventEnricher enricher, EnrichmentQueue queue, EnrichmentPause pause, EnrichmentMetrics metrics,
			EnrichmentProperties properties, AmiqusCredentials credentials) {
		this.enricher = enricher;
		this.queue = queue;
		this.pause = pause;
		this.metrics = metrics;
		this.properties = properties;
		this.tokenConfigured = credentials.configured();
		this.threads = new WorkerThreads("enrichment", properties.backoffMin());
	}

	@Override
	public synchronized void start() {
		if (!this.properties.enabled()) {
			log.info("Enrichment is switched off (amiqus.enrichment.enabled=false): events stay pending");
			return;
		}
		if (!this.tokenConfigured) {
			log.info("Enrichment is off: neither AMIQUS_API_TOKEN nor an OAuth client is set, so events stay pending");
			return;
		}
		for (int i = 0; i < this.properties.workers(); i++) {
			String owner = this.threads.instanceId() + "#" + i;
			Round round = (i == 0) ? sampling(enrichment(owner)) : enrichment(owner);
			this.threads.start("enrichment-" + i, owner, round);
		}
		log.info("Started {} enrichment worker(s) as {}", this.properties.workers(), this.threads.instanceId());
	}

	/**
	 * Enrich a batch; rest a poll interval when nothing was due or the API is off limits.
	 */
	private Round enrichment(String owner) {
		return (keepGoing) -> {
			if (this.pause.active()) {
				return min(this.pause.remaining(), this.properties.pollInterval());
			}
			return (this.enricher.enrichBatch(owner, keepGoing) == 0) ? this.properties.pollInterval() : Duration.ZERO;
		};
	}

	/**
	 * The round, and every few seconds the queue depth for the metric (one worker does).
	 */
	private Round sampling(Round round) {
		long[] nextSample = { 0 };
		return (keepGoing) -> {
			if (System.nanoTime() - nextSample[0] > 0) {
				this.metrics.queueDepth(this.queue.pendingCount());
				nextSample[0] = System.nanoTime() + QUEUE_DEPTH_SAMPLE.toNanos();
			}
			return round.run(keepGoing);
		};
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) < 0) ? a : b;
	}

	@Override
	public synchronized void stop() {
		if (this.threads.stop(STOP_WAIT)) {
			int released = this.queue.releaseAll(this.threads.instanceId());
			log.info("Stopped enrichment workers; released {} lease(s)", released);
		}
	}

	@Override
	public boolean isRunning() {
		return this.threads.isRunning();
	}

}
