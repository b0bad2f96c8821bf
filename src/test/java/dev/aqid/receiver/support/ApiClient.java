package dev.aqid.receiver.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls a running receiver's query API over real HTTP, with an API key.
 */
public final class ApiClient {

	public static final String KEY = "query-key-1f9c2e";

	public static final String SECOND_KEY = "query-key-rotation-77";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String base;

	private final String authorization;

	private ApiClient(int port, String authorization) {
		this.base = "http://localhost:" + port;
		this.authorization = authorization;
	}

	/** A client that sends {@code Authorization: Bearer KEY}. */
	public static ApiClient withKey(int port) {
		return new ApiClient(port, "Bearer " + KEY);
	}

	/** A client that sends the given Authorization header (null: none). */
	public static ApiClient withAuthorization(int port, String authorization) {
		return new ApiClient(port, authorization);
	}

	/** {@code path?name=value&...}, each value URL-encoded; null values left out. */
	public static String query(String path, Object... namesAndValues) {
		Map<String, Object> parameters = new LinkedHashMap<>();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			if (namesAndValues[i + 1] != null) {
				parameters.put((String) namesAndValues[i], namesAndValues[i + 1]);
			}
		}
		if (parameters.isEmpty()) {
			return path;
		}
		return path + "?"
				+ parameters.entrySet()
					.stream()
					.map((entry) -> entry.getKey() + "="
							+ URLEncoder.encode(String.valueOf(entry.getValue()), StandardCharsets.UTF_8))
					.collect(Collectors.joining("&"));
	}

	/**
	 * {@code value} encoded as one path segment ({@code %20} for a space, never
	 * {@code +}).
	 */
	public static String pathSegment(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
	}

	public Response get(String pathAndQuery) {
		return send(HttpRequest.newBuilder(URI.create(this.base + pathAndQuery)).GET());
	}

	public Response post(String path) {
		return send(HttpRequest.newBuilder(URI.create(this.base + path)).POST(HttpRequest.BodyPublishers.noBody()));
	}

	public Response send(String method, String path) {
		return send(HttpRequest.newBuilder(URI.create(this.base + path))
			.method(method, HttpRequest.BodyPublishers.noBody()));
	}

	private Response send(HttpRequest.Builder request) {
		request.timeout(Duration.ofSeconds(30));
		if (this.authorization != null) {
			request.header("Authorization", this.authorization);
		}
		try {
			HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new Response(response.statusCode(), response.body(), response.headers().map());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * What the receiver answered.
	 */
	public record Response(int status, String body, Map<String, List<String>> headers) {

		public JsonNode json() {
			return JSON.readTree(this.body);
		}

		/** The first value of the header (names are case-insensitive), or null. */
		public String header(String name) {
			return this.headers.entrySet()
				.stream()
				.filter((entry) -> entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty())
				.map((entry) -> entry.getValue().get(0))
				.findFirst()
				.orElse(null);
		}

		public String contentType() {
			return header("Content-Type");
		}

	}

}
