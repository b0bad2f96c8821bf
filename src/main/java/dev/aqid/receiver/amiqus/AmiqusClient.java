package dev.aqid.receiver.amiqus;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.util.Assert;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * Calls the Amiqus ID API v2 with the configured credentials ({@link AmiqusCredentials}:
 * a personal access token, or an OAuth client's access token, refreshed before it expires
 * and after a {@code 401}) and timeouts. Every call either returns what Amiqus answered
 * or throws an {@link AmiqusApiException} saying why not; every call is counted and
 * timed, and the rate-limit headers it brings are kept ({@link #rateLimit()}). The client
 * does not retry: callers decide, using {@link AmiqusApiException#isTransient()} and
 * {@link AmiqusRateLimited#retryAfter()}.
 * <p>
 * Entity reads return Amiqus's JSON as is ({@link JsonNode}), for snapshots; webhook
 * subscriptions, which this service manages, are typed.
 */
@Component
public class AmiqusClient {

	/** The largest page Amiqus serves; walking a list uses it to make fewest calls. */
	static final int MAX_PAGE_SIZE = 100;

	private final RestClient restClient;

	private final AmiqusApiMetrics metrics;

	private final AtomicReference<RateLimitStatus> rateLimit = new AtomicReference<>(RateLimitStatus.UNKNOWN);

	private final Clock clock;

	private final AmiqusCredentials credentials;

	private final RateLimitPacer pacer;

	/**
	 * A client that sends the properties' personal access token, if any.
	 * @param restClientBuilder the builder to start from
	 * @param properties the URL, token and timeouts
	 * @param meterRegistry where calls are counted
	 * @param clock the time, for {@code Retry-After}
	 */
	public AmiqusClient(RestClient.Builder restClientBuilder, AmiqusApiProperties properties,
			MeterRegistry meterRegistry, Clock clock) {
		this(restClientBuilder, properties, meterRegistry, clock, AmiqusCredentials.personal(properties),
				AmiqusRateLimitProperties.DEFAULTS);
	}

	@Autowired
	AmiqusClient(RestClient.Builder restClientBuilder, AmiqusApiProperties properties, MeterRegistry meterRegistry,
			Clock clock, AmiqusCredentials credentials, AmiqusRateLimitProperties rateLimits) {
		this.clock = clock;
		this.pacer = new RateLimitPacer(clock, rateLimits.window(), rateLimits.reserve(), rateLimits.slack());
		this.credentials = credentials;
		HttpClient httpClient = HttpClient.newBuilder().connectTimeout(properties.connectTimeout()).build();
		JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(httpClient);
		requestFactory.setReadTimeout(properties.readTimeout());
		this.restClient = restClientBuilder.clone()
			.baseUrl(withoutTrailingSlash(properties.url()))
			.requestFactory(requestFactory)
			.defaultHeaders((headers) -> headers.setAccept(List.of(MediaType.APPLICATION_JSON)))
			.build();
		this.metrics = new AmiqusApiMetrics(meterRegistry, () -> this.rateLimit.get().remaining(), this.pacer);
	}

	/**
	 * {@code GET /status}: checks the token and that the service is up.
	 * @return the body, or null when Amiqus answers {@code 204} (or another empty 2xx)
	 */
	public JsonNode status() {
		return json("status", exchange("status", HttpMethod.GET, null, "/status"), false);
	}

	/**
	 * {@code GET /records/{id}?expand=client}.
	 * @param id the record id
	 * @return the record with its client expanded
	 */
	public JsonNode record(long id) {
		return get("record", "/records/{id}?expand=client", id);
	}

	/**
	 * {@code GET /records/{id}/steps?expand=check,form,document,review}, every page: the
	 * steps with their check results, forms, documents and reviews.
	 * @param recordId the record id
	 * @return one JSON array of all the record's steps
	 */
	public JsonNode recordSteps(long recordId) {
		List<JsonNode> steps = Page.all((page) -> page("record.steps",
				"/records/{id}/steps?expand=check,form,document,review&page={page}&limit={limit}", Function.identity(),
				recordId, page, MAX_PAGE_SIZE));
		ArrayNode array = AmiqusJson.MAPPER.createArrayNode();
		steps.forEach(array::add);
		return array;
	}

	/**
	 * {@code GET /clients/{id}}.
	 * @param id the client id
	 * @return the client
	 */
	public JsonNode client(long id) {
		return get("client", "/clients/{id}", id);
	}

	/**
	 * {@code GET /clients/{clientId}/forms/{reference}}.
	 * @param clientId the client id
	 * @param reference the form's reference (a UUID), path-encoded
	 * @return the client's form
	 */
	public JsonNode clientForm(long clientId, String reference) {
		Assert.hasText(reference, "A form reference is required");
		return get("client.form", "/clients/{clientId}/forms/{reference}", clientId, reference);
	}

	/**
	 * {@code GET /organisations/{id}}.
	 * @param id the organisation id
	 * @return the organisation
	 */
	public JsonNode organisation(long id) {
		return get("organisation", "/organisations/{id}", id);
	}

	/**
	 * {@code GET /cases/{id}?expand=client,items}. Cases may be disabled for a team: a
	 * {@link AmiqusForbidden} or {@link AmiqusNotFound} here is not an outage.
	 * @param id the case id
	 * @return the case with its client and items expanded
	 */
	public JsonNode amiqusCase(long id) {
		return get("case", "/cases/{id}?expand=client,items", id);
	}

	/**
	 * {@code GET /webhooks}: one page of the team's webhook subscriptions.
	 * @param page page number, from 1
	 * @param limit page size, 1 to 100
	 * @return the page
	 */
	public Page<Webhook> webhooks(int page, int limit) {
		checkPage(page, limit);
		return page("webhooks.list", "/webhooks?page={page}&limit={limit}", Webhook::from, page, limit);
	}

	/**
	 * Every webhook subscription, walking all pages of {@code GET /webhooks}.
	 * @return the subscriptions
	 */
	public List<Webhook> allWebhooks() {
		return Page.all((page) -> webhooks(page, MAX_PAGE_SIZE));
	}

	/**
	 * {@code POST /webhooks}.
	 * @param request the url and events (required), and whether enabled
	 * @return the new subscription, with its secret
	 */
	public Webhook createWebhook(WebhookRequest request) {
		Assert.notNull(request, "A webhook request is required");
		return webhook("webhooks.create", exchange("webhooks.create", HttpMethod.POST, request, "/webhooks"));
	}

	/**
	 * {@code GET /webhooks/{id}}.
	 * @param id the subscription's id
	 * @return the subscription, with its secret
	 */
	public Webhook webhook(long id) {
		return webhook("webhooks.get", exchange("webhooks.get", HttpMethod.GET, null, "/webhooks/{id}", id));
	}

	/**
	 * {@code PATCH /webhooks/{id}} with only the request's non-null fields.
	 * @param id the subscription's id
	 * @param request what to change
	 * @return the subscription as changed
	 */
	public Webhook updateWebhook(long id, WebhookRequest request) {
		Assert.notNull(request, "A webhook request is required");
		return webhook("webhooks.update", exchange("webhooks.update", HttpMethod.PATCH, request, "/webhooks/{id}", id));
	}

	/**
	 * {@code DELETE /webhooks/{id}}. Any 2xx is success, whatever the body.
	 * @param id the subscription's id
	 */
	public void deleteWebhook(long id) {
		exchange("webhooks.delete", HttpMethod.DELETE, null, "/webhooks/{id}", id);
	}

	/**
	 * {@code GET /webhooks/{id}/deliveries}: one page of the delivery log (90 days).
	 * @param webhookId the subscription's id
	 * @param page page number, from 1
	 * @param limit page size, 1 to 100
	 * @return the page
	 */
	public Page<WebhookDelivery> webhookDeliveries(long webhookId, int page, int limit) {
		checkPage(page, limit);
		return page("webhooks.deliveries", "/webhooks/{id}/deliveries?page={page}&limit={limit}", WebhookDelivery::from,
				webhookId, page, limit);
	}

	/**
	 * The rate-limit headers of the latest response that carried any (a response with
	 * none leaves the previous status in place).
	 * @return the status, {@link RateLimitStatus#UNKNOWN} before the first such response
	 */
	public RateLimitStatus rateLimit() {
		return this.rateLimit.get();
	}

	/**
	 * Waits for this instance's turn to call Amiqus, so that calls spread over the
	 * rate-limit window and a backlog drains at the limit without a {@code 429}: what is
	 * left of the window ({@code X-RateLimit-Remaining}, which counts every replica's
	 * calls), less a reserve and the calls in flight, is spent evenly until the window's
	 * end. Calls made without asking (the registrar's, the health check's) still count.
	 * @param deadline the latest start worth waiting for
	 * @return true when the caller may call at once; false, without waiting, when its
	 * turn would come after the deadline
	 * @throws InterruptedException when interrupted while waiting
	 */
	public boolean awaitTurn(Instant deadline) throws InterruptedException {
		Timer.Sample sample = this.metrics.start();
		boolean turn = this.pacer.awaitTurn(deadline);
		if (turn) {
			this.metrics.waitedForTurn(sample);
		}
		return turn;
	}

	/**
	 * About how many calls this instance may start within the period at the current pace:
	 * for sizing work to the rate limit.
	 * @param period the period
	 * @return at least 1; {@link Integer#MAX_VALUE} before any rate-limit header was seen
	 */
	public int turnsWithin(Duration period) {
		return this.pacer.turnsWithin(period);
	}

	private JsonNode get(String operation, String uri, Object... variables) {
		return json(operation, exchange(operation, HttpMethod.GET, null, uri, variables), true);
	}

	private <T> Page<T> page(String operation, String uri, Function<JsonNode, T> item, Object... variables) {
		Response response = exchange(operation, HttpMethod.GET, null, uri, variables);
		JsonNode root = json(operation, response, true);
		if (!root.isObject()) {
			throw new AmiqusUnexpectedResponse(operation, response.status(), "response is not a paginated list");
		}
		return Page.from(root, item);
	}

	private Webhook webhook(String operation, Response response) {
		JsonNode root = json(operation, response, true);
		if (!root.isObject()) {
			throw new AmiqusUnexpectedResponse(operation, response.status(), "response is not a webhook");
		}
		return Webhook.from(root);
	}

	/**
	 * The body as JSON; an empty body is null, or an error when one is required. A body
	 * that is not JSON (a proxy's HTML page, say) is an error and is not quoted.
	 */
	private static JsonNode json(String operation, Response response, boolean required) {
		JsonNode root;
		try {
			root = AmiqusJson.parse(response.body());
		}
		catch (JacksonException ex) {
			throw new AmiqusUnexpectedResponse(operation, response.status(), "response body is not JSON");
		}
		if (root == null && required) {
			throw new AmiqusUnexpectedResponse(operation, response.status(), "response has no body");
		}
		return root;
	}

	/**
	 * One call; with an OAuth client, a {@code 401} refreshes the token (unless another
	 * thread or replica already did) and the call is made once more.
	 */
	private Response exchange(String operation, HttpMethod method, Object body, String uri, Object... variables) {
		String bearer = this.credentials.bearer();
		Response response = send(operation, method, body, bearer, uri, variables);
		if (response.status() == 401 && bearer != null && this.credentials.renewAfterUnauthorized(bearer)) {
			bearer = this.credentials.bearer();
			response = send(operation, method, body, bearer, uri, variables);
		}
		if (response.status() < 200 || response.status() > 299) {
			throw AmiqusErrors.toException(operation, response.status(), response.headers(), response.body(),
					this.clock.instant());
		}
		return response;
	}

	private Response send(String operation, HttpMethod method, Object body, @Nullable String bearer, String uri,
			Object... variables) {
		Timer.Sample sample = this.metrics.start();
		this.pacer.started();
		Response response;
		try {
			RestClient.RequestBodySpec request = this.restClient.method(method).uri(uri, variables);
			if (bearer != null) {
				request.headers((headers) -> headers.setBearerAuth(bearer));
			}
			if (body != null) {
				request.contentType(MediaType.APPLICATION_JSON).body(AmiqusJson.MAPPER.writeValueAsBytes(body));
			}
			response = request
				.exchange((clientRequest, clientResponse) -> new Response(clientResponse.getStatusCode().value(),
						clientResponse.getHeaders(), clientResponse.getBody().readAllBytes()), true);
		}
		catch (ResourceAccessException ex) {
			this.pacer.finished(null);
			this.metrics.finished(operation, AmiqusApiMetrics.IO_ERROR, sample);
			throw new AmiqusUnreachable(operation, ex);
		}
		catch (RuntimeException ex) {
			this.pacer.finished(null);
			throw ex;
		}
		this.metrics.finished(operation, Integer.toString(response.status()), sample);
		RateLimitStatus seen = AmiqusRateLimits.of(response.headers());
		if (seen != null) {
			this.rateLimit.set(seen);
		}
		this.pacer.finished(windowEndOf429(response, seen));
		return response;
	}

	private static void checkPage(int page, int limit) {
		Assert.isTrue(page >= 1, "page must be 1 or more");
		Assert.isTrue(limit >= 1 && limit <= MAX_PAGE_SIZE, "limit must be 1 to " + MAX_PAGE_SIZE);
	}

	private static String withoutTrailingSlash(URI url) {
		String text = url.toString();
		return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
	}

	private record Response(int status, HttpHeaders headers, byte[] body) {

	}

	/**
	 * What the pacer learns from an answer: for a {@code 429} without
	 * {@code X-RateLimit-Reset}, the window ends when {@code Retry-After} says, not when
	 * the pacer's own estimate does (which may be most of a window later).
	 */
	private @Nullable RateLimitStatus windowEndOf429(Response response, @Nullable RateLimitStatus seen) {
		if (response.status() != 429 || (seen != null && seen.reset() != null)) {
			return seen;
		}
		Instant now = this.clock.instant();
		Instant end = now.plus(AmiqusErrors.retryAfter(response.headers(), now));
		return new RateLimitStatus((seen != null) ? seen.limit() : null, 0, end);
	}

}
