package dev.aqid.receiver.query;

/**
 * No event has the requested id.
 */
class EventNotFound extends RuntimeException {

	EventNotFound(String eventId) {
		super("No event has the id " + eventId, null, false, false);
	}

}
