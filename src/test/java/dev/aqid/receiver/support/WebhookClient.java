package dev.aqid.receiver.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.aqid.receiver.amiqus.AmiqusSignature;

/**
 * Posts deliveries to a running receiver over real HTTP, signed the way Amiqus signs
 * them.
 */
public final class WebhookClient {

	public static final String SECRET = "It's a Secret to Everybody";

	public static final String SECOND_SECRET = "whsec-rotation-2";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final URI endpoint;

	public WebhookClient(int port) {
		this.endpoint = URI.create("http://localhost:" + port + "/webhooks/amiqus");
	}

	public static String sign(String secret, byte[] body) {
		return AmiqusSignature.sign(secret, body);
	}

	/** A JSON body of the regular shape for the given alias and ids. */
	public static String recordEvent(String alias, long recordId, long clientId) {
		return """
				{"webhook":{"uuid":"5c1d7a0e-1111-4222-8333-944445555666","created_at":"2024-05-07T12:00:00Z","events":["*"]},\
				"trigger":{"triggered_at":"2024-05-07T12:30:45Z","alias":"%s"},\
				"data":{"record":{"id":%d,"type":"client","show":"https://id.amiqus.co/api/v2/records/%d"},\
				"client":{"id":%d,"show":"https://id.amiqus.co/api/v2/clients/%d"},"case":null}}"""
			.formatted(alias, recordId, recordId, clientId, clientId);
	}

	/**
	 * Delivers a new event: the alias with {@code data} as its {@code data} object, under
	 * a webhook uuid and delivery id of its own (so never a duplicate of an earlier one).
	 * @return the stored event's id
	 * @throws IllegalStateException unless the service answered {@code 202}
	 */
	public long newEvent(String alias, String data) {
		String body = "{\"webhook\":{\"uuid\":\"" + UUID.randomUUID() + "\"},\"trigger\":{\"alias\":\"" + alias
				+ "\",\"triggered_at\":\"2024-05-07T12:30:45Z\"},\"data\":" + data + "}";
		Answer answer = deliver(body, UUID.randomUUID().toString());
		if (answer.status() != 202) {
			throw new IllegalStateException("The service answered " + answer.status() + ": " + answer.body());
		}
		return Long.parseLong(answer.eventId());
	}

	/**
	 * Posts {@code body} signed with {@link #SECRET} under the given delivery id (may be
	 * null).
	 */
	public Answer deliver(String body, String deliveryId) {
		return deliver(body.getBytes(StandardCharsets.UTF_8), deliveryId);
	}

	public Answer deliver(byte[] body, String deliveryId) {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("Content-Type", "application/json");
		headers.put("X-AQID-Signature", sign(SECRET, body));
		headers.put("X-AQID-Delivery-Attempt", "1");
		if (deliveryId != null) {
			headers.put("X-AQID-Delivery-Id", deliveryId);
		}
		return post(body, headers);
	}

	public Answer post(byte[] body, Map<String, String> headers) {
		return send(HttpRequest.BodyPublishers.ofByteArray(body), headers);
	}

	/** Posts with no Content-Length: the body goes out chunked. */
	public Answer postChunked(byte[] body, Map<String, String> headers) {
		return send(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)), headers);
	}

	private Answer send(HttpRequest.BodyPublisher publisher, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(this.endpoint)
			.timeout(Duration.ofSeconds(30))
			.POST(publisher);
		headers.forEach(request::header);
		try {
			HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new Answer(response.statusCode(), response.body(),
					response.headers().firstValue("Content-Type").orElse(null));
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
	public record Answer(int status, String body, String contentType) {

		public String eventId() {
			return json().path("event_id").asString();
		}

		public boolean duplicate() {
			JsonNode duplicate = json().path("duplicate");
			if (!duplicate.isBoolean()) {
				throw new AssertionError("No duplicate flag in " + this.body);
			}
			return duplicate.booleanValue();
		}

		private JsonNode json() {
			return JSON.readTree(this.body);
		}

	}

}
