package dev.aqid.receiver.ingest;

/**
 * The outcome of storing a delivery.
 *
 * @param eventId the event's id; the first delivery's id for a redelivery
 * @param duplicate whether the delivery had been stored before
 * @param replayedBody whether it was a duplicate by its body alone: a body stored within
 * the replay window, sent again under another delivery id (a captured delivery replayed)
 */
public record StoredEvent(long eventId, boolean duplicate, boolean replayedBody) {

	public StoredEvent(long eventId, boolean duplicate) {
		this(eventId, duplicate, false);
	}

	StoredEvent asDuplicate() {
		return new StoredEvent(this.eventId, true, this.replayedBody);
	}

}
