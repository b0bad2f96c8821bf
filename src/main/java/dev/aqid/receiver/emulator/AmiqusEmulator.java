package dev.aqid.receiver.emulator;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

import dev.aqid.receiver.amiqus.Webhook;

/**
 * A stand-in for the Amiqus ID API v2 and its webhook deliveries: the project's tests run
 * against it, and demo mode serves it from the service's own server. Its API is plain
 * Spring MVC ({@link EmulatorEntitiesController}, {@link EmulatorWebhooksController},
 * {@link EmulatorApiFilter}) under {@code /emulator/api/v2}, registered by
 * {@link EmulatorConfiguration} in demo mode, or on its own port by
 * {@link StandaloneEmulator} for tests and the benchmark. This class is what tests and
 * the demo drive it with.
 * <p>
 * The API keeps state like a single Amiqus team ({@link EmulatorState}): webhook
 * subscriptions ({@code /webhooks}, paginated, with each one's delivery log) and entities
 * put by the test or demo ({@code /clients/{id}}, {@code /records/{id}}, its
 * {@code /steps}, a client's {@code /forms/{reference}}, {@code /organisations/{id}},
 * {@code /cases/{id}}), answering with Amiqus's status codes, error bodies and rate-limit
 * headers. Tests can demand a token, inject failures and latency, and read the requests
 * received. {@link #enableOAuth} adds Amiqus's OAuth token endpoint
 * ({@code /emulator/oauth/token}, {@link #tokenUrl()}) with expiring access tokens and
 * single-use refresh tokens.
 * <p>
 * {@link #send(String, String)} delivers an event like Amiqus ({@link WebhookSender}):
 * one signed POST to every enabled subscription whose events match, logged in that
 * subscription's delivery log, with no automatic retry (a failed delivery stays in the
 * log as after Amiqus gave up).
 */
public final class AmiqusEmulator implements AutoCloseable {

	private final EmulatorState state;

	private final WebhookSender sender;

	private final DemoScenario scenario;

	private final AtomicBoolean closed = new AtomicBoolean();

	private volatile String baseUrl;

	private volatile AutoCloseable server;

	AmiqusEmulator(EmulatorState state, WebhookSender sender, DemoScenario scenario) {
		this.state = state;
		this.sender = sender;
		this.scenario = scenario;
	}

	/**
	 * The API's base URL, to configure as {@code amiqus.api.url}.
	 * @return {@code http://127.0.0.1:<port>/emulator/api/v2}, or null before the server
	 * serving it has started
	 */
	public String baseUrl() {
		return this.baseUrl;
	}

	void servedAt(String baseUrl) {
		this.baseUrl = baseUrl;
	}

	/**
	 * Makes {@link #close()} stop this server too (the emulator's own, when started on
	 * its own).
	 */
	void stopsWith(AutoCloseable server) {
		this.server = server;
	}

	/**
	 * Stops the delivery sender and, when the emulator was started on its own, its
	 * server; calling it again does nothing.
	 */
	@Override
	public void close() {
		if (this.closed.compareAndSet(false, true)) {
			this.sender.close();
			AutoCloseable own = this.server;
			if (own != null) {
				try {
					own.close();
				}
				catch (Exception ex) {
					throw new IllegalStateException("The emulator's server did not stop", ex);
				}
			}
		}
	}

	/**
	 * Forgets all subscriptions, delivery logs, entities and logged requests, and undoes
	 * {@link #requireToken}, {@link #failNext}, {@link #setLatency} and
	 * {@link #enforceRateLimit}. Webhook ids keep counting up, so that an id from before
	 * never names a new subscription.
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
	 * Enforces a rate limit as Amiqus does: {@code limit} requests per fixed window that
	 * opens at the first request after the previous window ended (Laravel's throttle);
	 * {@code X-RateLimit-Remaining} counts down, and a request over the limit is refused
	 * with {@code 429}, {@code Retry-After} (seconds) and {@code X-RateLimit-Reset} (unix
	 * time) and is not counted. Without it (the default) every answer says a limit of 200
	 * with 199 left, so a client pacing by the headers never slows down, and nothing is
	 * refused.
	 * @param limit requests per window, 0 to stop enforcing
	 * @param window the window's length (Amiqus: a minute)
	 */
	public void enforceRateLimit(int limit, Duration window) {
		if (limit < 0 || window == null || window.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new IllegalArgumentException("limit must be 0 or more and the window at least a second");
		}
		this.state.enforceRateLimit(limit, window);
	}

