package dev.aqid.receiver.ingest;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * An event's enrichment has settled (enriched, skipped or failed). Published
 * synchronously from inside the transaction that settles it, so a listener that writes to
 * the database (forwarding's outbox) commits or rolls back with the settlement: no event
 * is settled without its follow-up work queued, and none is queued for a settlement that
 * did not happen.
 *
 * @param eventId the event's id
 * @param alias its alias (null when the body is not JSON)
 * @param recordId the record it refers to
 * @param clientId the client it refers to
 * @param caseId the case it refers to
 * @param receivedAt when it was received
 * @param status how it settled
 * @param traceParent the W3C traceparent of the span that stored it, for the work done
 * for it to continue (null with tracing off)
 */
public record EventSettled(long eventId, @Nullable String alias, @Nullable Long recordId, @Nullable Long clientId,
		@Nullable Long caseId, Instant receivedAt, EnrichmentStatus status, @Nullable String traceParent) {

	public EventSettled(long eventId, @Nullable String alias, @Nullable Long recordId, @Nullable Long clientId,
			@Nullable Long caseId, Instant receivedAt, EnrichmentStatus status) {
		this(eventId, alias, recordId, clientId, caseId, receivedAt, status, null);
	}

}
