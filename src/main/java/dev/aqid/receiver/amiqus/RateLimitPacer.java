package dev.aqid.receiver.amiqus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spreads this instance's Amiqus calls over the rate-limit window so that a backlog
 * drains at the limit without a {@code 429}.
 * <p>
 * Amiqus (a Laravel application) counts calls per user and team in a fixed window that
 * opens at the first call after the previous window ended. Every answer says the limit
 * and what is left ({@code X-RateLimit-Limit}, {@code -Remaining}); only a {@code 429}
 * says when the window ends ({@code X-RateLimit-Reset}). So the pacer estimates the end:
 * a window is taken to open when the answer that shows {@code Remaining} going up (or the
 * first answer seen) arrives, and to last {@code window}. The window opened while that
 * call was under way, so the estimate is never earlier than the truth, and later by at
 * most one call's time: the pacer may spend a window's budget a little slowly, never too
 * fast. (Taking the call's start instead was early by a cold first call's second or two,
 * and the call after the estimated end got a {@code 429}.)
 * <p>
 * Each replica spends what is left, less a {@code reserve} and its own calls in flight,
 * evenly over the time left in the window. {@code Remaining} already counts every other
 * replica's calls, so replicas that all pace this way slow each other down and never
 * overspend together: with {@code n} of them, what is left decays as
 * {@code ((end - t) / (end - t0))^n} and reaches the reserve at the window's end. The
 * first half of a window's budget goes without spacing: it costs nothing, keeps a small
 * burst fast, and a window's end is where the estimate matters.
 * <p>
 * Thread-safe; one lock, held briefly.
 */
final class RateLimitPacer {

	private static final Logger log = LoggerFactory.getLogger(RateLimitPacer.class);

	private final Clock clock;

	private final Duration window;

	private final int reserve;

	private final Duration slack;

	// Guarded by this.

	private int limit = -1;

	private int remaining;

	private Instant windowEnd = Instant.EPOCH;

	private int inFlight;

	private int granted;

	private Instant nextTurn = Instant.EPOCH;

	private boolean engaged;

	private boolean waitedThisWindow;

	private long waits;

	RateLimitPacer(Clock clock, Duration window, int reserve, Duration slack) {
		this.clock = clock;
		this.window = window;
		this.reserve = reserve;
		this.slack = slack;
	}

	/**
	 * Waits for this instance's next turn to call Amiqus.
	 * @param deadline the latest start worth waiting for
	 * @return true when it is the caller's turn (it should call at once), false (without
	 * waiting) when the turn would come after the deadline
	 * @throws InterruptedException when interrupted while waiting
	 */
	synchronized boolean awaitTurn(Instant deadline) throws InterruptedException {
		boolean waited = false;
		while (true) {
			Instant now = this.clock.instant();
			Instant turn = turnAt(now);
			if (!turn.isAfter(now)) {
				this.granted++;
				return true;
			}
			if (turn.isAfter(deadline)) {
				return false;
			}
			if (!waited) {
				waited = true;
				this.waits++;
				this.waitedThisWindow = true;
				engage(now, turn);
			}
			// Woken early by any answer: it may change the picture.
			wait(Math.max(1, Duration.between(now, turn).toMillis()));
		}
	}

	/**
	 * When the next call may start, as things stand; reserves that turn when it is now.
	 */
	private Instant turnAt(Instant now) {
		if (this.limit < 0) {
			return now;
		}
		int budget = this.remaining - this.inFlight - this.granted - this.reserve;
		if (budget <= 0) {
			// Spent: wait for the window's end, then one call at a time to find out.
			Instant reopens = this.windowEnd.plus(this.slack);
			return (now.isBefore(reopens) || this.inFlight + this.granted > 0) ? later(reopens, now) : now;
		}
		if (!now.isBefore(this.windowEnd) || budget > this.limit / 2) {
			return now;
		}
		Duration spacing = Duration.between(now, this.windowEnd).dividedBy(budget);
		Instant turn = this.nextTurn.isAfter(now) ? this.nextTurn : now;
		if (!turn.isAfter(now)) {
			this.nextTurn = now.plus(spacing);
		}
		return turn;
	}

	private Instant later(Instant reopens, Instant now) {
		// With a call still out, its answer says more than the clock: look again soon.
		return reopens.isAfter(now) ? reopens : now.plusMillis(50);
	}

	private void engage(Instant now, Instant turn) {
		if (!this.engaged) {
			this.engaged = true;
			log.info(
					"Pacing Amiqus calls: {} of {} left in the window until about {}, {} in flight; next call in {} ms",
					this.remaining, this.limit, this.windowEnd, this.inFlight, Duration.between(now, turn).toMillis());
		}
	}

	/** A call is being sent (paced or not). */
	synchronized void started() {
		this.inFlight++;
		if (this.granted > 0) {
			this.granted--;
		}
	}

	/**
	 * A call ended.
	 * @param seen the rate-limit headers it brought, null if none (or no answer)
	 */
	synchronized void finished(RateLimitStatus seen) {
		this.inFlight = Math.max(0, this.inFlight - 1);
		if (seen != null && seen.limit() != null && seen.remaining() != null) {
			observe(seen.limit(), seen.remaining(), seen.reset());
		}
		else if (seen != null && seen.reset() != null) {
			this.windowEnd = seen.reset();
			this.remaining = 0;
		}
		notifyAll();
	}

	private void observe(int limit, int remaining, Instant reset) {
		Instant now = this.clock.instant();
		boolean first = this.limit < 0;
		this.limit = limit;
		if (reset != null) {
			this.windowEnd = reset;
			this.remaining = remaining;
		}
		else if (first || remaining > this.remaining + jump(limit)
				|| (!now.isBefore(this.windowEnd) && remaining >= this.remaining)) {
			// A new window (or the first seen): it opened by the time this answer came.
			this.windowEnd = now.plus(this.window);
			this.remaining = remaining;
			log.debug("Amiqus rate-limit window renewed: {} of {} calls left", remaining, limit);
			if (this.engaged && !this.waitedThisWindow) {
				this.engaged = false;
				log.info("Pacing of Amiqus calls released: a whole window passed without waiting");
			}
			this.waitedThisWindow = false;
		}
		else {
			// Answers arrive out of order: the lowest figure of a window is the latest.
			this.remaining = Math.min(this.remaining, remaining);
		}
	}

	/** How far Remaining may rise within a window from answers arriving out of order. */
	private static int jump(int limit) {
		return Math.max(2, limit / 10);
	}

	/**
	 * Calls allowed per second from now to the window's end, as things stand; NaN before
	 * the first rate-limit headers.
	 */
	synchronized double pace() {
		if (this.limit < 0) {
			return Double.NaN;
		}
		Instant now = this.clock.instant();
		int budget = Math.max(0, this.remaining - this.inFlight - this.granted - this.reserve);
		double seconds = Math.max(0.001, Duration.between(now, this.windowEnd).toMillis() / 1000.0);
		return now.isBefore(this.windowEnd) ? budget / seconds : this.limit / (double) this.window.toSeconds();
	}

	/**
	 * About how many calls this instance may start within {@code period}, as things
	 * stand: for sizing work to the budget.
	 */
	synchronized int turnsWithin(Duration period) {
		if (this.limit < 0) {
			return Integer.MAX_VALUE;
		}
		double pace = pace();
		return (int) Math.max(1, Math.min(Integer.MAX_VALUE, pace * period.toMillis() / 1000.0));
	}

	/** How many times a caller had to wait for its turn. */
	synchronized long waits() {
		return this.waits;
	}

}
