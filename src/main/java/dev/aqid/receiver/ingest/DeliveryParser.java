package dev.aqid.receiver.ingest;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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
		Instant fast = rfc3339(text);
		if (fast != null) {
			return fast;
		}
		try {
			return OffsetDateTime.parse(text).toInstant();
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	/**
	 * The usual form of Amiqus's timestamps, {@code 2024-05-07T12:00:00Z} (a fraction and
	 * a {@code ±hh:mm} offset allowed), read by hand: {@link OffsetDateTime#parse} took a
	 * tenth of the request's CPU under load. Null for anything else, which then goes to
	 * {@link OffsetDateTime#parse}, so every answer is the one it would give.
	 */
	static Instant rfc3339(String text) {
		int n = text.length();
		if (n < 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':'
				|| text.charAt(16) != ':') {
			return null;
		}
		int year = digits(text, 0, 4);
		int month = digits(text, 5, 2);
		int day = digits(text, 8, 2);
		int hour = digits(text, 11, 2);
		int minute = digits(text, 14, 2);
		int second = digits(text, 17, 2);
		if ((year | month | day | hour | minute | second) < 0) {
			return null;
		}
		int i = 19;
		int nanos = 0;
		if (text.charAt(i) == '.') {
			int start = ++i;
			while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
				i++;
			}
			int length = i - start;
			if (length < 1 || length > 9) {
				return null;
			}
			nanos = digits(text, start, length);
			for (int k = length; k < 9; k++) {
				nanos *= 10;
			}
		}
		int offsetSeconds;
		if (i == n - 1 && text.charAt(i) == 'Z') {
			offsetSeconds = 0;
		}
		else if (i == n - 6 && (text.charAt(i) == '+' || text.charAt(i) == '-') && text.charAt(i + 3) == ':') {
			int hours = digits(text, i + 1, 2);
			int minutes = digits(text, i + 4, 2);
			if ((hours | minutes) < 0 || hours > 18 || minutes > 59) {
				return null;
			}
			offsetSeconds = ((text.charAt(i) == '-') ? -1 : 1) * (hours * 3600 + minutes * 60);
		}
		else {
			return null;
		}
		try {
			return OffsetDateTime
				.of(year, month, day, hour, minute, second, nanos, ZoneOffset.ofTotalSeconds(offsetSeconds))
				.toInstant();
		}
		catch (DateTimeException ex) {
			return null;
		}
	}

	/** The decimal number of {@code length} ASCII digits at {@code start}, or -1. */
	private static int digits(String text, int start, int length) {
		int value = 0;
		for (int i = start; i < start + length; i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			value = value * 10 + (c - '0');
		}
		return value;
	}

}
