package dev.aqid.receiver.query;

import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;

import dev.aqid.receiver.forwarding.DeliveryStatus;
import dev.aqid.receiver.forwarding.ForwardingDestinations;
import dev.aqid.receiver.ingest.EventFilter;
import dev.aqid.receiver.ingest.EventStream;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/destinations}: where events are forwarded, how their deliveries stand, and
 * replay of deliveries.
 */
@RestController
@RequestMapping(path = "/api/destinations", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Destinations", description = "Internal systems that settled events are forwarded to")
class DestinationsController {

	private final ForwardingDestinations destinations;

	private final EventStream events;

	DestinationsController(ForwardingDestinations destinations, EventStream events) {
		this.destinations = destinations;
		this.events = events;
	}

	@GetMapping
	@Operation(summary = "List destinations with their delivery counts, last error and oldest pending delivery")
	@ApiResponse(responseCode = "200", description = "The destinations, in configuration order")
	List<ForwardingDestinations.DestinationStatus> list() {
		return this.destinations.statuses();
	}

	@PostMapping("/{name}/replay")
	@ResponseStatus(HttpStatus.ACCEPTED)
	@Operation(summary = "Send matching events to the destination again", description = """
			The filters of GET /api/events, at least one of them (alias=* matches every event), except \
			that status is the delivery's status: status=failed sends only failed deliveries again \
			(status=delivered only delivered ones). Each matching delivery starts a new series of attempts \
			under its usual webhook-id. Without status, settled events never queued for the destination \
			(it was configured after they settled) are queued too if it takes their alias: that is how a \
			new destination is backfilled.""")
	@ApiResponse(responseCode = "202", description = "Queued")
	@ApiResponse(responseCode = "400", description = "No filter, or a filter value the API does not accept",
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
					schema = @Schema(ref = OpenApiConfiguration.PROBLEM)))
	@ApiResponse(responseCode = "404", description = "No destination has this name",
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
					schema = @Schema(ref = OpenApiConfiguration.PROBLEM)))
	ReplayQueued replay(@PathVariable("name") String name, @RequestParam(name = "alias", required = false) String alias,
			@RequestParam(name = "record_id", required = false) Long recordId,
			@RequestParam(name = "client_id", required = false) Long clientId,
			@Parameter(description = "Delivery status: failed (or delivered)") @RequestParam(name = "status",
					required = false) String status,
			@RequestParam(name = "received_after",
					required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) OffsetDateTime receivedAfter,
			@RequestParam(name = "received_before", required = false) @DateTimeFormat(
					iso = DateTimeFormat.ISO.DATE_TIME) OffsetDateTime receivedBefore) {
		if (!this.destinations.exists(name)) {
			throw new DestinationNotFound(name);
		}
		DeliveryStatus deliveryStatus = deliveryStatus(status);
		boolean eventFilter = (alias != null && !alias.isEmpty()) || recordId != null || clientId != null
				|| receivedAfter != null || receivedBefore != null;
		if (!eventFilter && deliveryStatus == null) {
			throw new InvalidParameter(null, "A replay needs at least one filter (alias, record_id, client_id, "
					+ "status, received_after, received_before); alias=* replays every event");
		}
		if (!eventFilter) {
			return new ReplayQueued(this.destinations.replayAll(name, deliveryStatus));
		}
		EventFilter filter = new EventFilter(AliasParameter.parse(alias), recordId, clientId, null, receivedAfter,
				receivedBefore);
		long queued = this.events.inBatches(filter, (batch) -> this.destinations.replay(name, batch, deliveryStatus));
		return new ReplayQueued(queued);
	}

	private static DeliveryStatus deliveryStatus(String status) {
		if (status == null || status.isEmpty()) {
			return null;
		}
		if (status.equals(DeliveryStatus.failed.name())) {
			return DeliveryStatus.failed;
		}
		if (status.equals(DeliveryStatus.delivered.name())) {
			return DeliveryStatus.delivered;
		}
		throw new InvalidParameter("status", "status must be failed or delivered (the delivery's status)");
	}

	@ExceptionHandler
	ProblemDetail destinationNotFound(DestinationNotFound ex, HttpServletRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
		problem.setInstance(URI.create(request.getRequestURI()));
		return problem;
	}

	/**
	 * The answer to a replay.
	 *
	 * @param queued how many deliveries were queued again
	 */
	@Schema(name = "DestinationReplayQueued")
	record ReplayQueued(long queued) {

	}

}
