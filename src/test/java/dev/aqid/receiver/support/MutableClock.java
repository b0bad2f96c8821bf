package dev.aqid.receiver.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that stands still until a test advances it, so that tests about intervals,
 * pauses and windows let time pass without sleeping.
 */
public final class MutableClock extends Clock {

	private volatile Instant now;

	public MutableClock(Instant start) {
		this.now = start;
	}

	/** A clock standing at a fixed, arbitrary moment. */
	public static MutableClock standing() {
		return new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
	}

	/** Moves the clock forward by {@code duration}. */
	public synchronized void advance(Duration duration) {
		this.now = this.now.plus(duration);
	}

	@Override
	public Instant instant() {
		return this.now;
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("a MutableClock is always in UTC");
	}

}
