package dev.aqid.receiver.enrichment;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

/**
 * {@code receiver_enrichment_events_total{outcome}},
 * {@code receiver_enrichment_fetches_total{kind,result}},
 * {@code receiver_enrichment_lag_seconds} (received, or replayed, to enriched),
 * {@code receiver_enrichment_replays_total} (events queued again by a replay),
 * {@code receiver_enrichment_queue_depth} and {@code receiver_enrichment_paused}. The
 * outcome counters exist from the start at 0, so that alerts on their rate see the first
 * failure too.
 */
@Component
class EnrichmentMetrics {

	private final MeterRegistry registry;

	private final Timer lag;

	private final AtomicLong queueDepth = new AtomicLong();

	EnrichmentMetrics(MeterRegistry registry, EnrichmentPause pause) {
		this.registry = registry;
		this.lag = Timer.builder("receiver.enrichment.lag")
			.description("Time from receiving an event to its enrichment")
			.publishPercentileHistogram()
			.register(registry);
		Gauge.builder("receiver.enrichment.queue.depth", this.queueDepth, AtomicLong::get)
			.description("Events waiting for enrichment (sampled by the workers)")
			.register(registry);
		Gauge.builder("receiver.enrichment.paused", pause, (p) -> p.active() ? 1 : 0)
			.description("1 while workers leave the Amiqus API alone (429 or 401/403)")
			.register(registry);
		List.of("enriched", "skipped", "failed", "retry", "deferred").forEach(this::eventsCounter);
		replays();
	}

	void enriched(List<Instant> receivedAt, Instant now) {
		receivedAt.forEach((received) -> this.lag.record(Duration.between(received, now)));
		events("enriched", receivedAt.size());
	}

	void events(String outcome, int count) {
		if (count > 0) {
			eventsCounter(outcome).increment(count);
		}
	}

	private Counter eventsCounter(String outcome) {
		return Counter.builder("receiver.enrichment.events")
			.description("Events by enrichment outcome")
			.tag("outcome", outcome)
			.register(this.registry);
	}

	void replayed(int count) {
		replays().increment(count);
	}

	private Counter replays() {
		return Counter.builder("receiver.enrichment.replays")
			.description("Events put back in the enrichment queue by a replay")
			.register(this.registry);
	}

	void fetch(SnapshotKind kind, String result) {
		Counter.builder("receiver.enrichment.fetches")
			.description("Fetches of Amiqus objects by kind and result")
			.tag("kind", kind.column())
			.tag("result", result)
			.register(this.registry)
			.increment();
	}

	void queueDepth(long depth) {
		this.queueDepth.set(depth);
	}

}
