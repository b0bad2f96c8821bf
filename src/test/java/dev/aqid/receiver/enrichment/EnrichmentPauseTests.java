package dev.aqid.receiver.enrichment;

import java.time.Duration;

import dev.aqid.receiver.support.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The instance-wide pause after a 429 or a refused token, on a clock the test advances.
 */
class EnrichmentPauseTests {

	private final MutableClock clock = MutableClock.standing();

	private final EnrichmentPause pause = new EnrichmentPause(this.clock);

	@Test
	void isNotActiveBeforeAnythingPausedIt() {
		assertThat(this.pause.active()).isFalse();
		assertThat(this.pause.remaining()).isZero();
		assertThat(this.pause.reason()).isNull();
	}

	@Test
	void holdsUntilRetryAfterHasPassed() {
		this.pause.pauseFor(Duration.ofSeconds(2), "rate limited by Amiqus (429)");

		this.clock.advance(Duration.ofMillis(1999));
		assertThat(this.pause.active()).isTrue();
		assertThat(this.pause.remaining()).isEqualTo(Duration.ofMillis(1));
		assertThat(this.pause.reason()).isEqualTo("rate limited by Amiqus (429)");

		this.clock.advance(Duration.ofMillis(1));
		assertThat(this.pause.active()).isFalse();
		assertThat(this.pause.reason()).isNull();
	}

	@Test
	void neverShortensAPauseAlreadyUnderWay() {
		this.pause.pauseFor(Duration.ofMinutes(5), "Amiqus refused our token (401)");

		this.pause.pauseFor(Duration.ofSeconds(1), "rate limited by Amiqus (429)");

		assertThat(this.pause.until()).isEqualTo(this.clock.instant().plus(Duration.ofMinutes(5)));
		this.clock.advance(Duration.ofSeconds(2));
		assertThat(this.pause.active()).isTrue();
	}

	@Test
	void extendsAPauseWhenALongerOneComes() {
		this.pause.pauseFor(Duration.ofSeconds(1), "rate limited by Amiqus (429)");

		this.pause.pauseFor(Duration.ofSeconds(30), "rate limited by Amiqus (429)");

		this.clock.advance(Duration.ofSeconds(29));
		assertThat(this.pause.active()).isTrue();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.pause.active()).isFalse();
	}

}
