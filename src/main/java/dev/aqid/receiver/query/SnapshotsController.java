package dev.aqid.receiver.query;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.aqid.receiver.enrichment.LatestSnapshots;
import dev.aqid.receiver.enrichment.SnapshotKind;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The latest snapshot of each Amiqus object the events referred to, as the enrichment
 * workers fetched it.
 */
@RestController
@RequestMapping(path = "/api", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Snapshots", description = "The latest object fetched from the Amiqus API for each referenced entity")
@ApiResponse(responseCode = "200", description = "The latest snapshot")
@ApiResponse(responseCode = "404", description = "Never fetched from Amiqus (or deleted since)",
		content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
				schema = @Schema(ref = OpenApiConfiguration.PROBLEM)))
class SnapshotsController {

	private static final int MAX_ID_LENGTH = 255;

	private final LatestSnapshots snapshots;

	SnapshotsController(LatestSnapshots snapshots) {
		this.snapshots = snapshots;
	}

	@GetMapping("/records/{id}")
	@Operation(summary = "A record (GET /records/{id}?expand=client at Amiqus)")
	Snapshot record(@PathVariable("id") String id) {
		return find(SnapshotKind.RECORD, "record", id);
	}

	@GetMapping("/records/{id}/steps")
	@Operation(summary = "A record's steps (GET /records/{id}/steps at Amiqus, every page)")
	Snapshot recordSteps(@PathVariable("id") String id) {
		return find(SnapshotKind.RECORD_STEPS, "steps of record", id);
	}

	@GetMapping("/clients/{id}")
	@Operation(summary = "A client")
	Snapshot client(@PathVariable("id") String id) {
		return find(SnapshotKind.CLIENT, "client", id);
	}

	@GetMapping("/organisations/{id}")
	@Operation(summary = "An organisation")
	Snapshot organisation(@PathVariable("id") String id) {
		return find(SnapshotKind.ORGANISATION, "organisation", id);
	}

	@GetMapping("/cases/{id}")
	@Operation(summary = "A case")
	Snapshot caseSnapshot(@PathVariable("id") String id) {
		return find(SnapshotKind.CASE, "case", id);
	}

	@GetMapping("/forms/{reference}")
	@Operation(summary = "A client form, by its reference")
	Snapshot form(@PathVariable("reference") String reference) {
		return find(SnapshotKind.FORM, "form", reference);
	}

	private Snapshot find(SnapshotKind kind, String what, String id) {
		if (id.length() > MAX_ID_LENGTH) {
			throw new SnapshotNotFound(what, "with so long an id");
		}
		return this.snapshots.find(kind, id)
			.map((fetched) -> new Snapshot(fetched.entityId(), fetched.fetchedAt(), fetched.data()))
			.orElseThrow(() -> new SnapshotNotFound(what, id));
	}

	/**
	 * An Amiqus object as last fetched.
	 *
	 * @param id the object's id (a form's reference)
	 * @param fetchedAt when the fetch started: the object reflects every event received
	 * before it
	 * @param data the object as the Amiqus API returned it
	 */
	@Schema(name = "Snapshot")
	@JsonPropertyOrder({ "id", "fetched_at", "data" })
	record Snapshot(String id, @JsonProperty("fetched_at") Instant fetchedAt, @Schema(type = "object",
			description = "The Amiqus object as fetched (for steps: one array of every step)") @JsonRawValue String data) {

	}

}
