package dev.aqid.receiver.amiqus;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lenient reading of Amiqus JSON: a field that is missing, null or of an unexpected type
 * reads as null (or empty) instead of failing the whole response. The client owns this
 * mapper so that it does not depend on the application's Jackson settings (the
 * application maps its own API in snake case, for instance).
 */
final class AmiqusJson {

	static final JsonMapper MAPPER = JsonMapper.builder().build();

	private AmiqusJson() {
	}

	/**
	 * The JSON document in the bytes, or null when there are none.
	 * @throws JacksonException when the bytes are not JSON
	 */
	static JsonNode parse(byte[] bytes) {
		if (bytes == null || bytes.length == 0 || isBlank(bytes)) {
			return null;
		}
		JsonNode node = MAPPER.readTree(bytes);
		return (node == null || node.isMissingNode()) ? null : node;
	}

	/**
	 * The JSON document in the bytes, or null when there are none or they are not JSON.
	 */
	static JsonNode parseOrNull(byte[] bytes) {
		try {
			return parse(bytes);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	static String text(JsonNode node) {
		if (node == null) {
			return null;
		}
		if (node.isString()) {
			return node.stringValue();
		}
		if (node.isNumber() || node.isBoolean()) {
			return node.asString();
		}
		return null;
	}

	static Long longValue(JsonNode node) {
		if (node == null) {
			return null;
		}
		if (node.isIntegralNumber() && node.canConvertToLong()) {
			return node.longValue();
		}
		return node.isString() ? PlainText.digits(node.stringValue(), 18) : null;
	}

	static Integer intValue(JsonNode node) {
		Long value = longValue(node);
		return (value != null && value <= Integer.MAX_VALUE) ? value.intValue() : null;
	}

	static boolean booleanValue(JsonNode node, boolean fallback) {
		if (node == null) {
			return fallback;
		}
		if (node.isBoolean()) {
			return node.booleanValue();
		}
		if (node.isIntegralNumber()) {
			return node.asLong(0) != 0;
		}
		if (node.isString()) {
			String text = node.stringValue().trim();
			if ("true".equalsIgnoreCase(text) || "1".equals(text)) {
				return true;
			}
			if ("false".equalsIgnoreCase(text) || "0".equals(text)) {
				return false;
			}
		}
		return fallback;
	}

	/**
	 * An RFC 3339 timestamp (any offset) as an instant, else null.
	 */
	static Instant instant(JsonNode node) {
		String text = (node != null && node.isString()) ? node.stringValue().trim() : null;
		if (text == null || text.isEmpty()) {
			return null;
		}
		try {
			return OffsetDateTime.parse(text).toInstant();
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	static List<String> strings(JsonNode node) {
		if (node == null || !node.isArray()) {
			return List.of();
		}
		List<String> values = new ArrayList<>();
		for (JsonNode element : node) {
			String text = text(element);
			if (text != null) {
				values.add(text);
			}
		}
		return List.copyOf(values);
	}

	/**
	 * The node, or null when it is missing or JSON null.
	 */
	static JsonNode presentOrNull(JsonNode node) {
		return (node == null || node.isMissingNode() || node.isNull()) ? null : node;
	}

	private static boolean isBlank(byte[] bytes) {
		for (byte b : bytes) {
			if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
				return false;
			}
		}
		return true;
	}

}
