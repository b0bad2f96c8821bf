package dev.aqid.receiver.emulator;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import tools.jackson.core.JacksonException;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON as Amiqus writes it: non-ASCII escaped as {@code \}{@code uXXXX}, timestamps as
 * RFC 3339 UTC to the second.
 */
final class EmulatorJson {

	static final JsonMapper MAPPER = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

	private EmulatorJson() {
	}

	static ObjectNode object() {
		return MAPPER.createObjectNode();
	}

	static String timestamp(Instant instant) {
		return instant.truncatedTo(ChronoUnit.SECONDS).toString();
	}

	static byte[] bytes(JsonNode node) {
		return MAPPER.writeValueAsBytes(node);
	}

	/**
	 * Test and demo input: JSON text that must be valid.
	 * @throws IllegalArgumentException when it is not JSON of the expected kind
	 */
	static JsonNode parse(String json, String what, boolean array) {
		if (json == null) {
			throw new IllegalArgumentException(what + " is required");
		}
		JsonNode node;
		try {
			node = MAPPER.readTree(json);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(what + " is not valid JSON", ex);
		}
		if (array ? !node.isArray() : !node.isObject()) {
			throw new IllegalArgumentException(what + " must be a JSON " + (array ? "array" : "object"));
		}
		return node;
	}

}
