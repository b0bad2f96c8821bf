package dev.aqid.receiver.ingest;

import java.time.Instant;

/**
 * An event a worker holds the lease on: what it needs to decide and fetch.
 *
 * @param receivedAt when it arrived
 * @param freshAfter a snapshot fetched at or after this instant reflects the event: when
 * it arrived, or when an operator last replayed it (a replay asks for a new fetch)
 */
public record ClaimedEvent(long id, String alias, Long recordId, String recordType, Long clientId, String formReference,
		Long caseId, Long organisationId, Instant receivedAt, Instant freshAfter, int attempts) {

}
