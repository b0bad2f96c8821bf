package dev.aqid.receiver.emulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * A {@code POST} or {@code PATCH /webhooks} body, checked as Amiqus checks it: each
 * field's problems under its path, all reported at once.
 *
 * @param url the URL, or null when absent from a change
 * @param events the events, or null when absent from a change
 * @param enabled {@code is_enabled}, or null when absent
 */
record WebhookInput(String url, List<String> events, Boolean enabled) {

	/**
	 * Reads and checks a body; anything that is not a JSON object reads as an empty one,
	 * so that the missing fields are named.
	 * @param body the raw body, or null
	 * @param creating whether {@code url} and {@code events} are required
	 * @throws InputInvalid naming every field in error
	 */
	static WebhookInput read(byte[] body, boolean creating) {
		JsonNode node = EmulatorJson.requestBody((body != null) ? body : new byte[0]);
		Map<String, List<String>> errors = new LinkedHashMap<>();
		String url = url(node.path("url"), creating, errors);
		List<String> events = events(node.path("events"), creating, errors);
		Boolean enabled = enabled(node.path("is_enabled"), errors);
		if (!errors.isEmpty()) {
			throw new InputInvalid(errors);
		}
		return new WebhookInput(url, events, enabled);
	}

	/**
	 * The {@code enabled} filter of {@code GET /webhooks}.
	 * @return null for no filter
	 * @throws InputInvalid when it is neither true nor false
	 */
	static Boolean enabledFilter(String filter) {
		if (filter == null) {
			return null;
		}
		return switch (filter.toLowerCase(Locale.ROOT)) {
			case "true", "1" -> true;
			case "false", "0" -> false;
			default -> throw new InputInvalid("enabled", "The enabled field must be true or false.");
		};
	}

	private static String url(JsonNode node, boolean required, Map<String, List<String>> errors) {
		if (node.isMissingNode() && !required) {
			return null;
		}
		if (node.isMissingNode() || node.isNull() || (node.isString() && node.stringValue().isBlank())) {
			errors.put("url", List.of("The url field is required."));
			return null;
		}
		String url = node.isString() ? node.stringValue().trim() : null;
		if (!AmiqusEmulator.isHttpUrl(url)) {
			errors.put("url", List.of("The url must be a valid URL."));
			return null;
		}
		return url;
	}

	private static List<String> events(JsonNode node, boolean required, Map<String, List<String>> errors) {
		if (node.isMissingNode() && !required) {
			return null;
		}
		if (!node.isArray() || node.isEmpty()) {
			errors.put("events", List.of("The events field is required."));
			return null;
		}
		List<String> events = new ArrayList<>();
		for (int i = 0; i < node.size(); i++) {
			JsonNode event = node.get(i);
			if (!event.isString() || event.stringValue().isBlank()) {
				errors.put("events." + i, List.of("The events." + i + " field must be a string."));
			}
			else {
				events.add(event.stringValue().trim());
			}
		}
		return events;
	}

	private static Boolean enabled(JsonNode node, Map<String, List<String>> errors) {
		if (node.isMissingNode() || node.isNull()) {
			return null;
		}
		if (!node.isBoolean()) {
			errors.put("is_enabled", List.of("The is enabled field must be true or false."));
			return null;
		}
		return node.booleanValue();
	}

}
