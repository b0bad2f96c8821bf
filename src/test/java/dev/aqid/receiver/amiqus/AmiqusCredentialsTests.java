package dev.aqid.receiver.amiqus;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Which credential settings start the service, and what a personal access token says of
 * its expiry.
 */
class AmiqusCredentialsTests {

	private static AmiqusApiProperties api(String token) {
		return new AmiqusApiProperties(URI.create("http://amiqus.test/api/v2"), token, Duration.ofSeconds(1),
				Duration.ofSeconds(1));
	}

	private static AmiqusOAuthProperties oauth(String id, String secret, String refreshToken) {
		return new AmiqusOAuthProperties(id, secret, refreshToken, null, null, null);
	}

	@Test
	void refusesATokenAndAnOAuthClientTogether() {
		assertThatIllegalStateException()
			.isThrownBy(() -> AmiqusCredentials.check(api("pat-123"), oauth("client", "secret-x", "rt-y")))
			.withMessageContaining("Both AMIQUS_API_TOKEN and AMIQUS_OAUTH_* are set")
			.withMessageNotContaining("pat-123")
			.withMessageNotContaining("secret-x");
	}

	@Test
	void refusesHalfAnOAuthClientNamingWhatIsMissing() {
		assertThatIllegalStateException()
			.isThrownBy(() -> AmiqusCredentials.check(api(null), oauth("client", null, "rt")))
			.withMessageContaining("Incomplete Amiqus OAuth client: AMIQUS_OAUTH_CLIENT_SECRET must be set");
		assertThatIllegalStateException().isThrownBy(() -> AmiqusCredentials.check(api(null), oauth(null, null, "rt")))
			.withMessageContaining("AMIQUS_OAUTH_CLIENT_ID and AMIQUS_OAUTH_CLIENT_SECRET must be set");
	}

	@Test
	void acceptsEitherATokenOrACompleteClientOrNothing() {
		assertThatNoException().isThrownBy(() -> AmiqusCredentials.check(api("pat"), oauth(null, null, null)));
		assertThatNoException().isThrownBy(() -> AmiqusCredentials.check(api(null), oauth("id", "secret", "rt")));
		assertThatNoException().isThrownBy(() -> AmiqusCredentials.check(api(" "), oauth(null, "", null)));
	}

	@Test
	void readsTheExpiryOfAJwtAndNothingFromOtherTokens() {
		String payload = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString("{\"aud\":\"1\",\"exp\":1893456000}".getBytes(StandardCharsets.UTF_8));

		assertThat(AmiqusCredentials.jwtExpiry("eyJ0eXAiOiJKV1QifQ." + payload + ".sig"))
			.isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
		assertThat(AmiqusCredentials.jwtExpiry("plain-personal-token")).isNull();
		assertThat(AmiqusCredentials.jwtExpiry("a.b!.c")).isNull();
	}

}
