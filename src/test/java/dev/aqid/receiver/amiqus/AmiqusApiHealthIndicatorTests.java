package dev.aqid.receiver.amiqus;

import java.net.URI;
import java.time.Duration;

import dev.aqid.receiver.support.MutableClock;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;

/**
 * The health check asks Amiqus at most once a minute however often it is read, on a clock
 * the test advances.
 */
class AmiqusApiHealthIndicatorTests {

	private final MutableClock clock = MutableClock.standing();

	private final AmiqusClient amiqus = mock(AmiqusClient.class);

	private final AmiqusApiHealthIndicator health = new AmiqusApiHealthIndicator(this.amiqus,
			new AmiqusApiProperties(URI.create("http://amiqus.test/api/v2"), "a-token", Duration.ofSeconds(1),
					Duration.ofSeconds(1)),
			this.clock);

	@Test
	void asksAmiqusAtMostOnceAMinuteHoweverOftenItIsRead() {
		this.health.health();
		this.health.health();
		this.clock.advance(Duration.ofSeconds(59));
		this.health.health();

		then(this.amiqus).should(times(1)).status();

		this.clock.advance(Duration.ofSeconds(2));
		this.health.health();

		then(this.amiqus).should(times(2)).status();
	}

	@Test
	void showsARefusedTokenUntilTheNextCheckFindsItAccepted() {
		given(this.amiqus.status()).willThrow(new AmiqusUnauthorized("status", 401, "Unauthenticated."))
			.willReturn(null);

		assertThat(this.health.health().getStatus()).isEqualTo(AmiqusApiHealthIndicator.UNAUTHORIZED);
		this.clock.advance(Duration.ofSeconds(30));
		assertThat(this.health.health().getStatus()).isEqualTo(AmiqusApiHealthIndicator.UNAUTHORIZED);
		this.clock.advance(Duration.ofSeconds(31));
		assertThat(this.health.health().getStatus()).isEqualTo(Status.UP);
	}

}
