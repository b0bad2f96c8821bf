package dev.aqid.receiver.ingest;

/**
 * The retention job finished a round: events past the retention period are gone. Other
 * modules drop then what no retained event refers to any more (enrichment: snapshots).
 * Published synchronously on the retention job's thread, outside any transaction.
 *
 * @param eventsDeleted how many events this round deleted
 */
public record RetentionRoundCompleted(long eventsDeleted) {

}
