package dev.aqid.receiver.ingest;

/**
 * An event's enrichment status as the API names it ({@code events.enrichment_status}).
 */
public enum EnrichmentStatus {

	pending, enriched, failed, skipped

}
