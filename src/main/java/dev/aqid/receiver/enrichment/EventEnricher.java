package dev.aqid.receiver.enrichment;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import jakarta.annotation.PreDestroy;

import dev.aqid.receiver.ingest.EnrichmentQueue;
import dev.aqid.receiver.ingest.ClaimedEvent;
import dev.aqid.receiver.amiqus.AmiqusApiException;
import dev.aqid.receiver.amiqus.AmiqusForbidden;
import dev.aqid.receiver.amiqus.AmiqusNotFound;
import dev.aqid.receiver.amiqus.AmiqusRateLimited;
import dev.aqid.receiver.amiqus.AmiqusUnauthorized;
import dev.aqid.receiver.amiqus.AmiqusValidationFailed;
import dev.aqid.receiver.system.EventTracing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

/**
 * One worker round: claim due events, fetch each object they refer to at most once, store
 * the snapshots, and settle every claimed event.
 * <p>
 * The coalescing rule: an event needs a fetch only when its object's snapshot was fetched
 * before the event arrived (or never). A snapshot fetched after an event was received
 * already reflects it, so a burst of events for one object costs one or two fetches. A
 * replayed event counts as arriving when it was replayed: the replay fetches again.
 */
@Component
class EventEnricher {

	private static final Logger log = LoggerFactory.getLogger(EventEnricher.class);

	private static final int MAX_ERROR_LENGTH = 500;

	private final EnrichmentQueue queue;

	private final Snapshots snapshots;

	private final EnrichmentPlanner planner;

	private final AmiqusFetcher fetcher;

	private final EnrichmentPause pause;

	private final EnrichmentMetrics metrics;

	private final EnrichmentProperties properties;

	private final Clock clock;

	private final AtomicBoolean authFailing = new AtomicBoolean();

	private final InFlightFetches inFlight;

	/** Threads that make the fetches, shared by every worker of this instance. */
	private final ThreadPoolExecutor fetchers;

	private final EventTracing tracing;

	private final SnapshotRedaction redaction;

	private final ClientErasure erasure;

	EventEnricher(EnrichmentQueue queue, Snapshots snapshots, EnrichmentPlanner planner, AmiqusFetcher fetcher,
			EnrichmentPause pause, EnrichmentMetrics metrics, EnrichmentProperties properties, Clock clock,
			EventTracing tracing, SnapshotRedaction redaction, ClientErasure erasure) {
		this.tracing = tracing;
		this.redaction = redaction;
		this.erasure = erasure;
		this.queue = queue;
		this.snapshots = snapshots;
		this.planner = planner;
		this.fetcher = fetcher;
		this.pause = pause;
		this.metrics = metrics;
		this.properties = properties;
		this.clock = clock;
		this.inFlight = new InFlightFetches(clock);
		this.fetchers = new ThreadPoolExecutor(properties.fetchConcurrency(), properties.fetchConcurrency(), 30,
				TimeUnit.SECONDS, new LinkedBlockingQueue<>(), new CustomizableThreadFactory("enrichment-fetch-"));
		this.fetchers.allowCoreThreadTimeOut(true);
	}

	@PreDestroy
	void shutDown() {
		this.fetchers.shutdownNow();
	}

	/** Whether the last answer Amiqus gave to a fetch was 401 or 403. */
	boolean authFailing() {
		return this.authFailing.get();
	}

	/**
	 * Enriches one batch of due events under the given lease owner.
	 * @param owner the lease owner
	 * @param keepGoing asked before each fetch: false (shutting down) gives the rest of
	 * the batch back at once
	 * @return how many events were claimed (0: nothing was due)
	 */
	int enrichBatch(String owner, BooleanSupplier keepGoing) {
		Instant claimedAt = this.clock.instant();
		List<ClaimedEvent> claimed = this.queue.claim(owner, claimSize(), this.properties.lease(),
				this.properties.settleDelay());
		if (claimed.isEmpty()) {
			return 0;
		}
		Map<ClaimedEvent, List<Target>> toFetch = new LinkedHashMap<>();
		for (ClaimedEvent event : claimed) {
			EnrichmentPlan plan = this.planner.plan(event);
			if (plan instanceof EnrichmentPlan.Fetch fetch) {
				toFetch.put(event, fetch.targets());
			}
			else {
				settleWithoutFetch(event, plan, owner);
			}
		}
		if (!toFetch.isEmpty()) {
			settle(toFetch, fetchStale(toFetch, claimedAt, keepGoing), owner);
		}
		return claimed.size();
	}

	/**
	 * A batch, but no more events than this worker's share of the rate limit can fetch
	 * before it would hand them back (half the lease): under a backlog the rest stay
	 * queued, where fresh events overtake them, instead of going round in leases.
	 */
	private int claimSize() {
		int share = this.fetcher.turnsWithin(this.properties.lease().dividedBy(2)) / this.properties.workers();
		return Math.max(1, Math.min(this.properties.batchSize(), share));
	}

