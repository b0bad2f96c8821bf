package dev.aqid.receiver.amiqus;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.aqid.receiver.emulator.AmiqusEmulator;
import dev.aqid.receiver.emulator.StandaloneEmulator;
import dev.aqid.receiver.support.RunningReceiver;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The OAuth client against the project's emulator with access tokens that live three
 * seconds: calls keep working across expiries, a 401 refreshes and retries, two instances
 * on one database never send a refresh token twice, and the database holds the tokens
 * only encrypted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "receiver.data-dir=target/test-db/oauth-${random.uuid}",
				"amiqus.oauth.client-id=" + OAuthRefreshTests.CLIENT_ID,
				"amiqus.oauth.client-secret=" + OAuthRefreshTests.CLIENT_SECRET,
				"receiver.encryption.key=" + OAuthRefreshTests.KEY, "amiqus.enrichment.enabled=false",
				"amiqus.webhook.secrets=oauth-test-webhook-secret" })
class OAuthRefreshTests {

	static final String CLIENT_ID = "receiver-client";

	static final String CLIENT_SECRET = "client-secret-9f1c";

	static final String KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

	static final Duration ACCESS_LIFETIME = Duration.ofSeconds(3);

	static final AmiqusEmulator amiqus = StandaloneEmulator.start(0);

	static final String FIRST_REFRESH_TOKEN = amiqus.enableOAuth(CLIENT_ID, CLIENT_SECRET, ACCESS_LIFETIME,
			Duration.ofDays(20));

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("amiqus.api.url", amiqus::baseUrl);
		registry.add("amiqus.oauth.token-url", amiqus::tokenUrl);
		registry.add("amiqus.oauth.refresh-token", () -> FIRST_REFRESH_TOKEN);
	}

	@AfterAll
	static void stopEmulator() {
		amiqus.close();
	}

	@Autowired
	AmiqusClient client;

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	JdbcConnectionDetails database;

	@Autowired
	MeterRegistry registry;

	@Autowired
	AmiqusApiHealthIndicator health;

	@Test
	void callsKeepWorkingAcrossSeveralAccessTokenExpiries() {
		amiqus.putClient(81, "{\"object\":\"client\",\"id\":81}");
		long refreshesBefore = amiqus.tokenRefreshes();
		long unauthorizedBefore = amiqus.unauthorizedRequests();
		AtomicInteger calls = new AtomicInteger();

		await("three access tokens used up").atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> {
				assertThat(this.client.client(81).path("id").asLong()).isEqualTo(81);
				calls.incrementAndGet();
				return amiqus.tokenRefreshes() >= refreshesBefore + 3;
			});

		assertThat(calls.get()).isGreaterThan(3);
		assertThat(amiqus.unauthorizedRequests()).as("refreshed before expiry, never after a refusal")
			.isEqualTo(unauthorizedBefore);
		assertThat(amiqus.refreshTokenReuses()).isZero();
	}

	@Test
	void aRefusedAccessTokenIsRefreshedAndTheCallMadeAgain() {
		amiqus.putClient(82, "{\"object\":\"client\",\"id\":82}");
		this.client.client(82);
		long refreshesBefore = amiqus.tokenRefreshes();
		long unauthorizedBefore = amiqus.unauthorizedRequests();

		amiqus.revokeAccessTokens();

		assertThat(this.client.client(82).path("id").asLong()).isEqualTo(82);
		assertThat(amiqus.unauthorizedRequests()).isEqualTo(unauthorizedBefore + 1);
		assertThat(amiqus.tokenRefreshes()).isEqualTo(refreshesBefore + 1);
		assertThat(amiqus.refreshTokenReuses()).isZero();
	}

	@Test
	void twoInstancesOnOneDatabaseNeverSendARefreshTokenTwice() throws Exception {
		amiqus.putClient(83, "{\"object\":\"client\",\"id\":83}");
		List<String> properties = new ArrayList<>(RunningReceiver.onDatabaseOf(this.database));
		properties.addAll(List.of("amiqus.oauth.client-id=" + CLIENT_ID, "amiqus.oauth.client-secret=" + CLIENT_SECRET,
				"amiqus.oauth.refresh-token=" + FIRST_REFRESH_TOKEN, "amiqus.oauth.token-url=" + amiqus.tokenUrl(),
				"amiqus.api.url=" + amiqus.baseUrl(), "receiver.encryption.key=" + KEY,
				"amiqus.enrichment.enabled=false"));
		long refreshesBefore = amiqus.tokenRefreshes();
		ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
		AtomicInteger calls = new AtomicInteger();
		try (RunningReceiver other = RunningReceiver.start(properties)) {
			List<AmiqusClient> clients = List.of(this.client, other.context().getBean(AmiqusClient.class));
			ExecutorService threads = Executors.newFixedThreadPool(6);
			long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			List<Future<?>> running = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				AmiqusClient client = clients.get(i % 2);
				running.add(threads.submit(() -> {
					while (System.nanoTime() < until) {
						try {
							client.client(83);
							calls.incrementAndGet();
						}
						catch (RuntimeException ex) {
							failures.add(ex);
						}
					}
				}));
			}
			for (Future<?> thread : running) {
				thread.get(60, TimeUnit.SECONDS);
			}
			threads.shutdown();
		}

		assertThat(failures).as("calls that failed").isEmpty();
		assertThat(calls.get()).isGreaterThan(20);
		assertThat(amiqus.tokenRefreshes()).as("refreshes across three access token lifetimes")
			.isGreaterThanOrEqualTo(refreshesBefore + 2);
		assertThat(amiqus.refreshTokenReuses()).as("refresh tokens sent twice").isZero();
	}

	@Test
	void theDatabaseHoldsTheTokensOnlyEncrypted() {
		amiqus.putClient(84, "{\"object\":\"client\",\"id\":84}");
		this.client.client(84);

		Map<String, Object> row = this.jdbc.queryForMap("select access_token, refresh_token from amiqus_oauth_tokens");

		assertThat(row.values()).allSatisfy((
				value) -> assertThat((String) value).startsWith("enc:v1:").doesNotContain("at_").doesNotContain("rt_"));
		assertThat(row.get("refresh_token").toString()).doesNotContain(FIRST_REFRESH_TOKEN);
	}

	@Test
	void warnsOfARefreshTokenThatExpiresWithinThirtyDays() throws Exception {
		amiqus.putClient(85, "{\"object\":\"client\",\"id\":85}");
		this.client.client(85);

		assertThat(this.registry.get("receiver.amiqus.token.expiry").tag("token", "refresh").gauge().value())
			.isCloseTo(Duration.ofDays(20).toSeconds(), within(120.0));
		assertThat(this.registry.get("receiver.amiqus.token.expiry").tag("token", "access").gauge().value())
			.isLessThanOrEqualTo(ACCESS_LIFETIME.toSeconds());
		Health health = this.health.health();
		assertThat(health.getStatus()).isEqualTo(AmiqusApiHealthIndicator.TOKEN_EXPIRING);
		assertThat(health.getDetails().get("warning").toString()).contains("the refresh token expires at");
		assertThat(health.getDetails().toString()).doesNotContain(FIRST_REFRESH_TOKEN).doesNotContain(CLIENT_SECRET);
		// Seen from outside, without details: the component says so, the service stays
		// UP.
		HttpResponse<String> answer = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/actuator/health")).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.body()).endsWith("\"status\":\"UP\"}")
			.contains("\"amiqusApi\":{\"status\":\"TOKEN_EXPIRING\"}");
	}

}
