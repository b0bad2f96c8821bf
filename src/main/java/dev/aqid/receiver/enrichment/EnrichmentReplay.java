package dev.aqid.receiver.enrichment;

import java.util.List;

import dev.aqid.receiver.ingest.EnrichmentQueue;
import dev.aqid.receiver.ingest.EventFilter;
import dev.aqid.receiver.ingest.EventStream;
import org.springframework.stereotype.Component;

/**
 * Enriches stored events again: the one way other modules reach the enrichment queue. A
 * replay fetches the objects an event refers to again, even when their snapshots are
 * newer than the event: an operator replays because a snapshot is wrong or stale.
 */
@Component
public class EnrichmentReplay {

	private final EnrichmentQueue queue;

	private final EventStream events;

	private final EnrichmentMetrics metrics;

	EnrichmentReplay(EnrichmentQueue queue, EventStream events, EnrichmentMetrics metrics) {
		this.queue = queue;
		this.events = events;
		this.metrics = metrics;
	}

	/**
	 * Puts the event back in the queue as {@code pending}, due now, with its attempts
	 * reset, any lease dropped and its objects to be fetched again.
	 * @param eventId the event's id
	 * @return {@code false} when there is no such event
	 */
	public boolean replay(long eventId) {
		return replay(List.of(eventId)) == 1;
	}

	/**
	 * The same for a batch of events, in one short statement: callers replaying many
	 * events call this once per batch, so no lock is held for long.
	 * @param eventIds the events' ids
	 * @return how many of them exist and were queued
	 */
	public int replay(List<Long> eventIds) {
		int queued = this.queue.requeue(eventIds);
		this.metrics.replayed(queued);
		return queued;
	}

	/**
	 * The same for every event matching the filter, batch by batch
	 * ({@link EventStream#inBatches}).
	 * @param filter which events
	 * @return how many were queued
	 */
	public long replayMatching(EventFilter filter) {
		return this.events.inBatches(filter, this::replay);
	}

}
