package dev.aqid.receiver.amiqus;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import dev.aqid.receiver.emulator.AmiqusEmulator;
import dev.aqid.receiver.emulator.StandaloneEmulator;
import dev.aqid.receiver.support.RunningReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The unlucky crash window: Amiqus issued a new pair but the service never stored it, so
 * the stored refresh token is spent. The service sends it once, is refused, never sends
 * it again and says what to do; a new {@code AMIQUS_OAUTH_REFRESH_TOKEN} brings it back.
 */
class OAuthRecoveryTests {

	static final AmiqusEmulator amiqus = StandaloneEmulator.start(0);

	@TempDir
	Path dataDir;

	@AfterAll
	static void stopEmulator() {
		amiqus.close();
	}

	@Test
	void aSpentRefreshTokenIsSentOnceAndANewOneFromTheEnvironmentReplacesIt() throws Exception {
		String spent = amiqus.enableOAuth("recovery-client", "recovery-secret", Duration.ofMinutes(10), null);
		amiqus.putClient(91, "{\"object\":\"client\",\"id\":91}");
		String[] common = { "amiqus.api.url=" + amiqus.baseUrl(), "amiqus.oauth.token-url=" + amiqus.tokenUrl(),
				"amiqus.oauth.client-id=recovery-client", "amiqus.oauth.client-secret=recovery-secret",
				"amiqus.enrichment.enabled=false" };

		try (RunningReceiver first = RunningReceiver.onDataDir(this.dataDir,
				with(common, "amiqus.oauth.refresh-token=" + spent))) {
			// Amiqus issues a pair for it that never reaches the service (it "crashed").
			HttpResponse<String> lost = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create(amiqus.tokenUrl()))
					.header("Content-Type", "application/x-www-form-urlencoded")
					.POST(HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&refresh_token=" + spent
							+ "&client_id=recovery-client&client_secret=recovery-secret"))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(lost.statusCode()).isEqualTo(200);
			AmiqusClient client = first.context().getBean(AmiqusClient.class);
			long requestsBefore = amiqus.tokenRequests();

			assertThatThrownBy(() -> client.client(91)).isInstanceOf(AmiqusUnauthorized.class);
			assertThatThrownBy(() -> client.client(91)).isInstanceOf(AmiqusUnauthorized.class);

			assertThat(amiqus.tokenRequests()).as("the refused token is sent once").isEqualTo(requestsBefore + 1);
			assertThat(first.context()
				.getBean(AmiqusApiHealthIndicator.class)
				.health()
				.getDetails()
				.get("oauthRefresh")
				.toString()).contains("set AMIQUS_OAUTH_REFRESH_TOKEN to the new refresh token");
		}

		String granted = amiqus.grantRefreshToken();
		try (RunningReceiver second = RunningReceiver.onDataDir(this.dataDir,
				with(common, "amiqus.oauth.refresh-token=" + granted))) {
			assertThat(second.context().getBean(AmiqusClient.class).client(91).path("id").asLong()).isEqualTo(91);
		}
	}

	@Test
	void aWrongClientSecretLeavesTheRefreshTokenUsableOnceTheSecretIsFixed() throws Exception {
		String refreshToken = amiqus.enableOAuth("typo-client", "right-secret", Duration.ofMinutes(10), null);
		amiqus.putClient(92, "{\"object\":\"client\",\"id\":92}");
		String[] common = { "amiqus.api.url=" + amiqus.baseUrl(), "amiqus.oauth.token-url=" + amiqus.tokenUrl(),
				"amiqus.oauth.client-id=typo-client", "amiqus.oauth.refresh-token=" + refreshToken,
				"amiqus.enrichment.enabled=false" };

		try (RunningReceiver typo = RunningReceiver.onDataDir(this.dataDir,
				with(common, "amiqus.oauth.client-secret=wrong-secret"))) {
			AmiqusClient client = typo.context().getBean(AmiqusClient.class);
			assertThatThrownBy(() -> client.client(92)).isInstanceOf(AmiqusUnauthorized.class);
			assertThat(typo.context().getBean(AmiqusApiHealthIndicator.class).health().getDetails())
				.doesNotContainKey("oauthRefresh");
		}

		try (RunningReceiver fixed = RunningReceiver.onDataDir(this.dataDir,
				with(common, "amiqus.oauth.client-secret=right-secret"))) {
			assertThat(fixed.context().getBean(AmiqusClient.class).client(92).path("id").asLong()).isEqualTo(92);
		}
	}

	private static String[] with(String[] common, String extra) {
		String[] all = java.util.Arrays.copyOf(common, common.length + 1);
		all[common.length] = extra;
		return all;
	}

}
