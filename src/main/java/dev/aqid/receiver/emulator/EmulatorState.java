package dev.aqid.receiver.emulator;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.UnaryOperator;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Everything the emulated Amiqus team holds: webhook subscriptions and their delivery
 * logs, entities by API path, the API request log and counts, and the test switches
 * (token, faults, latency). One lock guards it all; values handed out are immutable or
 * copies.
 */
final class EmulatorState {

	static final int RATE_LIMIT = 200;

	/** API requests kept for {@link AmiqusEmulator#requests()}; older ones drop off. */
	static final int MAX_REQUESTS = 10_000;

	/**
	 * Deliveries kept per subscription; older ones drop off, as after Amiqus's 90 days.
	 */
	static final int MAX_DELIVERIES = 1000;

	private static final SecureRandom random = new SecureRandom();

	private final Clock clock;

	private final Map<Long, EmulatedWebhook> webhooks = new TreeMap<>();

	private final Map<Long, Deque<JsonNode>> deliveries = new HashMap<>();

	private long lastWebhookId;

	private final Map<String, JsonNode> entities = new HashMap<>();

	private final Deque<ApiRequest> requests = new ArrayDeque<>();

	private String token;

	private int faultsLeft;

	private int faultStatus;

	private Duration latency = Duration.ZERO;

	private long entityReads;

	private long unauthorized;

	private Instant rateWindow = Instant.EPOCH;

	private int rateUsed;

	private int enforcedLimit;

	private Duration enforcedWindow = Duration.ofMinutes(1);

	private long rateLimited;

	private final EmulatedOAuth oauth;

	EmulatorState(Clock clock) {
		this.clock = clock;
		this.oauth = new EmulatedOAuth(clock);
	}

	/** The OAuth server: guarded by its own lock. */
	EmulatedOAuth oauth() {
		return this.oauth;
	}

	Instant now() {
		return this.clock.instant();
	}

	synchronized EmulatedWebhook createWebhook(String url, List<String> events, boolean enabled) {
		Instant now = now();
		EmulatedWebhook webhook = new EmulatedWebhook(++this.lastWebhookId, UUID.randomUUID().toString(), newSecret(),
				url, events, enabled, now, now);
		this.webhooks.put(webhook.id(), webhook);
		this.deliveries.put(webhook.id(), new ArrayDeque<>());
		return webhook;
	}

	synchronized Optional<EmulatedWebhook> webhook(long id) {
		return Optional.ofNullable(this.webhooks.get(id));
	}

	synchronized List<EmulatedWebhook> webhooks() {
		return List.copyOf(this.webhooks.values());
	}

	/**
	 * Changes a subscription and stamps its {@code updated_at}.
	 * @return the subscription as changed, empty when there is none with that id
	 */
	synchronized Optional<EmulatedWebhook> updateWebhook(long id, UnaryOperator<EmulatedWebhook> change) {
		EmulatedWebhook webhook = this.webhooks.get(id);
		if (webhook == null) {
			return Optional.empty();
		}
		EmulatedWebhook changed = change.apply(webhook).withUpdatedAt(now());
		this.webhooks.put(id, changed);
		return Optional.of(changed);
	}

	synchronized boolean removeWebhook(long id) {
		this.deliveries.remove(id);
		return this.webhooks.remove(id) != null;
	}

	/**
	 * The delivery log, newest first; empty when there is no subscription with that id.
	 */
	synchronized Optional<List<JsonNode>> deliveries(long webhookId) {
		Deque<JsonNode> log = this.deliveries.get(webhookId);
		return (log != null) ? Optional.of(List.copyOf(log)) : Optional.empty();
	}

	synchronized void addDelivery(long webhookId, ObjectNode entry) {
		Deque<JsonNode> log = this.deliveries.get(webhookId);
		if (log != null) {
			log.addFirst(entry);
			while (log.size() > MAX_DELIVERIES) {
				log.removeLast();
			}
		}
	}

	synchronized void putEntity(String path, JsonNode entity) {
		this.entities.put(path, entity.deepCopy());
	}

	synchronized Optional<JsonNode> entity(String path) {
		JsonNode entity = this.entities.get(path);
		return (entity != null) ? Optional.of(entity.deepCopy()) : Optional.empty();
	}

