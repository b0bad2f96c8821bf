package dev.aqid.receiver.emulator;

/**
 * The emulated team has no such thing: {@code 404 {"error": "<Thing> not found"}}.
 */
class EntityNotFound extends RuntimeException {

	EntityNotFound(String thing) {
		super(thing + " not found", null, false, false);
	}

}