	private void settleWithoutFetch(ClaimedEvent event, EnrichmentPlan plan, String owner) {
		String reason;
		if (plan instanceof EnrichmentPlan.ForgetClient forget) {
			int removed = this.snapshots.forgetClient(forget.clientId());
			log.info("Client {} was deleted at Amiqus: removed {} snapshot(s) holding its data", forget.clientId(),
					removed);
			reason = "client deleted at Amiqus: its snapshots were removed";
		}
		else if (plan instanceof EnrichmentPlan.EraseClient erase) {
			ClientErasure.Erased erased = this.erasure.eraseOnDeletionReminder(erase.clientId(), event.id());
			reason = "client erased on its deletion reminder: " + erased.snapshots() + " snapshot(s), "
					+ erased.events() + " event(s) deleted";
		}
		else if (plan instanceof EnrichmentPlan.ForgetForm forget) {
			this.snapshots.forgetForm(forget.reference());
			reason = "form deleted at Amiqus: its snapshot was removed";
		}
		else {
			reason = ((EnrichmentPlan.Skip) plan).reason();
		}
		this.queue.markSkipped(event.id(), owner, reason);
		this.metrics.events("skipped", 1);
	}

	/**
	 * Fetches every object that some claimed event needs fresher than its snapshot. Stops
	 * fetching when the worker is stopping or half the lease has gone (slow answers), and
	 * gives the remaining events back, uncharged, before another worker could take them
	 * over.
	 */
	private Map<Target.Key, FetchOutcome> fetchStale(Map<ClaimedEvent, List<Target>> toFetch, Instant claimedAt,
			BooleanSupplier keepGoing) {
		Instant handBackAt = claimedAt.plus(this.properties.lease().dividedBy(2));
		Map<Target.Key, Target> targets = new LinkedHashMap<>();
		Map<Target.Key, ClaimedEvent> newestEvent = new HashMap<>();
		toFetch.forEach((event, eventTargets) -> eventTargets.forEach((target) -> {
			targets.putIfAbsent(target.key(), target);
			newestEvent.merge(target.key(), event, (a, b) -> a.freshAfter().isAfter(b.freshAfter()) ? a : b);
		}));
		Map<Target.Key, Instant> fetchedAt = this.snapshots.fetchedAt(targets.keySet());
		Map<Target.Key, FetchOutcome> outcomes = new ConcurrentHashMap<>();
		List<CompletableFuture<Void>> fetches = new ArrayList<>();
		for (Target target : targets.values()) {
			Instant fetched = fetchedAt.get(target.key());
			ClaimedEvent newest = newestEvent.get(target.key());
			if (fetched != null && !fetched.isBefore(newest.freshAfter())) {
				outcomes.put(target.key(), FetchOutcome.FRESH);
				continue;
			}
			// Concurrently, up to fetch-concurrency for the whole instance; the rate
			// limit's pacing spaces the calls themselves.
			fetches.add(CompletableFuture.runAsync(() -> {
				if (!keepGoing.getAsBoolean() || this.clock.instant().isAfter(handBackAt)) {
					outcomes.put(target.key(), FetchOutcome.deferred(this.clock.instant(), null));
					return;
				}
				// With tracing on, the fetch continues the newest event's trace.
				outcomes.put(target.key(), this.inFlight.fetchOnce(target.key(), newest.freshAfter(),
						() -> this.tracing.continuing("enrich " + target.kind().column(), newest.traceParent(),
								Map.of("event.id", Long.toString(newest.id()), "amiqus.object", target.kind().column()),
								(propagation) -> fetch(target, handBackAt))));
			}, this.fetchers));
		}
		// All of them end before the round goes on; the first that threw (the database
		// while storing, say) fails the round as it did when the worker fetched itself.
		RuntimeException thrown = null;
		for (CompletableFuture<Void> fetch : fetches) {
			try {
				fetch.join();
			}
			catch (CompletionException ex) {
				if (thrown == null) {
					thrown = (ex.getCause() instanceof RuntimeException cause) ? cause : ex;
				}
			}
		}
		if (thrown != null) {
			throw thrown;
		}
		return outcomes;
	}

