package dev.aqid.receiver.enrichment;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Fetches under way in this instance, one per object. A worker that needs an object whose
 * fetch another worker started after the worker's newest event arrived waits for that
 * fetch instead of making its own: it reflects the event already.
 */
class InFlightFetches {

	private final ConcurrentMap<Target.Key, Flight> flights = new ConcurrentHashMap<>();

	private final Clock clock;

	InFlightFetches(Clock clock) {
		this.clock = clock;
	}

	FetchOutcome fetchOnce(Target.Key key, Instant newestEvent, Supplier<FetchOutcome> fetch) {
		while (true) {
			Flight current = this.flights.get(key);
			if (current != null && !current.startedAt().isBefore(newestEvent)) {
				return current.outcome().join();
			}
			Flight mine = new Flight(this.clock.instant(), new CompletableFuture<>());
			boolean claimed = (current == null) ? this.flights.putIfAbsent(key, mine) == null
					: this.flights.replace(key, current, mine);
			if (claimed) {
				try {
					FetchOutcome outcome = fetch.get();
					mine.outcome().complete(outcome);
					return outcome;
				}
				catch (RuntimeException ex) {
					mine.outcome().completeExceptionally(ex);
					throw ex;
				}
				finally {
					this.flights.remove(key, mine);
				}
			}
		}
	}

	private record Flight(Instant startedAt, CompletableFuture<FetchOutcome> outcome) {

	}

}
