package dev.aqid.receiver.console;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import dev.aqid.receiver.enrichment.EnrichmentReplay;
import dev.aqid.receiver.enrichment.LatestSnapshots;
import dev.aqid.receiver.enrichment.SnapshotKind;
import dev.aqid.receiver.forwarding.DeliveryStatus;
import dev.aqid.receiver.forwarding.ForwardingDestinations;
import dev.aqid.receiver.ingest.EnrichmentStatus;
import dev.aqid.receiver.ingest.EventFilter;
import dev.aqid.receiver.ingest.EventStream;
import dev.aqid.receiver.ingest.EventView;
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
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The event list ({@code /console}), newest first with the query API's filters and paging
 * by cursor, its live rows, and one event with its enrichment, deliveries, snapshots and
 * payload.
 */
@Controller
@RequestMapping("/console")
class EventPages {

	private static final Logger log = LoggerFactory.getLogger(EventPages.class);

	private final EventStream events;

	private final LatestSnapshots snapshots;

	private final EnrichmentReplay replay;

	private final ForwardingDestinations destinations;

	private final ConsoleProperties properties;

	EventPages(EventStream events, LatestSnapshots snapshots, EnrichmentReplay replay,
			ForwardingDestinations destinations, ConsoleProperties properties) {
		this.events = events;
		this.snapshots = snapshots;
		this.replay = replay;
		this.destinations = destinations;
		this.properties = properties;
	}

	@GetMapping
	String list(@RequestParam(name = "alias", required = false) @Nullable String alias,
			@RequestParam(name = "record_id", required = false) @Nullable String recordId,
			@RequestParam(name = "client_id", required = false) @Nullable String clientId,
			@RequestParam(name = "status", required = false) @Nullable String status,
			@RequestParam(name = "received_after", required = false) @Nullable String receivedAfter,
			@RequestParam(name = "received_before", required = false) @Nullable String receivedBefore,
			@RequestParam(name = "before", required = false) @Nullable String before,
			@RequestParam(name = "after", required = false) @Nullable String after, Model model) {
		EventFilters filters = EventFilters.of(alias, recordId, clientId, status, receivedAfter, receivedBefore);
		model.addAttribute("filters", filters);
		model.addAttribute("statuses", EnrichmentStatus.values());
		model.addAttribute("filtered", !filters.isEmpty());
		EventFilter filter;
		try {
			filter = filters.toFilter();
		}
		catch (ConsoleInputInvalid ex) {
			model.addAttribute("error", ex.getMessage());
			model.addAttribute("events", List.of());
			return "console/events";
		}
		int size = this.properties.pageSize();
		List<EventStream.Positioned> page;
		boolean newer;
		boolean older;
		if (after != null && !after.isEmpty()) {
			// Newer than a page: read forwards, show newest first.
			page = new ArrayList<>(this.events.page(filter, ConsoleCursor.decode(after), size + 1));
			newer = page.size() > size;
			page = new ArrayList<>(page.subList(0, Math.min(size, page.size())));
			Collections.reverse(page);
			older = true;
		}
		else {
			page = this.events.latest(filter,
					(before != null && !before.isEmpty()) ? ConsoleCursor.decode(before) : null, size + 1);
			older = page.size() > size;
			page = page.subList(0, Math.min(size, page.size()));
			newer = before != null && !before.isEmpty();
		}
		boolean live = !newer;
		model.addAttribute("events", page.stream().map(EventStream.Positioned::event).toList());
		if (!page.isEmpty()) {
			if (older) {
				model.addAttribute("olderUrl",
						link(filters, "before", ConsoleCursor.encode(page.get(page.size() - 1).position())));
			}
			if (newer) {
				model.addAttribute("newerUrl", link(filters, "after", ConsoleCursor.encode(page.get(0).position())));
			}
		}
		else if (newer) {
			model.addAttribute("newerUrl", link(filters, null, null));
		}
		if (live) {
			model.addAttribute("liveUrl",
					filters.addTo(UriComponentsBuilder.fromPath("/console/events/rows"))
						.encode()
						.buildAndExpand(filters.values())
						.toUriString());
		}
		model.addAttribute("newestUrl", link(filters, null, null));
		return "console/events";
	}

