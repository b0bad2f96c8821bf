package dev.aqid.receiver.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.aqid.receiver.amiqus.AmiqusSignature;
import dev.aqid.receiver.amiqus.Webhook;

/**
 * A stand-in for the Amiqus ID API v2 and its webhook deliveries, over real HTTP on
 * {@code 127.0.0.1}: the project's tests run against it, and demo mode runs it in the
 * service's own process. Plain Java on purpose (the JDK's HTTP server and client,
 * Jackson), so that it needs no Spring context.
 * <p>
 * The API keeps state like a single Amiqus team: webhook subscriptions
 * ({@code /webhooks}, paginated, with each one's delivery log) and entities put by the
 * test or demo ({@code /clients/{id}}, {@code /records/{id}}, its {@code /steps}, a
 * client's {@code /forms/{reference}}, {@code /organisations/{id}}, {@code /cases/{id}}),
 * answering with Amiqus's status codes, error bodies and rate-limit headers. Tests can
 * demand a token, inject failures and latency, and read the requests received.
 * <p>
 * {@link #send(String, String)} delivers an event like Amiqus: one signed POST to every
 * enabled subscription whose events match, logged in that subscription's delivery log,
 * with no automatic retry (a failed delivery stays in the log as after Amiqus gave up).
 * <p>
 * Logs one line when it starts; never secrets, tokens or bodies.
 */
