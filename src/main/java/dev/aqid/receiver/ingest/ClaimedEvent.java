package dev.aqid.receiver.ingest;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * An event a worker holds the lease on: what it needs to decide and fetch.
 *
 * @param receivedAt when it arrived
 * @param freshAfter a snapshot fetched at or after this instant reflects the event: when
 * it arrived, or when an operator last replayed it (a replay asks for a new fetch)
 * @param traceParent the W3C traceparent of the span that stored it, for the work done
 * for it to continue (null with tracing off)
 */
public record ClaimedEvent(long id, String alias, Long recordId, String recordType, Long clientId, String formReference,
		Long caseId, Long organisationId, Instant receivedAt, Instant freshAfter, int attempts,
		@Nullable String traceParent) {

	public ClaimedEvent(long id, String alias, Long recordId, String recordType, Long clientId, String formReference,
			Long caseId, Long organisationId, Instant receivedAt, Instant freshAfter, int attempts) {
		this(id, alias, recordId, recordType, clientId, formReference, caseId, organisationId, receivedAt, freshAfter,
				attempts, null);
	}

}
