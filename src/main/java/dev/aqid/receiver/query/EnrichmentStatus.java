package dev.aqid.receiver.query;

/**
 * An event's enrichment status as the API names it ({@code events.enrichment_status}).
 */
enum EnrichmentStatus {

	pending, enriched, failed, skipped

}
