package dev.aqid.receiver.query;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.aqid.receiver.enrichment.EnrichmentReplay;
import dev.aqid.receiver.ingest.EnrichmentStatus;
import dev.aqid.receiver.ingest.EventFilter;
import dev.aqid.receiver.ingest.EventStream;
import dev.aqid.receiver.ingest.EventView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * {@code /api/events}: the stored deliveries, as a stream a consumer can follow, one by
 * one, and enrichment replay.
 */
@RestController
@RequestMapping(path = "/api/events", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Events", description = "Stored Amiqus webhook deliveries")
class EventsController {

	static final int DEFAULT_LIMIT = 50;

	static final int MAX_LIMIT = 100;

	/**
	 * Events a bulk replay queues per statement: each batch is its own short transaction,
	 * so replaying a hundred thousand events never holds a lock the ingest path needs for
	 * long.
	 */
	private final EventStream events;

	private final EnrichmentReplay replay;

	private final LongPolls longPolls;

	private final LongPollProperties longPoll;

	EventsController(EventStream events, EnrichmentReplay replay, LongPolls longPolls, LongPollProperties longPoll) {
		this.events = events;
		this.replay = replay;
		this.longPolls = longPolls;
		this.longPoll = longPoll;
	}

	@GetMapping
	@Operation(summary = "List events, oldest first", description = """
			Events in the order they became visible. Keep next_cursor and send it back as cursor to \
			get the events after it: next_cursor is set whenever the page has events, and on an empty \
			page it is the cursor you sent (null only when you sent none), so a consumer can poll with \
			it for newer events for ever without missing or repeating one. Filters combine with AND \
			and work with a cursor. With wait (long polling), an empty page is not answered at once: the \
			request waits until an event matching the filters exists after the cursor and answers with it, \
			or answers the empty page when the wait is over; a consumer can loop on it for ever.""")
	@ApiResponse(responseCode = "200", description = "A page of events")
	@ApiResponse(responseCode = "400", description = "A parameter has a value the API does not accept",
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
					schema = @Schema(ref = OpenApiConfiguration.PROBLEM)))
	EventPage list(
			@Parameter(
					description = "Exact alias (record.updated), or a prefix ending in * (record.*); * is every alias",
					example = "record.*") @RequestParam(name = "alias", required = false) String alias,
			@Parameter(description = "Events that refer to this record") @RequestParam(name = "record_id",
					required = false) Long recordId,
			@Parameter(description = "Events that refer to this client") @RequestParam(name = "client_id",
					required = false) Long clientId,
			@Parameter(description = "Enrichment status") @RequestParam(name = "status",
					required = false) EnrichmentStatus status,
			@Parameter(description = "Received at or after this instant (RFC 3339; encode + as %2B)",
					example = "2024-05-07T12:00:00Z") @RequestParam(name = "received_after",
							required = false) @DateTimeFormat(
									iso = DateTimeFormat.ISO.DATE_TIME) OffsetDateTime receivedAfter,
			@Parameter(description = "Received before this instant (RFC 3339; encode + as %2B)",
					example = "2024-05-08T00:00:00Z") @RequestParam(name = "received_before",
							required = false) @DateTimeFormat(
									iso = DateTimeFormat.ISO.DATE_TIME) OffsetDateTime receivedBefore,
			@Parameter(description = "Page size, 1 to 100",
					schema = @Schema(minimum = "1", maximum = "100", defaultValue = "50")) @RequestParam(name = "limit",
							defaultValue = "" + DEFAULT_LIMIT) int limit,
			@Parameter(description = "next_cursor of an earlier page: the events after it") @RequestParam(
					name = "cursor", required = false) String cursor,
			@Parameter(description = """
					Long polling: when no event matching the filters follows the cursor, wait up to this long \
					for one and answer as soon as it is stored, else answer the empty page when the wait is \
					over. A whole number with ms, s or m (500ms, 30s, 1m), or plain seconds; at most the \
					configured maximum (60s by default); 0 or absent answers at once.""",
					schema = @Schema(type = "string", pattern = "^[0-9]{1,9}(ms|s|m)?$"),
					example = "30s") @RequestParam(name = "wait", required = false) String wait) {
		// A request naming wait goes to listWaiting (the more specific mapping): this one
		// answers at once, on the request's own thread, with no async dispatch; wait is
		// declared here only to document it.
		Listing listing = listing(alias, recordId, clientId, status, receivedAfter, receivedBefore, limit, cursor);
		return page(listing).orElse(listing.empty());
	}

	/**
	 * {@code GET /api/events?wait=…}: the same list, and when it is empty, a long poll
	 * (Spring MVC async, so that a waiting request holds no Tomcat thread). Documented
	 * with {@link #list}, whose wait parameter it serves.
	 */
	@GetMapping(params = "wait")
	@Operation(hidden = true)
	DeferredResult<EventPage> listWaiting(@RequestParam(name = "alias", required = false) String alias,
			@RequestParam(name = "record_id", required = false) Long recordId,
			@RequestParam(name = "client_id", required = false) Long clientId,
			@RequestParam(name = "status", required = false) EnrichmentStatus status,
			@RequestParam(name = "received_after",
					required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) OffsetDateTime receivedAfter,
			@RequestParam(name = "received_before",
					required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) OffsetDateTime receivedBefore,
			@RequestParam(name = "limit", defaultValue = "" + DEFAULT_LIMIT) int limit,
			@RequestParam(name = "cursor", required = false) String cursor,
			@RequestParam(name = "wait", required = false) String wait) {
		Listing listing = listing(alias, recordId, clientId, status, receivedAfter, receivedBefore, limit, cursor);
		Duration waitFor = WaitParameter.parse(wait, this.longPoll.maxWait());
		if (waitFor.isZero()) {
			DeferredResult<EventPage> now = new DeferredResult<>();
			now.setResult(page(listing).orElse(listing.empty()));
			return now;
		}
		return this.longPolls.await(() -> page(listing), waitFor, listing.empty());
	}

	private static Listing listing(String alias, Long recordId, Long clientId, EnrichmentStatus status,
			OffsetDateTime receivedAfter, OffsetDateTime receivedBefore, int limit, String cursor) {
		if (limit < 1 || limit > MAX_LIMIT) {
			throw new InvalidParameter("limit", "limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
		}
		StreamCursor after = (cursor != null && !cursor.isEmpty()) ? StreamCursor.decode(cursor) : null;
		EventFilter filter = new EventFilter(AliasParameter.parse(alias), recordId, clientId, status, receivedAfter,
				receivedBefore);
		return new Listing(filter, after, limit);
	}

	/**
	 * What a list request asks for: the filter, the cursor (null: from the start), the
	 * page size.
	 */
	private record Listing(EventFilter filter, StreamCursor after, int limit) {

		/**
		 * The answer when nothing follows the cursor: the cursor sent (null when none).
		 */
		EventPage empty() {
			return new EventPage(List.of(), (this.after != null) ? this.after.encode() : null);
		}

	}

	/** The events after the cursor, or empty when there are none (yet). */
	private Optional<EventPage> page(Listing listing) {
		return page(listing.filter(), listing.after(), listing.limit());
	}

	/** The events after the cursor, or empty when there are none (yet). */
	private Optional<EventPage> page(EventFilter filter, StreamCursor after, int limit) {
		List<EventStream.Positioned> page = this.events.page(filter, (after != null) ? after.position() : null, limit);
		if (page.isEmpty()) {
			return Optional.empty();
		}
		return Optional.of(new EventPage(page.stream().map(EventStream.Positioned::event).toList(),
				StreamCursor.of(page.get(page.size() - 1).position()).encode()));
	}

	@GetMapping("/{event_id}")
	@Operation(summary = "One event")
	@ApiResponse(responseCode = "200", description = "The event")
	@ApiResponse(responseCode = "404", description = "No event has this id",
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
					schema = @Schema(ref = OpenApiConfiguration.PROBLEM)))
	EventView one(@PathVariable("event_id") String eventId) {
		return this.events.find(parseId(eventId)).orElseThrow(() -> new EventNotFound(eventId));
	}

	@PostMapping("/{event_id}/replay")
	@ResponseStatus(HttpStatus.ACCEPTED)
	@Operation(summary = "Enrich the event again now",
			description = "Puts the event back in the enrichment queue as pending, due now, with its attempts reset.")
	@ApiResponse(responseCode = "202", description = "Queued")
	@ApiResponse(responseCode = "404", description = "No event has this id",
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
					schema = @Schema(ref = OpenApiConfiguration.PROBLEM)))
	ReplayAccepted replay(@PathVariable("event_id") String eventId) {
		if (!this.replay.replay(parseId(eventId))) {
			throw new EventNotFound(eventId);
		}
		return new ReplayAccepted(eventId, EnrichmentStatus.pending);
	}

	@PostMapping("/replay")
	@ResponseStatus(HttpStatus.ACCEPTED)
	@Operation(summary = "Enrich every matching event again now", description = """
			The filters of GET /api/events, at least one of them (alias=* matches every event): each \
			matching event goes back in the enrichment queue as pending, due now, with its attempts reset, \
			and the objects it refers to are fetched from Amiqus again. Events are queued in batches of \
			1,000, each its own short transaction.""")
	@ApiResponse(responseCode = "202", description = "Queued")
	@ApiResponse(responseCode = "400", description = "No filter, or a filter value the API does not accept",
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
					schema = @Schema(ref = OpenApiConfiguration.PROBLEM)))
	BulkReplayAccepted replayMatching(@RequestParam(name = "alias", required = false) String alias,
			@RequestParam(name = "record_id", required = false) Long recordId,
			@RequestParam(name = "client_id", required = false) Long clientId,
			@RequestParam(name = "status", required = false) EnrichmentStatus status,
			@RequestParam(name = "received_after",
					required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) OffsetDateTime receivedAfter,
			@RequestParam(name = "received_before", required = false) @DateTimeFormat(
					iso = DateTimeFormat.ISO.DATE_TIME) OffsetDateTime receivedBefore) {
		if ((alias == null || alias.isEmpty()) && recordId == null && clientId == null && status == null
				&& receivedAfter == null && receivedBefore == null) {
			throw new InvalidParameter(null, "A bulk replay needs at least one filter (alias, record_id, "
					+ "client_id, status, received_after, received_before); alias=* replays every event");
		}
		EventFilter filter = new EventFilter(AliasParameter.parse(alias), recordId, clientId, status, receivedAfter,
				receivedBefore);
		long queued = this.replay.replayMatching(filter);
		return new BulkReplayAccepted(queued);
	}

	/** Event ids are positive numbers; anything else names no event. */
	private static long parseId(String eventId) {
		try {
			long id = Long.parseLong(eventId);
			if (id > 0) {
				return id;
			}
		}
		catch (NumberFormatException ex) {
			// Falls through: no such event.
		}
		throw new EventNotFound(eventId);
	}

	/**
	 * A page of the event stream.
	 *
	 * @param data the events, oldest first
	 * @param nextCursor where the next page starts
	 */
	@Schema(name = "EventPage")
	record EventPage(List<EventView> data, @Schema(
			description = "Send as cursor for the events after this page; null only when the page is empty and no cursor was sent",
			nullable = true) @JsonProperty("next_cursor") String nextCursor) {

	}

	/**
	 * The answer to a bulk replay.
	 *
	 * @param queued how many events were put back in the enrichment queue
	 */
	@Schema(name = "BulkReplayAccepted")
	record BulkReplayAccepted(long queued) {

	}

	/**
	 * The answer to a replay.
	 *
	 * @param eventId the event
	 * @param enrichmentStatus its status now: pending
	 */
	@Schema(name = "ReplayAccepted")
	record ReplayAccepted(@JsonProperty("event_id") String eventId,
			@JsonProperty("enrichment_status") EnrichmentStatus enrichmentStatus) {

	}

}
