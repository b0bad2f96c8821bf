package dev.aqid.receiver.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import dev.aqid.receiver.amiqus.PlainText;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.stereotype.Component;

/**
 * Reads the few fields storage needs from a verified body. Never fails: a body that is
 * not JSON, or JSON of a shape we do not know, gives {@link DeliveryContent#OPAQUE} or a
 * content with the fields it could find, because a signed delivery is always stored.
 */
@Component
class DeliveryParser {

	private static final int MAX_TEXT_LENGTH = 255;

	private final ObjectMapper objectMapper;

	DeliveryParser(ObjectMapper objectMapper) {
		this.objectMapper = objectMapper;
	}

	DeliveryContent parse(byte[] body) {
		JsonNode root;
		try {
			root = this.objectMapper.readTree(body);
		}
		catch (JacksonException ex) {
			return DeliveryContent.OPAQUE;
		}
		if (root == null || root.isMissingNode()) {
			return DeliveryContent.OPAQUE;
		}
		String json = new String(body, StandardCharsets.UTF_8);
		JsonNode trigger = root.path("trigger");
		String alias = text(trigger.path("alias"));
		if (alias == null) {
			alias = text(root.path("event"));
		}
		Instant triggeredAt = instant(trigger.path("triggered_at"));
		if (triggeredAt == null) {
			triggeredAt = instant(root.path("sent_at"));
		}
		JsonNode data = root.path("data");
		JsonNode record = data.path("record");
		return new DeliveryContent(json, alias, triggeredAt, text(root.path("webhook").path("uuid")),
				id(record.path("id")), text(record.path("type")), id(data.path("client").path("id")),
				text(data.path("form").path("reference")), id(data.path("case").path("id")),
				id(data.path("organisation").path("id")));
	}

	/**
	 * A JSON string as storable text: control characters (PostgreSQL refuses NUL in text)
	 * removed, length bounded; null for anything that is not a non-blank string.
	 */
	private static String text(JsonNode node) {
		if (!node.isString()) {
			return null;
		}
		String result = PlainText.withoutControlCharacters(node.stringValue(), MAX_TEXT_LENGTH);
		return result.isEmpty() ? null : result;
	}

	/**
	 * Amiqus ids are integers; a string of digits is taken too. Anything else (a float, a
	 * number too large for a bigint, an object) is not an id we can use.
	 */
	private static Long id(JsonNode node) {
		if (node.isIntegralNumber() && node.canConvertToLong()) {
			return node.longValue();
		}
		return PlainText.digits(text(node), 18);
	}

	private static Instant instant(JsonNode node) {
		String text = text(node);
		if (text == null) {
			return null;
		}
		try {
			return OffsetDateTime.parse(text).toInstant();
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

}
