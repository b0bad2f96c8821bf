package dev.aqid.receiver.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The events table seen as the enrichment queue: the enrichment module's way to claim
 * events and change their enrichment state (the table is ingest's). Workers claim due
 * events with {@code FOR UPDATE SKIP LOCKED} and a lease; every state change is an
 * {@link Event} method that names the lease owner, so a worker whose lease ran out (and
 * whose events another worker took over) changes nothing. Each call is one short
 * transaction.
 */
@Service
@Transactional
public class EnrichmentQueue {

	private final Events events;

	private final Clock clock;

	private final ApplicationEventPublisher publisher;

	EnrichmentQueue(Events events, Clock clock, ApplicationEventPublisher publisher) {
		this.events = events;
		this.clock = clock;
		this.publisher = publisher;
	}

	/**
	 * Leases up to {@code limit} due events to {@code owner}, the longest due first;
	 * events that arrived from Amiqus come before replayed ones, so that a large replay
	 * (a bulk replay, or a backlog replayed after an outage) does not hold fresh events
	 * back when the Amiqus rate limit is what sets the pace.
	 */
	public List<ClaimedEvent> claim(String owner, int limit, Duration lease, Duration settleDelay) {
		List<Event> claimed = new ArrayList<>(
				this.events.claim(owner, seconds(lease), seconds(settleDelay), false, limit));
		if (claimed.size() < limit) {
			claimed
				.addAll(this.events.claim(owner, seconds(lease), seconds(settleDelay), true, limit - claimed.size()));
		}
		return claimed.stream().map(Event::claimed).toList();
	}

	/**
	 * Marks the events enriched; returns when each arrived (or was replayed) for the lag
	 * metric.
	 */
	public List<Instant> markEnriched(Collection<Long> ids, String owner) {
		if (ids.isEmpty()) {
			return List.of();
		}
		Instant now = this.clock.instant();
		List<Instant> freshAfter = new ArrayList<>();
		for (Event event : this.events.leasedTo(ids, owner)) {
			if (event.markEnriched(owner, now)) {
				freshAfter.add(event.freshAfter());
				settled(event);
			}
		}
		return freshAfter;
	}

	public void markSkipped(long id, String owner, String reason) {
		this.events.leasedTo(List.of(id), owner).forEach((event) -> {
			if (event.markSkipped(owner, reason)) {
				settled(event);
			}
		});
	}

	public void markFailed(long id, String owner, String error) {
		this.events.leasedTo(List.of(id), owner).forEach((event) -> {
			if (event.markFailed(owner, error)) {
				settled(event);
			}
		});
	}

	/**
	 * Tells listeners (forwarding) inside this transaction: what they write commits or
	 * rolls back with the settlement.
	 */
	private void settled(Event event) {
		this.publisher.publishEvent(event.settled());
	}

	public void scheduleRetry(long id, String owner, String error, Duration delay) {
		Instant dueAt = this.clock.instant().plus(delay);
		this.events.leasedTo(List.of(id), owner).forEach((event) -> event.scheduleRetry(owner, error, dueAt));
	}

	/**
	 * Gives events back without counting an attempt: the fault was not theirs (rate
	 * limit, credentials, shutdown).
	 */
	public void release(Collection<Long> ids, String owner, @Nullable String reason, Instant notBefore) {
		if (ids.isEmpty()) {
			return;
		}
		this.events.leasedTo(ids, owner).forEach((event) -> event.release(owner, reason, notBefore));
	}

	/** Releases every lease the given owners hold (at shutdown). */
	public int releaseAll(String ownerPrefix) {
		return this.events.releaseLeases(ownerPrefix);
	}

	/**
	 * Puts events back in the queue, due now, asking for fresh snapshots of what they
	 * refer to; one short statement (its own transaction) for the lot.
	 * @return how many of them exist
	 */
	public int requeue(Collection<Long> ids) {
		return ids.isEmpty() ? 0 : this.events.requeue(ids, this.clock.instant());
	}

	@Transactional(readOnly = true)
	public long pendingCount() {
		return this.events.countByEnrichmentStatus(EnrichmentStatus.pending);
	}

	/**
	 * Whether an event received before this one, about the same record (else client, else
	 * case: the first of them the event names), has not settled yet. Forwarding holds an
	 * event back while one has, so that events about one object reach a destination in
	 * received order even when enrichment settles them out of order.
	 */
	@Transactional(readOnly = true)
	public boolean earlierUnsettled(long eventId, @Nullable Long recordId, @Nullable Long clientId,
			@Nullable Long caseId) {
		if (recordId != null) {
			return this.events.existsByIdLessThanAndEnrichmentStatusAndRecordId(eventId, EnrichmentStatus.pending,
					recordId);
		}
		if (clientId != null) {
			return this.events.existsByIdLessThanAndEnrichmentStatusAndRecordIdIsNullAndClientId(eventId,
					EnrichmentStatus.pending, clientId);
		}
		if (caseId != null) {
			return this.events.existsByIdLessThanAndEnrichmentStatusAndRecordIdIsNullAndClientIdIsNullAndCaseId(eventId,
					EnrichmentStatus.pending, caseId);
		}
		return false;
	}

	/**
	 * The settled ones among these events (enriched, skipped or failed), in id order, as
	 * {@link EventSettled} says them: for forwarding to queue events for a destination
	 * configured after they settled.
	 */
	@Transactional(readOnly = true)
	public List<EventSettled> settledAmong(Collection<Long> ids) {
		return ids.isEmpty() ? List.of() : this.events.settledAmong(ids);
	}

	private static double seconds(Duration duration) {
		return duration.toMillis() / 1000.0;
	}

}
