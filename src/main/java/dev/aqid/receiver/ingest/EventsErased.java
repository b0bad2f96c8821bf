package dev.aqid.receiver.ingest;

import java.util.List;

/**
 * Events were erased (a data subject's request, or an automated deletion). Published
 * synchronously inside the erasing transaction, so that a listener that deletes what it
 * keeps about them (forwarding's outbox rows) commits or rolls back with the erasure: all
 * or nothing.
 *
 * @param eventIds the erased events' ids
 */
public record EventsErased(List<Long> eventIds) {

	public EventsErased {
		eventIds = List.copyOf(eventIds);
	}

}
