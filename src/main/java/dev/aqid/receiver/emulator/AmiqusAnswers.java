package dev.aqid.receiver.emulator;

import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * Answers as Amiqus writes them: JSON bytes written by {@link EmulatorJson} (so neither
 * the application's Jackson settings nor its naming strategy change them) and Amiqus's
 * error bodies, which differ per status.
 */
final class AmiqusAnswers {

	/** Where the emulated API v2 is served, in demo mode and standalone alike. */
	static final String BASE_PATH = "/emulator/api/v2";

	/**
	 * Amiqus's token endpoint, beside the API as at Amiqus
	 * ({@code https://id.amiqus.co/oauth/token} and {@code /api/v2}).
	 */
	static final String OAUTH_TOKEN_PATH = "/emulator/oauth/token";

	private AmiqusAnswers() {
	}

	static ResponseEntity<byte[]> json(int status, JsonNode body) {
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(EmulatorJson.bytes(body));
	}

	static ResponseEntity<byte[]> empty(int status) {
		return ResponseEntity.status(status).build();
	}

	/** {@code {"error": "..."}}, as Amiqus answers 401 and 404. */
	static ObjectNode error(String text) {
		return EmulatorJson.object().put("error", text);
	}

	/** {@code {"message": "..."}}, as Amiqus answers 403, 429 and 5xx. */
	static ObjectNode message(String text) {
		return EmulatorJson.object().put("message", text);
	}

	/** A 422 body: field path to its messages. */
	static ObjectNode fieldErrors(Map<String, List<String>> errors) {
		ObjectNode body = EmulatorJson.object();
		errors.forEach((field, messages) -> {
			ArrayNode array = body.putArray(field);
			messages.forEach(array::add);
		});
		return body;
	}

	/** The body Amiqus sends with an injected failure of this status. */
	static ObjectNode forStatus(int status) {
		return switch (status) {
			case 401 -> error("Unauthenticated.");
			case 403 -> message("This action is unauthorized.");
			case 404 -> error("Not found");
			case 413 -> message("Request Entity Too Large");
			case 422 -> fieldErrors(Map.of("request", List.of("The request is invalid.")));
			case 429 -> message("Too Many Attempts.");
			case 500 -> message("Server Error");
			case 503 -> message("Service Unavailable");
			default -> message("HTTP " + status);
		};
	}

}
