package dev.aqid.receiver.emulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.aqid.receiver.amiqus.AmiqusSignature;

/**
 * Delivers events as Amiqus does: one POST per matching enabled subscription, the raw
 * body signed with that subscription's secret ({@link AmiqusSignature}), with Amiqus's
 * headers, one attempt, each logged in the subscription's delivery log whatever its
 * outcome. Never logs bodies or secrets.
 */
class WebhookSender implements AutoCloseable {

	/** Amiqus counts a delivery not answered within this as failed. */
	static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(5);

	static final String USER_AGENT = "Amiqus AmiqusID/emulator";

	/** The receiver's response body is logged up to this many bytes. */
	private static final int MAX_LOGGED_RESPONSE = 64 * 1024;

	private final EmulatorState state;

	private final ExecutorService threads;

	private final HttpClient http;

	WebhookSender(EmulatorState state) {
		this.state = state;
		AtomicInteger count = new AtomicInteger();
		this.threads = Executors.newCachedThreadPool((runnable) -> {
			Thread thread = new Thread(runnable, "amiqus-emulator-sender-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		this.http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(DELIVERY_TIMEOUT)
			.followRedirects(HttpClient.Redirect.NEVER)
			.executor(this.threads)
			.build();
	}

	/**
	 * {@code {"webhook": {uuid, created_at, events}, "trigger": {triggered_at, alias},
	 * "data": ...}} to every enabled subscription whose events match the alias.
	 */
	List<DeliveryResult> send(String alias, JsonNode data) {
		List<DeliveryResult> results = new ArrayList<>();
		for (EmulatedWebhook webhook : this.state.webhooks()) {
			if (webhook.enabled() && EventPatterns.matches(webhook.events(), alias)) {
				ObjectNode payload = EmulatorJson.object();
				ObjectNode subscription = payload.putObject("webhook");
				subscription.put("uuid", webhook.uuid());
				subscription.put("created_at", EmulatorJson.timestamp(webhook.createdAt()));
				ArrayNode events = subscription.putArray("events");
				webhook.events().forEach(events::add);
				ObjectNode trigger = payload.putObject("trigger");
				trigger.put("triggered_at", EmulatorJson.timestamp(this.state.now()));
				trigger.put("alias", alias);
				payload.set("data", data.deepCopy());
				results.add(deliver(webhook, alias, UUID.randomUUID().toString(), payload));
			}
		}
		return results;
	}

	/**
	 * {@code {"uuid", "event": "ping", "sent_at", "data": ["ping"]}} to every enabled
	 * subscription, whatever its events.
	 */
	List<DeliveryResult> sendPing() {
		List<DeliveryResult> results = new ArrayList<>();
		for (EmulatedWebhook webhook : this.state.webhooks()) {
			if (webhook.enabled()) {
				String deliveryId = UUID.randomUUID().toString();
				ObjectNode payload = EmulatorJson.object();
				payload.put("uuid", deliveryId);
				payload.put("event", "ping");
				payload.put("sent_at", EmulatorJson.timestamp(this.state.now()));
				payload.putArray("data").add("ping");
				results.add(deliver(webhook, "ping", deliveryId, payload));
			}
		}
		return results;
	}

	@Override
	public void close() {
		this.threads.shutdownNow();
	}

	private DeliveryResult deliver(EmulatedWebhook webhook, String alias, String deliveryId, ObjectNode payload) {
		byte[] body = EmulatorJson.bytes(payload);
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("Content-Type", "application/json");
		headers.put("User-Agent", USER_AGENT);
		headers.put("X-AQID-Delivery-Id", deliveryId);
		headers.put("X-AQID-Delivery-Attempt", "1");
		headers.put(AmiqusSignature.HEADER, AmiqusSignature.sign(webhook.secret(), body));
		Instant sentAt = this.state.now();
		int status = 0;
		Map<String, String> responseHeaders = Map.of();
		String responseBody = null;
		String error = null;
		try {
			HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(webhook.url()))
				.timeout(DELIVERY_TIMEOUT)
				.POST(HttpRequest.BodyPublishers.ofByteArray(body));
			headers.forEach(request::header);
			HttpResponse<byte[]> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
			status = response.statusCode();
			responseHeaders = firstValues(response.headers().map());
			byte[] answer = response.body();
			responseBody = (answer.length == 0) ? null : new String(
					Arrays.copyOf(answer, Math.min(answer.length, MAX_LOGGED_RESPONSE)), StandardCharsets.UTF_8);
		}
		catch (IOException | IllegalArgumentException ex) {
			error = describe(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			error = "interrupted";
		}
		this.state.addDelivery(webhook.id(), logEntry(deliveryId, alias, sentAt, webhook.url(), headers, payload,
				status, responseHeaders, responseBody, error));
		return new DeliveryResult(webhook.id(), deliveryId, status, responseBody);
	}

	private static ObjectNode logEntry(String deliveryId, String alias, Instant sentAt, String url,
			Map<String, String> headers, ObjectNode payload, int status, Map<String, String> responseHeaders,
			String responseBody, String error) {
		ObjectNode entry = EmulatorJson.object();
		entry.put("uuid", deliveryId);
		entry.put("event", alias);
		entry.put("attempts", 1);
		entry.put("last_sent_at", EmulatorJson.timestamp(sentAt));
		entry.put("created_at", EmulatorJson.timestamp(sentAt));
		ObjectNode request = entry.putObject("request");
		request.put("url", url);
		ObjectNode requestHeaders = request.putObject("headers");
		headers.forEach(requestHeaders::put);
		request.set("body", payload);
		ObjectNode response = entry.putObject("response");
		response.put("status", status);
		ObjectNode answerHeaders = response.putObject("headers");
		responseHeaders.forEach(answerHeaders::put);
		response.put("body", responseBody);
		if (error != null) {
			response.put("error", error);
		}
		return entry;
	}

	private static Map<String, String> firstValues(Map<String, List<String>> headers) {
		Map<String, String> values = new LinkedHashMap<>();
		headers.forEach((name, list) -> {
			if (!name.startsWith(":") && !list.isEmpty()) {
				values.put(name, list.get(0));
			}
		});
		return values;
	}

	/**
	 * The failure's kind and message, which name the URL at most, never a body.
	 */
	private static String describe(Exception ex) {
		String message = ex.getMessage();
		return ex.getClass().getSimpleName() + ((message != null && !message.isBlank()) ? ": " + message : "");
	}

}
