package dev.aqid.receiver.query;

/**
 * The {@code cursor} parameter is not a cursor this service wrote.
 */
class InvalidCursor extends RuntimeException {

	InvalidCursor(String message) {
		super(message, null, false, false);
	}

}
