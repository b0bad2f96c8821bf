package dev.aqid.receiver.ingest;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * One stored delivery as the query API shows it, in {@code GET /api/events/{event_id}}
 * and as each item of {@code GET /api/events}.
 */
@Schema(name = "Event", description = "A verified Amiqus webhook delivery as stored")
@JsonPropertyOrder({ "event_id", "delivery_id", "alias", "received_at", "triggered_at", "attempt", "source",
		"webhook_uuid", "content_type", "record_id", "record_type", "client_id", "form_reference", "case_id",
		"organisation_id", "enrichment", "payload", "body_base64" })
public record EventView(
		@Schema(description = "The event's id in this service",
				example = "1042") @JsonProperty("event_id") String eventId,
		@Schema(description = "X-AQID-Delivery-Id as sent; null without that header",
				nullable = true) @JsonProperty("delivery_id") String deliveryId,
		@Schema(description = "trigger.alias (event for the ping shape); null when the body is not JSON",
				example = "record.finished", nullable = true) String alias,
		@Schema(description = "When this service stored the delivery") @JsonProperty("received_at") Instant receivedAt,
		@Schema(description = "trigger.triggered_at (sent_at for the ping shape)",
				nullable = true) @JsonProperty("triggered_at") Instant triggeredAt,
		@Schema(description = "X-AQID-Delivery-Attempt as sent", nullable = true) Integer attempt,
		@Schema(description = "webhook (delivered by Amiqus) or backfill (recovered from its delivery log)",
				allowableValues = {
						"webhook", "backfill" }) String source,
		@Schema(description = "The subscription's webhook.uuid",
				nullable = true) @JsonProperty("webhook_uuid") String webhookUuid,
		@Schema(description = "The delivery's Content-Type header",
				nullable = true) @JsonProperty("content_type") String contentType,
		@Schema(nullable = true) @JsonProperty("record_id") Long recordId,
		@Schema(nullable = true, example = "client") @JsonProperty("record_type") String recordType,
		@Schema(nullable = true) @JsonProperty("client_id") Long clientId,
		@Schema(nullable = true) @JsonProperty("form_reference") String formReference,
		@Schema(nullable = true) @JsonProperty("case_id") Long caseId,
		@Schema(nullable = true) @JsonProperty("organisation_id") Long organisationId, Enrichment enrichment,
		@Schema(description = "The JSON body exactly as received (its bytes, verbatim); null when the body is not JSON",
				type = "object", nullable = true) @JsonRawValue String payload,
		@Schema(description = "The body's bytes, base64; set only when payload is null (or the body is not UTF-8)",
				nullable = true) @JsonProperty("body_base64") String bodyBase64){

	/**
	 * Where the event stands in background enrichment.
	 *
	 * @param status pending, enriched, failed or skipped
	 * @param attempts fetch attempts made so far
	 * @param lastError why the last attempt failed or the event was skipped
	 * @param enrichedAt when it was enriched
	 * @param nextAttemptAt when a pending event is due
	 * @param replayedAt when an operator last asked for it to be enriched again
	 */
	@Schema(name = "Enrichment")
	@JsonPropertyOrder({ "status", "attempts", "last_error", "enriched_at", "next_attempt_at", "replayed_at" })
	public record Enrichment(EnrichmentStatus status, int attempts,
			@Schema(nullable = true) @JsonProperty("last_error") String lastError,
			@Schema(nullable = true) @JsonProperty("enriched_at") Instant enrichedAt,
			@JsonProperty("next_attempt_at") Instant nextAttemptAt,
			@Schema(nullable = true) @JsonProperty("replayed_at") Instant replayedAt) {

	}

}