	private FetchOutcome fetch(Target target, Instant handBackAt) {
		if (this.pause.active()) {
			return FetchOutcome.deferred(this.pause.until(), this.pause.reason());
		}
		try {
			// Paced to the rate limit: a turn after the hand-back time hands the event
			// back.
			if (!this.fetcher.awaitTurn(handBackAt)) {
				return FetchOutcome.deferred(this.clock.instant(), null);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return FetchOutcome.deferred(this.clock.instant(), null);
		}
		if (this.pause.active()) {
			// A 429 came while this fetch waited for its turn.
			return FetchOutcome.deferred(this.pause.until(), this.pause.reason());
		}
		Instant started = this.clock.instant();
		try {
			// Redacted before it is stored: what is dropped never reaches the database.
			String json = this.redaction.apply(target.kind(), this.fetcher.fetch(target)).toString();
			this.snapshots.store(target, json, started);
			this.metrics.fetch(target.kind(), "ok");
			if (this.authFailing.compareAndSet(true, false)) {
				log.info("The Amiqus API accepts our token again; enrichment resumes");
			}
			return FetchOutcome.FRESH;
		}
		catch (AmiqusRateLimited ex) {
			this.metrics.fetch(target.kind(), "rate_limited");
			Instant until = this.pause.pauseFor(ex.retryAfter(), "rate limited by Amiqus (429)");
			log.warn("Amiqus rate limit reached: all enrichment workers pause until {}", until);
			return FetchOutcome.deferred(until, "rate limited by Amiqus (429)");
		}
		catch (AmiqusNotFound ex) {
			this.metrics.fetch(target.kind(), "not_found");
			return FetchOutcome.gone(target.kind().column() + " " + target.entityId() + " not found at Amiqus");
		}
		catch (AmiqusUnauthorized | AmiqusForbidden ex) {
			this.metrics.fetch(target.kind(), "denied");
			if (target.kind() == SnapshotKind.CASE) {
				// Cases can be disabled for a team: that is not an outage.
				return FetchOutcome.gone("case " + target.entityId() + " not readable (" + ex.status() + "): "
						+ "cases may be disabled for this team");
			}
			return authFailure(ex);
		}
		catch (AmiqusValidationFailed ex) {
			this.metrics.fetch(target.kind(), "rejected");
			return FetchOutcome.failed(describe(ex), true);
		}
		catch (AmiqusApiException ex) {
			this.metrics.fetch(target.kind(), "error");
			return FetchOutcome.failed(describe(ex), false);
		}
	}

	private FetchOutcome authFailure(AmiqusApiException ex) {
		String reason = "Amiqus refused our token (" + ex.status() + ")";
		Instant until = this.pause.pauseFor(this.properties.authFailurePause(), reason);
		if (this.authFailing.compareAndSet(false, true)) {
			log.error(
					"{}: enrichment pauses until {} and retries then. Check AMIQUS_API_TOKEN (or the OAuth client) and its scopes.",
					reason, until);
		}
		return FetchOutcome.deferred(until, reason);
	}

	private void settle(Map<ClaimedEvent, List<Target>> toFetch, Map<Target.Key, FetchOutcome> outcomes, String owner) {
		List<Long> enriched = new ArrayList<>();
		toFetch.forEach((event, targets) -> {
			FetchOutcome outcome = worst(targets.stream().map((target) -> outcomes.get(target.key())).toList());
			switch (outcome.kind()) {
				case FRESH -> enriched.add(event.id());
				case DEFERRED -> {
					this.queue.release(List.of(event.id()), owner, outcome.reason(), outcome.notBefore());
					this.metrics.events("deferred", 1);
				}
				case GONE -> {
					this.queue.markSkipped(event.id(), owner, outcome.reason());
					this.metrics.events("skipped", 1);
				}
				case FAILED -> retryOrFail(event, owner, outcome);
			}
		});
		List<Instant> receivedAt = this.queue.markEnriched(enriched, owner);
		this.metrics.enriched(receivedAt, this.clock.instant());
	}

	private void retryOrFail(ClaimedEvent event, String owner, FetchOutcome outcome) {
		int attempt = event.attempts() + 1;
		if (outcome.permanent() || attempt >= this.properties.maxAttempts()) {
			this.queue.markFailed(event.id(), owner, outcome.reason());
			this.metrics.events("failed", 1);
			log.warn("Enrichment of event {} failed after {} attempt(s): {}", event.id(), attempt, outcome.reason());
			return;
		}
		Duration delay = backoff(attempt);
		this.queue.scheduleRetry(event.id(), owner, outcome.reason(), delay);
		this.metrics.events("retry", 1);
		log.debug("Enrichment of event {} failed (attempt {}), retrying in {}: {}", event.id(), attempt, delay,
				outcome.reason());
	}

	/**
	 * Exponential backoff with jitter: between half and all of min * 2^(attempt-1),
	 * capped.
	 */
	Duration backoff(int attempt) {
		long min = this.properties.backoffMin().toMillis();
		long max = this.properties.backoffMax().toMillis();
		long ceiling = (attempt >= 31) ? max : Math.min(max, min << Math.max(0, attempt - 1));
		long half = ceiling / 2;
		return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
	}

	private static FetchOutcome worst(List<FetchOutcome> outcomes) {
		FetchOutcome worst = FetchOutcome.FRESH;
		for (FetchOutcome outcome : outcomes) {
			if (outcome.kind().ordinal() > worst.kind().ordinal()) {
				worst = outcome;
			}
		}
		return worst;
	}

	private static String describe(AmiqusApiException ex) {
		String message = ex.getClass().getSimpleName() + ((ex.status() > 0) ? " (" + ex.status() + ")" : "") + ": "
				+ ex.errorMessage();
		return (message.length() > MAX_ERROR_LENGTH) ? message.substring(0, MAX_ERROR_LENGTH) : message;
	}

}