public final class AmiqusEmulator implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(AmiqusEmulator.class);

	/** Amiqus counts a delivery not answered within this as failed. */
	static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(5);

	static final String USER_AGENT = "Amiqus AmiqusID/emulator";

	private static final int API_THREADS = 4;

	/** The receiver's response body is logged up to this many bytes. */
	private static final int MAX_LOGGED_RESPONSE = 64 * 1024;

	private final EmulatorState state = new EmulatorState();

	private final HttpServer server;

	private final ExecutorService apiThreads;

	private final ExecutorService senderThreads;

	private final HttpClient sender;

	private final String baseUrl;

	private final AtomicLong demoRuns = new AtomicLong();

	private final AtomicBoolean closed = new AtomicBoolean();

	private AmiqusEmulator(HttpServer server, ExecutorService apiThreads) {
		this.server = server;
		this.apiThreads = apiThreads;
		this.baseUrl = "http://127.0.0.1:" + server.getAddress().getPort() + ApiHandler.BASE_PATH;
		this.senderThreads = Executors.newCachedThreadPool(daemonThreads("amiqus-emulator-sender-"));
		this.sender = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(DELIVERY_TIMEOUT)
			.followRedirects(HttpClient.Redirect.NEVER)
			.executor(this.senderThreads)
			.build();
		server.createContext("/", new ApiHandler(this.state, this.baseUrl));
	}

	/**
	 * Starts an emulator on {@code 127.0.0.1}.
	 * @param port the port, 0 for any free one
	 * @return the running emulator; close it to stop it
	 * @throws UncheckedIOException when the port cannot be bound
	 */
	public static AmiqusEmulator start(int port) {
		HttpServer server;
		try {
			server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Amiqus emulator cannot listen on port " + port, ex);
		}
		ExecutorService apiThreads = Executors.newFixedThreadPool(API_THREADS, daemonThreads("amiqus-emulator-api-"));
		server.setExecutor(apiThreads);
		AmiqusEmulator emulator = new AmiqusEmulator(server, apiThreads);
		server.start();
		log.info("Amiqus emulator listening on {}", emulator.baseUrl);
		return emulator;
	}

	/**
	 * The API's base URL, to configure as {@code amiqus.api.url}.
	 * @return {@code http://127.0.0.1:<port>/api/v2}
	 */
	public String baseUrl() {
		return this.baseUrl;
	}

	/**
	 * The port the API listens on.
	 * @return the port
	 */
	public int port() {
		return this.server.getAddress().getPort();
	}

	/**
	 * Stops the API server and the delivery sender; calling it again does nothing.
	 */
	@Override
	public void close() {
		if (this.closed.compareAndSet(false, true)) {
			this.server.stop(0);
			this.apiThreads.shutdownNow();
			this.senderThreads.shutdownNow();
		}
	}

	/**
	 * Forgets all subscriptions, delivery logs, entities and logged requests, and undoes
	 * {@link #requireToken}, {@link #failNext} and {@link #setLatency}. Webhook ids keep
	 * counting up, so that an id from before never names a new subscription.
	 */
	public void reset() {
		this.state.reset();
	}

	// Test switches

	/**
	 * Demands {@code Authorization: Bearer <token>} on every API request; others get
	 * {@code 401 {"error": "Unauthenticated."}}.
	 * @param token the token to demand, or null to accept any token or none (the default)
	 */
	public void requireToken(String token) {
		this.state.requireToken(token);
	}

	/**
	 * Answers the next {@code count} API requests with {@code status} and the body Amiqus
	 * sends for it ({@code 429} also with {@code Retry-After: 1}), before checking the
	 * token. Replaces any failures still pending; a count of 0 cancels them.
	 * @param count how many requests fail
	 * @param status the HTTP status, 400 to 599
	 */
	public void failNext(int count, int status) {
		if (count < 0 || status < 400 || status > 599) {
			throw new IllegalArgumentException("count must be 0 or more and status 400 to 599");
		}
		this.state.failNext(count, status);
	}

	/**
	 * Delays every API answer (not deliveries) by this much.
	 * @param latency the delay, zero for none (the default)
	 */
	public void setLatency(Duration latency) {
		if (latency == null || latency.isNegative()) {
			throw new IllegalArgumentException("latency must be zero or more");
		}
		this.state.setLatency(latency);
	}

	/**
	 * The API requests received, oldest first (the latest 10,000).
	 * @return a copy of the log
	 */
	public List<ApiRequest> requests() {
		return this.state.requests();
	}

	/**
	 * Empties the log of API requests.
	 */
	public void clearRequests() {
		this.state.clearRequests();
	}

	// Webhook subscriptions

	/**
	 * Creates a subscription as {@code POST /webhooks} would, with a new id, uuid and
	 * secret.
	 * @param url an absolute http or https URL
	 * @param events the event aliases, wildcards allowed; at least one
	 * @param enabled whether deliveries are sent
	 * @return the subscription, with its secret
	 */
	public Webhook addWebhook(String url, List<String> events, boolean enabled) {
		if (!isHttpUrl(url)) {
			throw new IllegalArgumentException("url must be an absolute http or https URL");
		}
		return this.state.createWebhook(url, checkEvents(events), enabled).toWebhook();
	}

	/**
	 * Every subscription, by id.
	 * @return copies, with their secrets
	 */
	public List<Webhook> webhooks() {
		return this.state.webhooks().stream().map(EmulatedWebhook::toWebhook).toList();
	}

	/**
	 * One subscription.
	 * @param id the subscription's id
	 * @return a copy, empty when there is none with that id
	 */
	public Optional<Webhook> webhook(long id) {
		return this.state.webhook(id).map(EmulatedWebhook::toWebhook);
	}

	/**
	 * Disables a subscription, as Amiqus's auto-deactivation does after ten payloads
	 * failed for good.
	 * @param id the subscription's id
	 * @return the subscription as changed
	 * @throws IllegalArgumentException when there is none with that id
	 */
	public Webhook disableWebhook(long id) {
		return change(id, (webhook) -> webhook.withEnabled(false));
	}

	/**
	 * Replaces a subscription's events, as a change in the Amiqus UI would.
	 * @param id the subscription's id
	 * @param events the event aliases, wildcards allowed; at least one
	 * @return the subscription as changed
	 * @throws IllegalArgumentException when there is none with that id
	 */
	public Webhook setWebhookEvents(long id, List<String> events) {
		List<String> checked = checkEvents(events);
		return change(id, (webhook) -> webhook.withEvents(checked));
	}

	/**
	 * Deletes a subscription and its delivery log, as a deletion in the Amiqus UI would.
	 * @param id the subscription's id
	 * @return whether there was one
	 */
	public boolean removeWebhook(long id) {
		return this.state.removeWebhook(id);
	}

	// Entities

	/**
	 * Serves {@code GET /clients/{id}}.
	 * @param id the client id
	 * @param json the client object
	 */
	public void putClient(long id, String json) {
		this.state.putEntity(clientPath(id), EmulatorJson.parse(json, "client", false));
	}

	/**
	 * Makes {@code GET /clients/{id}} answer 404 (its forms are kept but unreachable).
	 * @param id the client id
	 * @return whether it was there
	 */
	public boolean removeClient(long id) {
		return this.state.removeEntity(clientPath(id));
	}

	/**
	 * Serves {@code GET /records/{id}} (whatever {@code expand} asks for).
	 * @param id the record id
	 * @param json the record object
	 */
	public void putRecord(long id, String json) {
		this.state.putEntity(recordPath(id), EmulatorJson.parse(json, "record", false));
	}

	/**
	 * Makes {@code GET /records/{id}} and its steps answer 404.
	 * @param id the record id
	 * @return whether it was there
	 */
	public boolean removeRecord(long id) {
		return this.state.removeEntity(recordPath(id));
	}

	/**
	 * Serves {@code GET /records/{recordId}/steps} as a paginated list (a record put
	 * without steps has none).
	 * @param recordId the record id
	 * @param jsonArray the step objects, as a JSON array
	 */
	public void putRecordSteps(long recordId, String jsonArray) {
		this.state.putEntity(recordPath(recordId) + "/steps", EmulatorJson.parse(jsonArray, "steps", true));
	}

	/**
	 * Serves {@code GET /clients/{clientId}/forms/{reference}} (while the client exists).
	 * @param clientId the client id
	 * @param reference the form's reference
	 * @param json the client form object
	 */
	public void putForm(long clientId, String reference, String json) {
		this.state.putEntity(formPath(clientId, reference), EmulatorJson.parse(json, "form", false));
	}

	/**
	 * Makes {@code GET /clients/{clientId}/forms/{reference}} answer 404.
	 * @param clientId the client id
	 * @param reference the form's reference
	 * @return whether it was there
	 */
	public boolean removeForm(long clientId, String reference) {
		return this.state.removeEntity(formPath(clientId, reference));
	}

	/**
	 * Serves {@code GET /organisations/{id}}.
	 * @param id the organisation id
	 * @param json the organisation object
	 */
	public void putOrganisation(long id, String json) {
		this.state.putEntity("/organisations/" + id, EmulatorJson.parse(json, "organisation", false));
	}

	/**
	 * Makes {@code GET /organisations/{id}} answer 404.
	 * @param id the organisation id
	 * @return whether it was there
	 */
	public boolean removeOrganisation(long id) {
		return this.state.removeEntity("/organisations/" + id);
	}

	/**
	 * Serves {@code GET /cases/{id}}.
	 * @param id the case id
	 * @param json the case object
	 */
	public void putCase(long id, String json) {
		this.state.putEntity("/cases/" + id, EmulatorJson.parse(json, "case", false));
	}

	/**
	 * Makes {@code GET /cases/{id}} answer 404.
	 * @param id the case id
	 * @return whether it was there
	 */
	public boolean removeCase(long id) {
		return this.state.removeEntity("/cases/" + id);
	}

	// Deliveries

	/**
	 * Delivers an event like Amiqus: to every enabled subscription whose events match the
	 * alias (exactly, {@code *}, or a wildcard such as {@code client.*}), the payload
	 * {@code {"webhook": {uuid, created_at, events}, "trigger": {triggered_at, alias},
	 * "data": ...}} signed with that subscription's secret. One attempt each, in id
	 * order, each logged in its subscription's delivery log.
	 * @param alias the event alias, such as {@code record.finished}
	 * @param dataJson the payload's {@code data}, a JSON object
	 * @return one result per subscription delivered to
	 */
	public List<DeliveryResult> send(String alias, String dataJson) {
		if (alias == null || alias.isBlank()) {
			throw new IllegalArgumentException("An event alias is required");
		}
		return send(alias, EmulatorJson.parse(dataJson, "data", false));
	}

	/**
	 * Sends a {@code ping} to every enabled subscription, whatever its events:
	 * {@code {"uuid", "event": "ping", "sent_at", "data": ["ping"]}}.
	 * @return one result per subscription delivered to
	 */
	public List<DeliveryResult> sendPing() {
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

	/**
	 * The demo's short story: a client is created, a record is created for it, the record
	 * finishes. Puts the (clearly fake) client, record and steps, changing them as the
	 * story goes, and sends {@code client.created}, {@code record.created} and
	 * {@code record.finished} in that order. Each run uses new ids.
	 * @return the deliveries' results in the order sent
	 */
	public List<DeliveryResult> demoScenario() {
		long run = this.demoRuns.incrementAndGet();
		long clientId = 1000 + run;
		long recordId = 5000 + run;
		String email = "demo.person+" + run + "@example.com";
		Instant created = this.state.now();
		this.state.putEntity(clientPath(clientId), DemoData.client(clientId, email, EmulatorJson.timestamp(created)));
		List<DeliveryResult> results = new ArrayList<>(
				send("client.created", DemoData.clientEvent(this.baseUrl, clientId)));
		JsonNode pending = DemoData.steps(recordId, created, null);
		this.state.putEntity(recordPath(recordId),
				DemoData.record(recordId, clientId, email, "pending", created, created, pending));
		this.state.putEntity(recordPath(recordId) + "/steps", pending);
		results.addAll(send("record.created", DemoData.recordEvent(this.baseUrl, recordId, clientId)));
		Instant finished = this.state.now();
		JsonNode accepted = DemoData.steps(recordId, created, finished);
		this.state.putEntity(recordPath(recordId),
				DemoData.record(recordId, clientId, email, "complete", created, finished, accepted));
		this.state.putEntity(recordPath(recordId) + "/steps", accepted);
		results.addAll(send("record.finished", DemoData.recordEvent(this.baseUrl, recordId, clientId)));
		return results;
	}

	private List<DeliveryResult> send(String alias, JsonNode data) {
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
	 * One signed POST, logged in the subscription's delivery log whatever its outcome.
	 */
	private DeliveryResult deliver(EmulatedWebhook webhook, String alias, String deliveryId, ObjectNode payload) {
		byte[] body = EmulatorJson.bytes(payload);
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("Content-Type", "application/json");
		headers.put("User-Agent", USER_AGENT);
		headers.put("X-AQID-Delivery-Id", deliveryId);
		headers.put("X-AQID-Delivery-Attempt", "1");
		headers.put("X-AQID-Signature", AmiqusSignature.sign(webhook.secret(), body));
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
			HttpResponse<byte[]> response = this.sender.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
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

	private Webhook change(long id, UnaryOperator<EmulatedWebhook> change) {
		return this.state.updateWebhook(id, change)
			.map(EmulatedWebhook::toWebhook)
			.orElseThrow(() -> new IllegalArgumentException("No webhook with id " + id));
	}

	static String clientPath(long id) {
		return "/clients/" + id;
	}

	static String recordPath(long id) {
		return "/records/" + id;
	}

	static String formPath(long clientId, String reference) {
		if (reference == null || reference.isBlank() || reference.contains("/")) {
			throw new IllegalArgumentException("A form reference without '/' is required");
		}
		return clientPath(clientId) + "/forms/" + reference;
	}

	static boolean isHttpUrl(String url) {
		if (url == null) {
			return false;
		}
		try {
			URI uri = new URI(url);
			String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
			return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
		}
		catch (URISyntaxException ex) {
			return false;
		}
	}

	private static List<String> checkEvents(List<String> events) {
		if (events == null || events.isEmpty() || events.stream().anyMatch((e) -> e == null || e.isBlank())) {
			throw new IllegalArgumentException("At least one event, none blank, is required");
		}
		return List.copyOf(events);
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

	private static ThreadFactory daemonThreads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}
