package dev.aqid.receiver.enrichment;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.stereotype.Component;

/**
 * When every worker of this instance must leave the Amiqus API alone: after a 429 until
 * its Retry-After has passed (the rate limit is shared by all our tokens and replicas),
 * and after a 401/403 for a long while.
 */
@Component
class EnrichmentPause {

	private final Clock clock;

	private final AtomicReference<Instant> until = new AtomicReference<>(Instant.EPOCH);

	private final AtomicReference<String> reason = new AtomicReference<>();

	EnrichmentPause(Clock clock) {
		this.clock = clock;
	}

	/** Extends the pause to {@code now + duration}; never shortens it. */
	Instant pauseFor(Duration duration, String why) {
		Instant end = this.clock.instant().plus(duration);
		Instant result = this.until.accumulateAndGet(end, (current, next) -> next.isAfter(current) ? next : current);
		this.reason.set(why);
		return result;
	}

	Duration remaining() {
		Duration left = Duration.between(this.clock.instant(), this.until.get());
		return left.isNegative() ? Duration.ZERO : left;
	}

	boolean active() {
		return !remaining().isZero();
	}

	Instant until() {
		return this.until.get();
	}

	String reason() {
		return active() ? this.reason.get() : null;
	}

}
