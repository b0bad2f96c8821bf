package dev.aqid.receiver.enrichment;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.aqid.receiver.ingest.EnrichmentQueue;
import dev.aqid.receiver.amiqus.AmiqusApiProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

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

	private final String instanceId = ManagementFactory.getRuntimeMXBean().getName() + "/"
			+ UUID.randomUUID().toString().substring(0, 8);

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running;

	EnrichmentWorkers(EventEnricher enricher, EnrichmentQueue queue, EnrichmentPause pause, EnrichmentMetrics metrics,
			EnrichmentProperties properties, AmiqusApiProperties api) {
		this.enricher = enricher;
		this.queue = queue;
		this.pause = pause;
		this.metrics = metrics;
		this.properties = properties;
		this.tokenConfigured = StringUtils.hasText(api.token());
	}

	@Override
	public synchronized void start() {
		if (!this.properties.enabled()) {
			log.info("Enrichment is switched off (amiqus.enrichment.enabled=false): events stay pending");
			return;
		}
		if (!this.tokenConfigured) {
			log.info("Enrichment is off: no AMIQUS_API_TOKEN is set, so events stay pending");
			return;
		}
		this.running = true;
		for (int i = 0; i < this.properties.workers(); i++) {
			String owner = this.instanceId + "#" + i;
			Thread thread = new Thread(() -> work(owner), "enrichment-" + i);
			this.threads.add(thread);
			thread.start();
		}
		log.info("Started {} enrichment worker(s) as {}", this.properties.workers(), this.instanceId);
	}

	private void work(String owner) {
		long nextSample = 0;
		while (this.running) {
			try {
				if (owner.endsWith("#0") && System.nanoTime() - nextSample > 0) {
					this.metrics.queueDepth(this.queue.pendingCount());
					nextSample = System.nanoTime() + QUEUE_DEPTH_SAMPLE.toNanos();
				}
				if (this.pause.active()) {
					sleep(min(this.pause.remaining(), this.properties.pollInterval()));
				}
				else if (this.enricher.enrichBatch(owner, () -> this.running) == 0) {
					sleep(this.properties.pollInterval());
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				// The database is down, or a bug: the leases run out
				// and the events come back.
				log.warn("Enrichment worker {} failed a round: {}", owner, ex.toString());
				try {
					sleep(this.properties.backoffMin());
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) < 0) ? a : b;
	}

	private static void sleep(Duration duration) throws InterruptedException {
		Thread.sleep(Math.max(1, duration.toMillis()));
	}

	@Override
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		long deadline = System.nanoTime() + STOP_WAIT.toNanos();
		for (Thread thread : this.threads) {
			try {
				thread.join(Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toMillis()));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			thread.interrupt();
		}
		this.threads.clear();
		int released = this.queue.releaseAll(this.instanceId);
		log.info("Stopped enrichment workers; released {} lease(s)", released);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
