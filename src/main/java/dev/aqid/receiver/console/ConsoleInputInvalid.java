package dev.aqid.receiver.console;

/**
 * Something an operator typed or a link carried is not a value the console accepts; the
 * message says what, in words for the page.
 */
class ConsoleInputInvalid extends RuntimeException {

	ConsoleInputInvalid(String message) {
		super(message, null, false, false);
	}

}
