package dev.aqid.receiver.forwarding;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.aqid.receiver.enrichment.LatestSnapshots;
import dev.aqid.receiver.enrichment.SnapshotKind;
import dev.aqid.receiver.ingest.EventStream;
import dev.aqid.receiver.ingest.EventView;
import tools.jackson.databind.ObjectMapper;

import org.springframework.stereotype.Component;

/**
 * The JSON a destination receives: {@code {"type", "timestamp", "data": {"event",
 * "snapshots"}}}, the event as {@code GET /api/events/{id}} shows it and each snapshot it
 * refers to as {@code GET /api/<kind>/{id}} shows it, written by the same mapper as the
 * API. Built at each attempt, so a retry carries the latest snapshots.
 */
@Component
class ForwardedBody {

	private final EventStream events;

	private final LatestSnapshots snapshots;

	private final ObjectMapper json;

	ForwardedBody(EventStream events, LatestSnapshots snapshots, ObjectMapper json) {
		this.events = events;
		this.snapshots = snapshots;
		this.json = json;
	}

	/** The body for the event; empty when it is no longer stored (retention, erasure). */
	Optional<String> of(long eventId) {
		return this.events.find(eventId).map(this::body);
	}

	private String body(EventView event) {
		Map<String, Snapshot> snapshots = new LinkedHashMap<>();
		if (event.recordId() != null) {
			add(snapshots, SnapshotKind.RECORD, event.recordId().toString());
			add(snapshots, SnapshotKind.RECORD_STEPS, event.recordId().toString());
		}
		if (event.clientId() != null) {
			add(snapshots, SnapshotKind.CLIENT, event.clientId().toString());
		}
		if (event.formReference() != null) {
			add(snapshots, SnapshotKind.FORM, event.formReference());
		}
		if (event.organisationId() != null) {
			add(snapshots, SnapshotKind.ORGANISATION, event.organisationId().toString());
		}
		if (event.caseId() != null) {
			add(snapshots, SnapshotKind.CASE, event.caseId().toString());
		}
		Instant occurred = (event.triggeredAt() != null) ? event.triggeredAt() : event.receivedAt();
		String type = (event.alias() != null) ? event.alias() : "unknown";
		return this.json.writeValueAsString(
				new Body(type, DateTimeFormatter.ISO_INSTANT.format(occurred), new Data(event, snapshots)));
	}

	private void add(Map<String, Snapshot> snapshots, SnapshotKind kind, String id) {
		this.snapshots.find(kind, id)
			.ifPresent((fetched) -> snapshots.put(kind.column(),
					new Snapshot(fetched.entityId(), fetched.fetchedAt(), fetched.data())));
	}

	@JsonPropertyOrder({ "type", "timestamp", "data" })
	record Body(String type, String timestamp, Data data) {

	}

	@JsonPropertyOrder({ "event", "snapshots" })
	record Data(EventView event, Map<String, Snapshot> snapshots) {

	}

	@JsonPropertyOrder({ "id", "fetched_at", "data" })
	record Snapshot(String id, @JsonProperty("fetched_at") Instant fetchedAt, @JsonRawValue String data) {

	}

}