	/**
	 * How many API requests the enforced rate limit refused with {@code 429} (injected
	 * failures not included), since the start or the last {@link #reset()}.
	 * @return the count
	 */
	public long rateLimitedRequests() {
		return this.state.rateLimited();
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

	/**
	 * How many entity reads (a client, a record, its steps, a form, an organisation, a
	 * case) were answered 200, since the start or the last {@link #reset()}. Unlike
	 * {@link #requests()}, the count never drops old requests.
	 * @return the count
	 */
	public long entityReads() {
		return this.state.entityReads();
	}

	/**
	 * How many API requests were refused with 401 because {@link #requireToken} demanded
	 * a token they did not carry (injected 401s from {@link #failNext} not included),
	 * since the start or the last {@link #reset()}.
	 * @return the count
	 */
	public long unauthorizedRequests() {
		return this.state.unauthorized();
	}

	// OAuth

	/**
	 * Where the emulated token endpoint is, to configure as
	 * {@code amiqus.oauth.token-url}.
	 * @return {@code http://127.0.0.1:<port>/emulator/oauth/token}, or null before the
	 * server serving it has started
	 */
	public String tokenUrl() {
		String base = this.baseUrl;
		return (base != null)
				? base.substring(0, base.length() - AmiqusAnswers.BASE_PATH.length()) + AmiqusAnswers.OAUTH_TOKEN_PATH
				: null;
	}

	/**
	 * Turns the OAuth server on for this client: {@code POST /emulator/oauth/token}
	 * refreshes tokens, and from now on the API accepts its access tokens until they
	 * expire (and the {@link #requireToken} token, if any). Refresh tokens work once.
	 * @param clientId the client id
	 * @param clientSecret the client secret
	 * @param accessTokenLifetime how long an access token works ({@code expires_in})
	 * @param refreshTokenLifetime how long a refresh token works, sent as
	 * {@code refresh_token_expires_in}; null for no limit and no such field
	 * @return a first refresh token, as authorising the client would give
	 */
	public String enableOAuth(String clientId, String clientSecret, Duration accessTokenLifetime,
			Duration refreshTokenLifetime) {
		if (clientId == null || clientSecret == null || accessTokenLifetime == null || accessTokenLifetime.isNegative()
				|| accessTokenLifetime.isZero()) {
			throw new IllegalArgumentException("A client id, secret and a positive access token lifetime are needed");
		}
		return this.state.oauth().enable(clientId, clientSecret, accessTokenLifetime, refreshTokenLifetime);
	}

	/**
	 * A new refresh token of a new grant, as authorising the client again would give.
	 * @return the refresh token
	 */
	public String grantRefreshToken() {
		return this.state.oauth().grant();
	}

	/**
	 * Revokes every access token issued so far, so the API answers 401 to them.
	 */
	public void revokeAccessTokens() {
		this.state.oauth().revokeAccessTokens();
	}

	/**
	 * Token requests received, whatever their answer.
	 * @return the count since the start or the last {@link #reset()}
	 */
	public long tokenRequests() {
		return this.state.oauth().requests();
	}

	/**
	 * Successful refreshes (a new pair issued).
	 * @return the count since the start or the last {@link #reset()}
	 */
	public long tokenRefreshes() {
		return this.state.oauth().refreshes();
	}

	/**
	 * Refresh tokens presented after they had been used (refused, family revoked).
	 * @return the count since the start or the last {@link #reset()}
	 */
	public long refreshTokenReuses() {
		return this.state.oauth().reuses();
	}

	/**
	 * Holds token requests at the door (before they are processed) until
	 * {@link #releaseTokenRequests()}: a token endpoint as slow as a test needs.
	 */
	public void holdTokenRequests() {
		this.state.oauth().hold(true);
	}

	/** Lets held and later token requests through. */
	public void releaseTokenRequests() {
		this.state.oauth().hold(false);
	}

	/**
	 * Token requests held at the door now.
	 * @return how many
	 */
	public int tokenRequestsWaiting() {
		return this.state.oauth().waiting();
	}

	/**
	 * Lets the token requests held now go unprocessed (answered 503), as if they had
	 * never reached the server: for a client killed while its request was in flight.
	 */
	public void dropWaitingTokenRequests() {
		this.state.oauth().dropWaiting();
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
	 * Serves records and clients {@code firstId} to {@code firstId + count - 1} as small
	 * objects, record {@code i} belonging to client {@code i}: for load (the benchmark,
	 * the fault tests), where what a record holds does not matter but every one must be
	 * there.
	 * @param firstId the first record and client id
	 * @param count how many of each
	 */
	public void putRecordsAndClients(long firstId, int count) {
		if (count < 0) {
			throw new IllegalArgumentException("count must be 0 or more");
		}
		for (long id = firstId; id < firstId + count; id++) {
			putClient(id, """
					{"object":"client","id":%d,"status":"approved","name":{"title":null,"first_name":"Bench",\
					"middle_name":null,"last_name":"Person %d"},"email":"bench.person+%d@example.com",\
					"reference":"bench-%d","created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z"}"""
				.formatted(id, id, id, id));
			putRecord(id, """
					{"object":"record","id":%d,"type":"client","status":"complete","client":{"object":"client",\
					"id":%d,"email":"bench.person+%d@example.com"},"created_at":"2024-01-01T00:00:00Z",\
					"updated_at":"2024-01-01T00:00:00Z"}""".formatted(id, id, id));
		}
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
		return this.sender.send(alias, EmulatorJson.parse(dataJson, "data", false));
	}

	/**
	 * Sends a {@code ping} to every enabled subscription, whatever its events:
	 * {@code {"uuid", "event": "ping", "sent_at", "data": ["ping"]}}.
	 * @return one result per subscription delivered to
	 */
	public List<DeliveryResult> sendPing() {
		return this.sender.sendPing();
	}

	/**
	 * The demo's short story ({@link DemoScenario}): a client is created, a record is
	 * created for it, the record finishes. Each run uses new ids.
	 * @return the deliveries' results in the order sent
	 */
	public List<DeliveryResult> demoScenario() {
		return this.scenario.run(this.baseUrl);
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

}
