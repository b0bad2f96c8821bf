package dev.aqid.receiver.emulator;

import java.util.List;
import java.util.Map;

/**
 * A request the emulated API refuses as Amiqus does: {@code 422} with field path to
 * messages.
 */
class InputInvalid extends RuntimeException {

	private final Map<String, List<String>> errors;

	InputInvalid(Map<String, List<String>> errors) {
		super("invalid " + errors.keySet(), null, false, false);
		this.errors = Map.copyOf(errors);
	}

	InputInvalid(String field, String message) {
		this(Map.of(field, List.of(message)));
	}

	Map<String, List<String>> errors() {
		return this.errors;
	}

}
