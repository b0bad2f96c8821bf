package dev.aqid.receiver.console;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import dev.aqid.receiver.enrichment.EnrichmentReplay;
import dev.aqid.receiver.forwarding.DeliveryStatus;
import dev.aqid.receiver.forwarding.ForwardingDestinations;
import dev.aqid.receiver.ingest.EnrichmentStatus;
import dev.aqid.receiver.ingest.EventFilter;
import dev.aqid.receiver.ingest.EventStream;
import dev.aqid.receiver.ingest.EventView;
import dev.aqid.receiver.registrar.SubscriptionOverview;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * What needs an operator: failed and stuck enrichments and failed deliveries, each with
 * replay one by one and in bulk; and the state of the subscription and the destinations.
 */
@Controller
@RequestMapping("/console")
class OperationsPages {

	private static final Logger log = LoggerFactory.getLogger(OperationsPages.class);

	/** Events one bulk replay queues per statement, as the query API does. */
	/** Events one bulk action of the console takes by id. */
	private static final int MAX_SELECTED = 1000;

	private final EventStream events;

	private final EnrichmentReplay replay;

	private final ForwardingDestinations destinations;

	private final SubscriptionOverview subscription;

	private final ConsoleProperties properties;

	private final Clock clock;

	OperationsPages(EventStream events, EnrichmentReplay replay, ForwardingDestinations destinations,
			SubscriptionOverview subscription, ConsoleProperties properties, Clock clock) {
		this.events = events;
		this.replay = replay;
		this.destinations = destinations;
		this.subscription = subscription;
		this.properties = properties;
		this.clock = clock;
	}

	@GetMapping("/problems")
	String problems(Model model) {
		int limit = this.properties.listLimit();
		List<EventView> failed = this.events.latest(failedFilter(), null, limit + 1)
			.stream()
			.map(EventStream.Positioned::event)
			.toList();
		List<EventView> stuck = this.events.stuck(this.clock.instant().minus(this.properties.stuckAfter()), limit + 1);
		List<FailedDeliveries> deliveries = new ArrayList<>();
		for (ForwardingDestinations.DestinationStatus destination : this.destinations.statuses()) {
			List<ForwardingDestinations.Delivery> rows = this.destinations.failedDeliveries(destination.name(),
					limit + 1);
			deliveries.add(new FailedDeliveries(destination.name(), destination.failed(),
					rows.subList(0, Math.min(limit, rows.size()))));
		}
		model.addAttribute("failed", failed.subList(0, Math.min(limit, failed.size())));
		model.addAttribute("failedMore", failed.size() > limit);
		model.addAttribute("stuck", stuck.subList(0, Math.min(limit, stuck.size())));
		model.addAttribute("stuckMore", stuck.size() > limit);
		model.addAttribute("stuckAfter", this.properties.stuckAfter());
		model.addAttribute("deliveries", deliveries);
		model.addAttribute("limit", limit);
		return "console/problems";
	}

	/**
	 * Enriches events again: the one whose button was pressed ({@code event_id}), else
	 * the ticked ones ({@code ids}), else every failed event ({@code all=failed}).
	 */
	@PostMapping("/enrichment/replay")
	String replayEnrichment(@RequestParam(name = "event_id", required = false) @Nullable Long eventId,
			@RequestParam(name = "ids", required = false) @Nullable List<Long> ids,
			@RequestParam(name = "all", required = false) @Nullable String all, RedirectAttributes redirect) {
		if (eventId != null) {
			int queued = this.replay.replay(List.of(eventId));
			log.info("Console: event {} queued for enrichment again", eventId);
			redirect.addFlashAttribute("notice", (queued == 1) ? "Event " + eventId + " is queued for enrichment again."
					: "Event " + eventId + " no longer exists.");
		}
		else if (ids != null && !ids.isEmpty()) {
			if (ids.size() > MAX_SELECTED) {
				throw new ConsoleInputInvalid("Select at most " + MAX_SELECTED + " events at a time.");
			}
			int queued = this.replay.replay(ids);
			log.info("Console: {} selected event(s) queued for enrichment again", queued);
			redirect.addFlashAttribute("notice", queued + " selected event(s) queued for enrichment again.");
		}
		else if ("failed".equals(all)) {
			long queued = replayAllFailed();
			log.info("Console: {} failed event(s) queued for enrichment again", queued);
			redirect.addFlashAttribute("notice", queued + " failed event(s) queued for enrichment again.");
		}
		else {
			redirect.addFlashAttribute("problem", "Select the events to replay first.");
		}
		return "redirect:/console/problems";
	}

	private long replayAllFailed() {
		return this.replay.replayMatching(failedFilter());
	}

	/**
	 * Sends a failed delivery to its destination again ({@code event_id}), or every
	 * failed delivery of the destination.
	 */
	@PostMapping("/destinations/{name}/replay")
	String replayDeliveries(@PathVariable("name") String name,
			@RequestParam(name = "event_id", required = false) @Nullable Long eventId,
			@RequestParam(name = "from", required = false) @Nullable String from, RedirectAttributes redirect) {
		if (!this.destinations.exists(name)) {
			throw new ConsoleInputInvalid("No destination is named '" + name + "'.");
		}
		if (eventId != null) {
			int queued = this.destinations.replay(name, List.of(eventId), null);
			log.info("Console: event {} queued for destination {} again", eventId, name);
			redirect.addFlashAttribute("notice",
					(queued == 1) ? "Event " + eventId + " is queued for " + name + " again."
							: "Event " + eventId + " was never queued for " + name + ".");
		}
		else {
			int queued = this.destinations.replayAll(name, DeliveryStatus.failed);
			log.info("Console: {} failed deliveries queued for destination {} again", queued, name);
			redirect.addFlashAttribute("notice", queued + " failed deliveries queued for " + name + " again.");
		}
		// Back where the button was; never a caller-supplied address.
		if ("destinations".equals(from)) {
			return "redirect:/console/destinations";
		}
		if ("event".equals(from) && eventId != null) {
			return "redirect:/console/events/" + eventId;
		}
		return "redirect:/console/problems";
	}

	@GetMapping("/subscription")
	String subscription(Model model) {
		model.addAttribute("subscription", this.subscription.current());
		return "console/subscription";
	}

	@GetMapping("/destinations")
	String destinations(Model model) {
		model.addAttribute("destinations", this.destinations.statuses());
		return "console/destinations";
	}

	private static EventFilter failedFilter() {
		return new EventFilter(null, null, null, EnrichmentStatus.failed, null, null);
	}

	/**
	 * A destination's failed deliveries.
	 *
	 * @param destination its name
	 * @param total how many of its deliveries have failed
	 * @param rows the newest of them
	 */
	record FailedDeliveries(String destination, long total, List<ForwardingDestinations.Delivery> rows) {

	}

}
