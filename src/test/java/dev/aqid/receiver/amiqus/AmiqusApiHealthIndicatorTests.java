package dev.aqid.receiver.amiqus;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

import dev.aqid.receiver.support.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
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

	private final AmiqusApiProperties properties = new AmiqusApiProperties(URI.create("http://amiqus.test/api/v2"),
			"a-token", Duration.ofSeconds(1), Duration.ofSeconds(1));

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final TokenExpiry expiry = new TokenExpiry(this.registry, this.clock,
			new AmiqusOAuthProperties(null, null, null, null, null, null));

	private final AmiqusApiHealthIndicator health = new AmiqusApiHealthIndicator(this.amiqus, this.properties,
			AmiqusCredentials.personal(this.properties), this.expiry, this.clock);

	@Test
	void warnsOfAPersonalAccessTokenNearItsExpiry() {
		Instant exp = this.clock.instant().plus(Duration.ofDays(12)).truncatedTo(ChronoUnit.SECONDS);
		String jwt = "eyJhbGciOiJSUzI1NiJ9." + Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(("{\"sub\":\"7\",\"exp\":" + exp.getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8))
				+ ".c2lnbmF0dXJl";
		this.expiry.known(TokenExpiry.PERSONAL_ACCESS, AmiqusCredentials.jwtExpiry(jwt));

		Health health = this.health.health();

		assertThat(health.getStatus()).isEqualTo(AmiqusApiHealthIndicator.TOKEN_EXPIRING);
		assertThat(health.getDetails()).containsEntry("warning", "the personal access token expires at " + exp);
		assertThat(this.registry.get("receiver.amiqus.token.expiry").tag("token", "personal_access").gauge().value())
			.isEqualTo(Duration.ofDays(12).toSeconds(), org.assertj.core.api.Assertions.within(1.0));
	}

	@Test
	void saysNothingOfAnExpiryItCannotKnow() {
		this.expiry.known(TokenExpiry.PERSONAL_ACCESS, AmiqusCredentials.jwtExpiry("not-a-jwt-personal-token"));
		this.expiry.known(TokenExpiry.REFRESH, this.clock.instant().plus(Duration.ofDays(31)));

		assertThat(this.health.health().getDetails()).doesNotContainKey("warning");
		assertThat(this.registry.find("receiver.amiqus.token.expiry").tag("token", "personal_access").gauge()).isNull();
	}

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
