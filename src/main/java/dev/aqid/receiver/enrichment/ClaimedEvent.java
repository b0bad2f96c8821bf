package dev.aqid.receiver.enrichment;

import java.time.Instant;

/**
 * An event a worker holds the lease on: what it needs to decide and fetch.
 */
record ClaimedEvent(long id, String alias, Long recordId, String recordType, Long clientId, String formReference,
		Long caseId, Long organisationId, Instant receivedAt, int attempts) {

}