	synchronized boolean removeEntity(String path) {
		return this.entities.remove(path) != null;
	}

	synchronized void logRequest(ApiRequest request) {
		this.requests.addLast(request);
		while (this.requests.size() > MAX_REQUESTS) {
			this.requests.removeFirst();
		}
	}

	synchronized List<ApiRequest> requests() {
		return List.copyOf(this.requests);
	}

	synchronized void clearRequests() {
		this.requests.clear();
	}

	synchronized void countEntityRead() {
		this.entityReads++;
	}

	synchronized long entityReads() {
		return this.entityReads;
	}

	synchronized void countUnauthorized() {
		this.unauthorized++;
	}

	synchronized long unauthorized() {
		return this.unauthorized;
	}

	synchronized void requireToken(String token) {
		this.token = token;
	}

	synchronized String token() {
		return this.token;
	}

	synchronized void failNext(int count, int status) {
		this.faultsLeft = count;
		this.faultStatus = status;
	}

	/**
	 * The status to fail this request with, if a fault is pending; uses it up.
	 */
	synchronized Optional<Integer> takeFault() {
		if (this.faultsLeft <= 0) {
			return Optional.empty();
		}
		this.faultsLeft--;
		return Optional.of(this.faultStatus);
	}

	synchronized void setLatency(Duration latency) {
		this.latency = latency;
	}

	synchronized Duration latency() {
		return this.latency;
	}

	/**
	 * Counts a request against the rate limit. Not enforced (the default): the headers
	 * say a limit of 200 with 199 left on every answer, as if each call were the window's
	 * first, and nothing is refused (use {@link #failNext} for 429s). The limit is off,
	 * and the headers say so to a client that paces itself by them: counting down a limit
	 * that is never enforced made the service pace tests, the demo and the enrichment
	 * benchmark to 200 calls a minute for nothing. Enforced: Laravel's fixed window, as
	 * Amiqus (a Laravel application) has it: the window opens at the first request after
	 * the previous one ended, and a request over the limit is refused, not counted.
	 * @return the headers' figures, and whether the request is refused
	 */
	synchronized RateLimitAnswer countRequest(Instant now) {
		if (this.enforcedLimit <= 0) {
			return new RateLimitAnswer(RATE_LIMIT, RATE_LIMIT - 1, null);
		}
		if (!now.isBefore(this.rateWindow)) {
			this.rateWindow = now.plus(this.enforcedWindow);
			this.rateUsed = 0;
		}
		if (this.rateUsed >= this.enforcedLimit) {
			this.rateLimited++;
			return new RateLimitAnswer(this.enforcedLimit, 0, this.rateWindow);
		}
		this.rateUsed++;
		return new RateLimitAnswer(this.enforcedLimit, this.enforcedLimit - this.rateUsed, null);
	}

	synchronized void enforceRateLimit(int limit, Duration window) {
		this.enforcedLimit = limit;
		this.enforcedWindow = window;
		this.rateWindow = Instant.EPOCH;
		this.rateUsed = 0;
	}

	synchronized long rateLimited() {
		return this.rateLimited;
	}

	/**
	 * @param limit {@code X-RateLimit-Limit}
	 * @param remaining {@code X-RateLimit-Remaining}
	 * @param refusedUntil when the window ends if the request is refused with 429, else
	 * null
	 */
	record RateLimitAnswer(int limit, int remaining, Instant refusedUntil) {

	}

	synchronized void reset() {
		this.webhooks.clear();
		this.deliveries.clear();
		this.entities.clear();
		this.requests.clear();
		this.entityReads = 0;
		this.unauthorized = 0;
		this.token = null;
		this.faultsLeft = 0;
		this.latency = Duration.ZERO;
		this.enforcedLimit = 0;
		this.rateLimited = 0;
		this.rateWindow = Instant.EPOCH;
		this.oauth.reset();
	}

	/**
	 * 40 random hex characters (Amiqus's secrets are hex too).
	 */
	private static String newSecret() {
		byte[] bytes = new byte[20];
		random.nextBytes(bytes);
		return HexFormat.of().formatHex(bytes);
	}

}
