package dev.aqid.receiver.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Answers the Amiqus API v2 under {@link #BASE_PATH}: authentication, injected faults and
 * latency, rate-limit headers, then the webhooks API and the entity reads, with Amiqus's
 * status codes and error bodies.
 */
final class ApiHandler implements HttpHandler {

	static final String BASE_PATH = "/api/v2";

	static final int DEFAULT_PAGE_SIZE = 10;

	static final int MAX_PAGE_SIZE = 100;

	private static final int MAX_REQUEST_BODY = 1024 * 1024;

	private final EmulatorState state;

	private final String baseUrl;

	ApiHandler(EmulatorState state, String baseUrl) {
		this.state = state;
		this.baseUrl = baseUrl;
	}

	@Override
	public void handle(HttpExchange exchange) throws IOException {
		try {
			Answer answer;
			try {
				answer = answer(exchange);
			}
			catch (RuntimeException ex) {
				answer = Answer.json(500, message("Server Error"));
			}
			write(exchange, answer);
		}
		finally {
			exchange.close();
		}
	}

	private Answer answer(HttpExchange exchange) throws IOException {
		URI uri = exchange.getRequestURI();
		String path = uri.getPath();
		if (!path.equals(BASE_PATH) && !path.startsWith(BASE_PATH + "/")) {
			return Answer.json(404, error("Not found"));
		}
		String relative = path.substring(BASE_PATH.length());
		String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
		Instant now = this.state.now();
		this.state.logRequest(
				new ApiRequest(method, relative + ((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : ""), now));
		pause(this.state.latency());
		Optional<Integer> fault = this.state.takeFault();
		if (fault.isPresent()) {
			return fault(fault.get(), now);
		}
		if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
			return Answer.json(401, error("Unauthenticated."));
		}
		byte[] body = readBody(exchange.getRequestBody());
		if (body == null) {
			return Answer.json(413, message("Request Entity Too Large"));
		}
		List<String> segments = Arrays.stream(relative.split("/")).filter((s) -> !s.isEmpty()).toList();
		return route(method, segments, query(uri.getRawQuery()), body);
	}

	private Answer route(String method, List<String> segments, Map<String, String> query, byte[] body) {
		int size = segments.size();
		String first = (size > 0) ? segments.get(0) : "";
		if (size == 1 && first.equals("status")) {
			return method.equals("GET") ? Answer.empty(204) : notAllowed(method);
		}
		if (first.equals("webhooks")) {
			return webhooks(method, segments, query, body);
		}
		if (!method.equals("GET") && isEntityPath(segments)) {
			return notAllowed(method);
		}
		if (size == 2 && first.equals("records")) {
			return record(segments);
		}
		if (size == 3 && first.equals("records") && segments.get(2).equals("steps")) {
			return recordSteps(segments, query);
		}
		if (size == 2 && first.equals("clients")) {
			return entity(segments, "Client");
		}
		if (size == 4 && first.equals("clients") && segments.get(2).equals("forms")) {
			if (id(segments.get(1)) != null && this.state.entity(path(segments.subList(0, 2))).isEmpty()) {
				return Answer.json(404, error("Client not found"));
			}
			return entity(segments, "Form");
		}
		if (size == 2 && first.equals("organisations")) {
			return entity(segments, "Organisation");
		}
		if (size == 2 && first.equals("cases")) {
			return entity(segments, "Case");
		}
		return Answer.json(404, error("Not found"));
	}

	private static boolean isEntityPath(List<String> segments) {
		String first = segments.isEmpty() ? "" : segments.get(0);
		return List.of("records", "clients", "organisations", "cases").contains(first) && segments.size() >= 2;
	}

	private Answer entity(List<String> segments, String thing) {
		if (id(segments.get(1)) == null) {
			return Answer.json(404, error(thing + " not found"));
		}
		return this.state.entity(path(segments))
			.map((entity) -> Answer.json(200, entity))
			.orElseGet(() -> Answer.json(404, error(thing + " not found")));
	}

	/**
	 * A record with its steps collapsed: Amiqus's {@code expand} for a record offers only
	 * {@code client}, never the steps' checks, forms or documents.
	 */
	private Answer record(List<String> segments) {
		if (id(segments.get(1)) == null) {
			return Answer.json(404, error("Record not found"));
		}
		return this.state.entity(path(segments))
			.map((record) -> Answer.json(200, StepExpansion.collapseRecord(record)))
			.orElseGet(() -> Answer.json(404, error("Record not found")));
	}

	private Answer recordSteps(List<String> segments, Map<String, String> query) {
		Long recordId = id(segments.get(1));
		if (recordId == null || this.state.entity(AmiqusEmulator.recordPath(recordId)).isEmpty()) {
			return Answer.json(404, error("Record not found"));
		}
		List<JsonNode> steps = new ArrayList<>();
		Set<String> expanded = StepExpansion.parse(query.get("expand"));
		this.state.entity(AmiqusEmulator.recordPath(recordId) + "/steps")
			.ifPresent((array) -> StepExpansion.collapse(array, expanded).forEach(steps::add));
		return page(steps, query, AmiqusEmulator.recordPath(recordId) + "/steps");
	}

	private Answer webhooks(String method, List<String> segments, Map<String, String> query, byte[] body) {
		if (segments.size() == 1) {
			return switch (method) {
				case "GET" -> listWebhooks(query);
				case "POST" -> createWebhook(EmulatorJson.requestBody(body));
				default -> notAllowed(method);
			};
		}
		Long id = id(segments.get(1));
		if (segments.size() > 3 || (segments.size() == 3 && !segments.get(2).equals("deliveries"))) {
			return Answer.json(404, error("Not found"));
		}
		if (id == null || this.state.webhook(id).isEmpty()) {
			return Answer.json(404, error("Webhook not found"));
		}
		if (segments.size() == 3) {
			if (!method.equals("GET")) {
				return notAllowed(method);
			}
			List<JsonNode> log = this.state.deliveries(id).orElse(List.of());
			return page(log, query, "/webhooks/" + id + "/deliveries");
		}
		return switch (method) {
			case "GET" -> this.state.webhook(id)
				.map((webhook) -> Answer.json(200, webhook.toJson()))
				.orElseGet(() -> Answer.json(404, error("Webhook not found")));
			case "PATCH", "PUT" -> updateWebhook(id, EmulatorJson.requestBody(body));
			case "DELETE" ->
				this.state.removeWebhook(id) ? Answer.empty(204) : Answer.json(404, error("Webhook not found"));
			default -> notAllowed(method);
		};
	}

	private Answer listWebhooks(Map<String, String> query) {
		Boolean enabled = null;
		String filter = query.get("enabled");
		if (filter != null) {
			enabled = switch (filter.toLowerCase(Locale.ROOT)) {
				case "true", "1" -> true;
				case "false", "0" -> false;
				default -> null;
			};
			if (enabled == null) {
				return invalid("enabled", "The enabled field must be true or false.");
			}
		}
		List<JsonNode> items = new ArrayList<>();
		for (EmulatedWebhook webhook : this.state.webhooks()) {
			if (enabled == null || webhook.enabled() == enabled) {
				items.add(webhook.toJson());
			}
		}
		return page(items, query, "/webhooks");
	}

	private Answer createWebhook(JsonNode body) {
		Map<String, List<String>> errors = new LinkedHashMap<>();
		String url = validUrl(body.path("url"), true, errors);
		List<String> events = validEvents(body.path("events"), true, errors);
		Boolean enabled = validEnabled(body.path("is_enabled"), errors);
		if (!errors.isEmpty()) {
			return invalid(errors);
		}
		EmulatedWebhook webhook = this.state.createWebhook(url, events, (enabled != null) ? enabled : true);
		return Answer.json(201, webhook.toJson());
	}

	private Answer updateWebhook(long id, JsonNode body) {
		Map<String, List<String>> errors = new LinkedHashMap<>();
		String url = validUrl(body.path("url"), false, errors);
		List<String> events = validEvents(body.path("events"), false, errors);
		Boolean enabled = validEnabled(body.path("is_enabled"), errors);
		if (!errors.isEmpty()) {
			return invalid(errors);
		}
		return this.state.updateWebhook(id, (webhook) -> {
			EmulatedWebhook changed = webhook;
			changed = (url != null) ? changed.withUrl(url) : changed;
			changed = (events != null) ? changed.withEvents(events) : changed;
			changed = (enabled != null) ? changed.withEnabled(enabled) : changed;
			return changed;
		})
			.map((webhook) -> Answer.json(200, webhook.toJson()))
			.orElseGet(() -> Answer.json(404, error("Webhook not found")));
	}

	private static String validUrl(JsonNode node, boolean required, Map<String, List<String>> errors) {
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

	private static List<String> validEvents(JsonNode node, boolean required, Map<String, List<String>> errors) {
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

	private static Boolean validEnabled(JsonNode node, Map<String, List<String>> errors) {
		if (node.isMissingNode() || node.isNull()) {
			return null;
		}
		if (!node.isBoolean()) {
			errors.put("is_enabled", List.of("The is enabled field must be true or false."));
			return null;
		}
		return node.booleanValue();
	}

	/**
	 * A {@code paginated_list} page; {@code page} from 1, {@code limit} 1 to 100.
	 */
	private Answer page(List<JsonNode> items, Map<String, String> query, String path) {
		Integer page = number(query.get("page"), 1);
		if (page == null || page < 1) {
			return invalid("page", "The page must be at least 1.");
		}
		Integer limit = number(query.get("limit"), DEFAULT_PAGE_SIZE);
		if (limit == null || limit < 1 || limit > MAX_PAGE_SIZE) {
			return invalid("limit", "The limit must be between 1 and " + MAX_PAGE_SIZE + ".");
		}
		int total = items.size();
		int totalPages = Math.max(1, (total + limit - 1) / limit);
		long from = Math.min((long) (page - 1) * limit, total);
		List<JsonNode> data = items.subList((int) from, (int) Math.min(from + limit, total));
		ObjectNode list = EmulatorJson.object();
		list.put("object", "paginated_list");
		ArrayNode array = list.putArray("data");
		data.forEach(array::add);
		list.put("total", total);
		list.put("count", data.size());
		list.put("limit", limit);
		list.put("current_page", page);
		list.put("total_pages", totalPages);
		if (totalPages <= 1) {
			list.putNull("links");
		}
		else {
			ObjectNode links = list.putObject("links");
			String link = this.baseUrl + path + "?limit=" + limit + "&page=";
			if (page < totalPages) {
				links.put("next", link + (page + 1));
			}
			else {
				links.putNull("next");
			}
			if (page > 1) {
				links.put("previous", link + Math.min(page - 1, totalPages));
			}
			else {
				links.putNull("previous");
			}
		}
		return Answer.json(200, list);
	}

	/**
	 * An injected failure, with the body Amiqus sends for that status.
	 */
	private static Answer fault(int status, Instant now) {
		JsonNode body = switch (status) {
			case 401 -> error("Unauthenticated.");
			case 403 -> message("This action is unauthorized.");
			case 404 -> error("Not found");
			case 413 -> message("Request Entity Too Large");
			case 422 -> fieldError("request", "The request is invalid.");
			case 429 -> message("Too Many Attempts.");
			case 500 -> message("Server Error");
			case 503 -> message("Service Unavailable");
			default -> message("HTTP " + status);
		};
		Answer answer = Answer.json(status, body);
		if (status == 429) {
			answer.headers().put("Retry-After", "1");
			answer.headers().put("X-RateLimit-Reset", Long.toString(now.getEpochSecond() + 1));
			answer.headers().put("X-RateLimit-Remaining", "0");
		}
		return answer;
	}

	private boolean authorized(String authorization) {
		String token = this.state.token();
		if (token == null) {
			return true;
		}
		if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return false;
		}
		return authorization.substring(7).trim().equals(token);
	}

	private void write(HttpExchange exchange, Answer answer) throws IOException {
		var headers = exchange.getResponseHeaders();
		headers.set("X-RateLimit-Limit", Integer.toString(EmulatorState.RATE_LIMIT));
		headers.set("X-RateLimit-Remaining", Integer.toString(this.state.countRequest(this.state.now())));
		answer.headers().forEach(headers::set);
		if (answer.body() == null) {
			exchange.sendResponseHeaders(answer.status(), -1);
			return;
		}
		headers.set("Content-Type", "application/json");
		exchange.sendResponseHeaders(answer.status(), answer.body().length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(answer.body());
		}
	}

	private static Answer notAllowed(String method) {
		return Answer.json(405, message("The " + method + " method is not supported for this route."));
	}

	private static Answer invalid(String field, String text) {
		return Answer.json(422, fieldError(field, text));
	}

	private static Answer invalid(Map<String, List<String>> errors) {
		ObjectNode body = EmulatorJson.object();
		errors.forEach((field, messages) -> {
			ArrayNode array = body.putArray(field);
			messages.forEach(array::add);
		});
		return Answer.json(422, body);
	}

	private static ObjectNode fieldError(String field, String text) {
		ObjectNode body = EmulatorJson.object();
		body.putArray(field).add(text);
		return body;
	}

	private static ObjectNode error(String text) {
		return EmulatorJson.object().put("error", text);
	}

	private static ObjectNode message(String text) {
		return EmulatorJson.object().put("message", text);
	}

	/**
	 * The entity path for the segments, the id normalised (so {@code 007} finds
	 * {@code 7}).
	 */
	private static String path(List<String> segments) {
		StringBuilder path = new StringBuilder();
		for (int i = 0; i < segments.size(); i++) {
			Long id = (i == 1) ? id(segments.get(i)) : null;
			path.append('/').append((id != null) ? id.toString() : segments.get(i));
		}
		return path.toString();
	}

	private static Long id(String segment) {
		if (segment.isEmpty() || segment.length() > 18 || !segment.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			return null;
		}
		return Long.parseLong(segment);
	}

	private static Integer number(String value, int fallback) {
		if (value == null || value.isEmpty()) {
			return fallback;
		}
		if (value.length() > 9 || !value.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			return null;
		}
		return Integer.parseInt(value);
	}

	private static Map<String, String> query(String rawQuery) {
		Map<String, String> query = new LinkedHashMap<>();
		if (rawQuery == null) {
			return query;
		}
		for (String pair : rawQuery.split("&")) {
			int eq = pair.indexOf('=');
			String name = URLDecoder.decode((eq >= 0) ? pair.substring(0, eq) : pair, StandardCharsets.UTF_8);
			String value = (eq >= 0) ? URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8) : "";
			query.putIfAbsent(name, value);
		}
		return query;
	}

	/**
	 * The body, or null when it is over the limit.
	 */
	private static byte[] readBody(InputStream in) throws IOException {
		try (in) {
			byte[] body = in.readNBytes(MAX_REQUEST_BODY + 1);
			return (body.length > MAX_REQUEST_BODY) ? null : body;
		}
	}

	private static void pause(Duration latency) {
		if (latency.isZero() || latency.isNegative()) {
			return;
		}
		try {
			Thread.sleep(latency.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private record Answer(int status, byte[] body, Map<String, String> headers) {

		static Answer json(int status, JsonNode body) {
			return new Answer(status, EmulatorJson.bytes(body), new LinkedHashMap<>());
		}

		static Answer empty(int status) {
			return new Answer(status, null, new LinkedHashMap<>());
		}

	}

}
