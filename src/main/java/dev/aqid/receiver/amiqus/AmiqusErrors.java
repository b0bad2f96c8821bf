package dev.aqid.receiver.amiqus;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;

/**
 * Turns an error response into its {@link AmiqusApiException}. Reads every documented
 * error body ({@code {"error": ...}}, {@code {"message": ...}}, a field map bare or
 * wrapped in {@code {"errors": ...}}) and never fails on a body it cannot read: such a
 * body is ignored, never quoted.
 */
final class AmiqusErrors {

	static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(60);

	private AmiqusErrors() {
	}

	static AmiqusApiException toException(String operation, int status, HttpHeaders headers, byte[] body, Instant now) {
		JsonNode root = AmiqusJson.parseOrNull(body);
		String message = message(root);
		if (status == 401) {
			return new AmiqusUnauthorized(operation, status, message);
		}
		if (status == 403) {
			return new AmiqusForbidden(operation, status, message);
		}
		if (status == 404) {
			return new AmiqusNotFound(operation, status, message);
		}
		if (status == 422) {
			Map<String, List<String>> fieldErrors = fieldErrors(root);
			return new AmiqusValidationFailed(operation, status,
					(message != null) ? message : firstFieldError(fieldErrors), fieldErrors);
		}
		if (status == 429) {
			return new AmiqusRateLimited(operation, status, message, retryAfter(headers, now));
		}
		if (status >= 500 && status <= 599) {
			return new AmiqusServerError(operation, status, message);
		}
		return new AmiqusUnexpectedResponse(operation, status, message);
	}

	/**
	 * {@code error} or {@code message} when it is text ({@code error} may also be an
	 * object holding a {@code message}); null otherwise.
	 */
	static String message(JsonNode root) {
		if (root == null) {
			return null;
		}
		if (root.isString()) {
			return root.stringValue();
		}
		if (!root.isObject()) {
			return null;
		}
		JsonNode error = root.path("error");
		if (error.isString()) {
			return error.stringValue();
		}
		if (error.isObject() && error.path("message").isString()) {
			return error.path("message").stringValue();
		}
		JsonNode message = root.path("message");
		return message.isString() ? message.stringValue() : null;
	}

	/**
	 * The 422 field map: {@code {"field": ["msg"]}}, {@code {"errors": {"field":
	 * ["msg"]}}}, {@code {"errors": [{"field": ["msg"]}]}} or {@code {"errors":
	 * ["msg"]}}; nested objects give dotted paths, a lone string counts as one message.
	 */
	static Map<String, List<String>> fieldErrors(JsonNode root) {
		Map<String, List<String>> errors = new LinkedHashMap<>();
		if (root == null) {
			return errors;
		}
		JsonNode wrapped = root.path("errors");
		if (root.isObject() && (wrapped.isObject() || wrapped.isArray())) {
			collect(wrapped, "", errors);
		}
		else if (root.isObject()) {
			for (Map.Entry<String, JsonNode> entry : root.properties()) {
				boolean summary = entry.getValue().isString()
						&& ("message".equals(entry.getKey()) || "error".equals(entry.getKey()));
				if (!summary) {
					collect(entry.getValue(), entry.getKey(), errors);
				}
			}
		}
		else if (root.isArray()) {
			collect(root, "", errors);
		}
		return errors;
	}

	private static void collect(JsonNode node, String path, Map<String, List<String>> errors) {
		if (node.isObject()) {
			for (Map.Entry<String, JsonNode> entry : node.properties()) {
				collect(entry.getValue(), path.isEmpty() ? entry.getKey() : path + "." + entry.getKey(), errors);
			}
		}
		else if (node.isArray()) {
			for (JsonNode element : node) {
				collect(element, path, errors);
			}
		}
		else {
			String text = AmiqusJson.text(node);
			if (text != null) {
				errors.computeIfAbsent(path, (key) -> new ArrayList<>()).add(text);
			}
		}
	}

	private static String firstFieldError(Map<String, List<String>> fieldErrors) {
		for (Map.Entry<String, List<String>> entry : fieldErrors.entrySet()) {
			if (!entry.getValue().isEmpty()) {
				String text = entry.getValue().get(0);
				return entry.getKey().isEmpty() ? text : entry.getKey() + ": " + text;
			}
		}
		return null;
	}

	/**
	 * {@code Retry-After} (seconds or an HTTP date), else {@code X-RateLimit-Reset} (unix
	 * seconds) less now, else {@link #DEFAULT_RETRY_AFTER}; never negative.
	 */
	static Duration retryAfter(HttpHeaders headers, Instant now) {
		String retryAfter = headers.getFirst(HttpHeaders.RETRY_AFTER);
		if (retryAfter != null && !retryAfter.isBlank()) {
			Long seconds = PlainText.digits(retryAfter, 12);
			if (seconds != null) {
				return nonNegative(Duration.ofSeconds(seconds));
			}
			try {
				Instant at = ZonedDateTime.parse(retryAfter.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
				return nonNegative(Duration.between(now, at));
			}
			catch (DateTimeParseException ex) {
				// fall through to the reset header
			}
		}
		Instant reset = AmiqusRateLimits.reset(headers);
		if (reset != null) {
			return nonNegative(Duration.between(now, reset));
		}
		return DEFAULT_RETRY_AFTER;
	}

	private static Duration nonNegative(Duration duration) {
		return duration.isNegative() ? Duration.ZERO : duration;
	}

}