	/**
	 * The newest page's rows, for the list's live updates: the page polls this while it
	 * shows the newest events, and swaps the rows in when they changed.
	 */
	@GetMapping("/events/rows")
	String rows(@RequestParam(name = "alias", required = false) @Nullable String alias,
			@RequestParam(name = "record_id", required = false) @Nullable String recordId,
			@RequestParam(name = "client_id", required = false) @Nullable String clientId,
			@RequestParam(name = "status", required = false) @Nullable String status,
			@RequestParam(name = "received_after", required = false) @Nullable String receivedAfter,
			@RequestParam(name = "received_before", required = false) @Nullable String receivedBefore, Model model) {
		EventFilters filters = EventFilters.of(alias, recordId, clientId, status, receivedAfter, receivedBefore);
		EventFilter filter = filters.toFilter();
		model.addAttribute("filtered", !filters.isEmpty());
		model.addAttribute("events",
				this.events.latest(filter, null, this.properties.pageSize())
					.stream()
					.map(EventStream.Positioned::event)
					.toList());
		return "console/events :: rows";
	}

	@GetMapping("/events/{eventId}")
	String event(@PathVariable("eventId") String eventId, Model model) {
		EventView event = this.events.find(parseId(eventId)).orElseThrow(() -> new ConsoleEventNotFound(eventId));
		List<ReferencedSnapshot> referenced = referencedSnapshots(event);
		List<ForwardingDestinations.Delivery> deliveries = this.destinations
			.deliveriesOf(Long.parseLong(event.eventId()));
		model.addAttribute("event", event);
		model.addAttribute("snapshots", referenced);
		model.addAttribute("deliveries", deliveries);
		model.addAttribute("history", history(event, referenced, deliveries));
		return "console/event";
	}

	@PostMapping("/events/{eventId}/replay")
	String replay(@PathVariable("eventId") String eventId, RedirectAttributes redirect) {
		long id = parseId(eventId);
		if (!this.replay.replay(id)) {
			throw new ConsoleEventNotFound(eventId);
		}
		log.info("Console: event {} queued for enrichment again", id);
		redirect.addFlashAttribute("notice", "Event " + id + " is queued for enrichment again: its objects are "
				+ "fetched from Amiqus afresh and its status shows pending until then.");
		return "redirect:/console/events/" + id;
	}

	private List<ReferencedSnapshot> referencedSnapshots(EventView event) {
		List<ReferencedSnapshot> referenced = new ArrayList<>();
		if (event.recordId() != null && !"organisation".equals(event.recordType())) {
			String id = event.recordId().toString();
			referenced.add(snapshot("Record", SnapshotKind.RECORD, id, "/api/records/" + id));
			referenced.add(snapshot("Record steps", SnapshotKind.RECORD_STEPS, id, "/api/records/" + id + "/steps"));
		}
		if (event.clientId() != null) {
			String id = event.clientId().toString();
			referenced.add(snapshot("Client", SnapshotKind.CLIENT, id, "/api/clients/" + id));
		}
		if (event.formReference() != null) {
			referenced.add(snapshot("Form", SnapshotKind.FORM, event.formReference(),
					"/api/forms/" + UriComponentsBuilder.fromPath(event.formReference()).encode().toUriString()));
		}
		if (event.caseId() != null) {
			String id = event.caseId().toString();
			referenced.add(snapshot("Case", SnapshotKind.CASE, id, "/api/cases/" + id));
		}
		if (event.organisationId() != null) {
			String id = event.organisationId().toString();
			referenced.add(snapshot("Organisation", SnapshotKind.ORGANISATION, id, "/api/organisations/" + id));
		}
		return referenced;
	}

