package dev.aqid.receiver.console;

import dev.aqid.receiver.ingest.EventStream;

/**
 * A place in the event stream in a console link: {@code <insert_xid>.<id>}. Not a secret
 * and grants nothing: the console's pages are for signed-in operators, who may read any
 * page anyway.
 */
final class ConsoleCursor {

	private ConsoleCursor() {
	}

	static String encode(EventStream.Position position) {
		return position.insertXidText() + "." + position.id();
	}

	static EventStream.Position decode(String cursor) {
		int dot = cursor.indexOf('.');
		if (dot < 1 || cursor.length() > 45) {
			throw new ConsoleInputInvalid("That page link is damaged; start again from the newest events");
		}
		try {
			long id = Long.parseLong(cursor.substring(dot + 1));
			EventStream.Position position = EventStream.Position.of(cursor.substring(0, dot), id);
			if (id <= 0) {
				throw new NumberFormatException();
			}
			return position;
		}
		catch (NumberFormatException ex) {
			throw new ConsoleInputInvalid("That page link is damaged; start again from the newest events");
		}
	}

}
