package dev.aqid.receiver.console;

/**
 * No event has the id in the console's address.
 */
class ConsoleEventNotFound extends RuntimeException {

	ConsoleEventNotFound(String eventId) {
		super("No event has the id " + eventId, null, false, false);
	}

}