	private ReferencedSnapshot snapshot(String label, SnapshotKind kind, String id, String apiPath) {
		return new ReferencedSnapshot(label, id, apiPath, this.snapshots.find(kind, id).orElse(null));
	}

	private static List<HistoryEntry> history(EventView event, List<ReferencedSnapshot> snapshots,
			List<ForwardingDestinations.Delivery> deliveries) {
		List<HistoryEntry> history = new ArrayList<>();
		if (event.triggeredAt() != null) {
			history.add(new HistoryEntry(event.triggeredAt(), "Triggered at Amiqus"));
		}
		history.add(new HistoryEntry(event.receivedAt(), "backfill".equals(event.source())
				? "Recovered from Amiqus's delivery log (backfill)" : "Received and stored"
						+ ((event.attempt() != null) ? " (Amiqus delivery attempt " + event.attempt() + ")" : "")));
		for (ReferencedSnapshot snapshot : snapshots) {
			// A fetch made for this event (or after it); an older snapshot is in its
			// section.
			if (snapshot.fetched() != null && !snapshot.fetched().fetchedAt().isBefore(event.receivedAt())) {
				history.add(new HistoryEntry(snapshot.fetched().fetchedAt(),
						snapshot.label() + " " + snapshot.id() + " fetched from Amiqus (latest snapshot)"));
			}
		}
		EventView.Enrichment enrichment = event.enrichment();
		if (enrichment.replayedAt() != null) {
			history.add(new HistoryEntry(enrichment.replayedAt(), "Replayed by an operator: enrich again"));
		}
		if (enrichment.enrichedAt() != null) {
			history.add(new HistoryEntry(enrichment.enrichedAt(), "Enriched"));
		}
		if (enrichment.status() == EnrichmentStatus.pending && enrichment.nextAttemptAt() != null) {
			history.add(new HistoryEntry(enrichment.nextAttemptAt(), (enrichment.attempts() > 0)
					? "Next enrichment attempt due (attempt " + (enrichment.attempts() + 1) + ")" : "Enrichment due"));
		}
		for (ForwardingDestinations.Delivery delivery : deliveries) {
			if (delivery.deliveredAt() != null) {
				history.add(new HistoryEntry(delivery.deliveredAt(), "Delivered to " + delivery.destination()));
			}
			else if (delivery.lastAttemptAt() != null) {
				history.add(new HistoryEntry(delivery.lastAttemptAt(),
						"Delivery to " + delivery.destination() + " "
								+ ((delivery.status() == DeliveryStatus.failed) ? "failed" : "attempt failed")
								+ " (attempt " + delivery.attempts() + ")"));
			}
		}
		history.sort(Comparator.comparing(HistoryEntry::at));
		return history;
	}

	private String link(EventFilters filters, @Nullable String cursorName, @Nullable String cursor) {
		UriComponentsBuilder uri = filters.addTo(UriComponentsBuilder.fromPath("/console"));
		Map<String, String> values = filters.values();
		if (cursorName != null && cursor != null) {
			uri.queryParam(cursorName, "{" + cursorName + "}");
			values.put(cursorName, cursor);
		}
		return uri.encode().buildAndExpand(values).toUriString();
	}

	/** Event ids are positive numbers; anything else names no event. */
	static long parseId(String eventId) {
		try {
			long id = Long.parseLong(eventId);
			if (id > 0) {
				return id;
			}
		}
		catch (NumberFormatException ex) {
			// Falls through: no such event.
		}
		throw new ConsoleEventNotFound(eventId.length() > 40 ? eventId.substring(0, 40) + "…" : eventId);
	}

	/**
	 * An object the event refers to and its latest snapshot.
	 *
	 * @param label what it is
	 * @param id its id
	 * @param apiPath where the query API serves it
	 * @param fetched the snapshot; null when it was never fetched (or erased)
	 */
	record ReferencedSnapshot(String label, String id, String apiPath, LatestSnapshots.@Nullable Fetched fetched) {

	}

	/**
	 * One moment in an event's life.
	 */
	record HistoryEntry(Instant at, String what) {

	}

}
