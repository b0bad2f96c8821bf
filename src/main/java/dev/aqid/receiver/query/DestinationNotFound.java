package dev.aqid.receiver.query;

/**
 * No destination is configured under this name.
 */
class DestinationNotFound extends RuntimeException {

	DestinationNotFound(String name) {
		super("No destination is named '" + name + "'", null, false, false);
	}

}
