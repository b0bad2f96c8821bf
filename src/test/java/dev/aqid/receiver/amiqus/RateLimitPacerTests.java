package dev.aqid.receiver.amiqus;

import java.time.Duration;
import java.time.Instant;

import dev.aqid.receiver.support.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pacer's arithmetic, with a clock the test moves: a turn "now" is asked with the
 * deadline now, so nothing ever waits.
 */
class RateLimitPacerTests {

	private static final Duration WINDOW = Duration.ofSeconds(60);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T12:00:00Z"));

	private final RateLimitPacer pacer = new RateLimitPacer(this.clock, WINDOW, 2, Duration.ofSeconds(1));

	@Test
	void callsFreelyBeforeAnyRateLimitHeader() {
		assertThat(turnNow()).isTrue();
		assertThat(turnNow()).isTrue();
		assertThat(this.pacer.pace()).isNaN();
	}

	@Test
	void spendsTheFirstHalfOfAWindowWithoutSpacing() {
		call(new RateLimitStatus(100, 99, null));

		for (int i = 0; i < 40; i++) {
			assertThat(turnNow()).as("call %d", i).isTrue();
			call(new RateLimitStatus(100, 98 - i, null));
		}
	}

	@Test
	void spacesTheRestEvenlyUntilTheWindowEnds() {
		call(new RateLimitStatus(100, 99, null));
		call(new RateLimitStatus(100, 32, null));
		// 30 calls to spend (32 less the reserve of 2) over the 60 s left: one every 2 s.

		assertThat(turnNow()).isTrue();
		assertThat(turnNow()).isFalse();
		this.clock.advance(Duration.ofMillis(1900));
		assertThat(turnNow()).isFalse();
		this.clock.advance(Duration.ofMillis(200));
		assertThat(turnNow()).isTrue();
		assertThat(this.pacer.pace()).isBetween(0.4, 0.6);
	}

	@Test
	void waitsForTheWindowsEndWhenItsBudgetIsSpentThenProbesOneCallAtATime() {
		call(new RateLimitStatus(100, 99, null));
		call(new RateLimitStatus(100, 2, null));

		assertThat(turnNow()).isFalse();
		this.clock.advance(WINDOW);
		assertThat(turnNow()).as("within the slack").isFalse();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(turnNow()).as("the probe").isTrue();
		assertThat(turnNow()).as("a second call while the probe is out").isFalse();

		call(new RateLimitStatus(100, 99, null));

		assertThat(turnNow()).as("a new window").isTrue();
	}

	@Test
	void takesTheWindowsEndFromA429() {
		call(new RateLimitStatus(100, 99, null));
		call(new RateLimitStatus(100, 0, this.clock.instant().plusSeconds(5)));

		assertThat(turnNow()).isFalse();
		this.clock.advance(Duration.ofSeconds(6));
		assertThat(turnNow()).isTrue();
	}

	@Test
	void answersArrivingOutOfOrderDoNotOpenANewWindow() {
		call(new RateLimitStatus(100, 99, null));
		call(new RateLimitStatus(100, 10, null));
		call(new RateLimitStatus(100, 12, null));

		assertThat(this.pacer.turnsWithin(WINDOW)).as("8 calls left to spend, not 10").isBetween(7, 8);
	}

	private boolean turnNow() {
		try {
			return this.pacer.awaitTurn(this.clock.instant());
		}
		catch (InterruptedException ex) {
			throw new AssertionError(ex);
		}
	}

	private void call(RateLimitStatus answer) {
		this.pacer.started();
		this.pacer.finished(answer);
	}

}
