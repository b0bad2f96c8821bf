package dev.aqid.receiver.console;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * How the pages show times and JSON: times in UTC to the second, with the exact instant
 * in the {@code datetime} attribute; JSON indented for reading.
 */
final class ConsoleFormat {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
		.withZone(ZoneOffset.UTC);

	private final ObjectMapper json;

	ConsoleFormat(ObjectMapper json) {
		this.json = json;
	}

	/** {@code 2024-05-07 12:30:46 UTC}; a dash for none. */
	public String time(@Nullable Instant instant) {
		return (instant != null) ? TIME.format(instant) : "–";
	}

	/** The instant for a {@code <time datetime>} attribute. */
	public String iso(@Nullable Instant instant) {
		return (instant != null) ? instant.toString() : "";
	}

	/** How long ago, roughly: {@code 5 s}, {@code 3 min}, {@code 2 h}, {@code 4 days}. */
	public String age(@Nullable Instant instant, Instant now) {
		if (instant == null) {
			return "";
		}
		Duration age = Duration.between(instant, now);
		boolean future = age.isNegative();
		age = age.abs();
		String text;
		if (age.toSeconds() < 60) {
			text = age.toSeconds() + " s";
		}
		else if (age.toMinutes() < 60) {
			text = age.toMinutes() + " min";
		}
		else if (age.toHours() < 48) {
			text = age.toHours() + " h";
		}
		else {
			text = age.toDays() + " days";
		}
		return future ? "in " + text : text + " ago";
	}

	/** The JSON indented; the text as it is when it is not JSON. */
	public String json(@Nullable String text) {
		if (text == null) {
			return "";
		}
		try {
			JsonNode tree = this.json.readTree(text);
			return this.json.writerWithDefaultPrettyPrinter().writeValueAsString(tree);
		}
		catch (JacksonException ex) {
			return text;
		}
	}

}
