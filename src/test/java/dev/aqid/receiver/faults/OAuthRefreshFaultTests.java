package dev.aqid.receiver.faults;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.aqid.receiver.emulator.AmiqusEmulator;
import dev.aqid.receiver.emulator.StandaloneEmulator;
import dev.aqid.receiver.support.FreePort;
import dev.aqid.receiver.support.WebhookClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code kill -9} of the service (own JVM, embedded PostgreSQL) while its OAuth refresh
 * is in flight: the emulator's token endpoint holds the request at the door, the service
 * is killed holding the advisory lock and its transaction, and the request is then let go
 * unprocessed, as one that never reached Amiqus. After a restart the service still has a
 * working token (the stored refresh token was never replaced by a pair it did not
 * commit), enriches again, and no refresh token was ever presented twice.
 */
class OAuthRefreshFaultTests {

	private static final String CLIENT_ID = "fault-client";

	private static final String CLIENT_SECRET = "fault-client-secret-" + UUID.randomUUID();

	private static final String KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

	@TempDir
	Path dataDir;

	private ReceiverProcesses receivers;

	@BeforeEach
	void prepare() {
		this.receivers = new ReceiverProcesses(this.dataDir);
	}

	@AfterEach
	void stopEverything() throws Exception {
		this.receivers.close();
	}

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void aKillDuringARefreshLeavesAWorkingTokenAndNoRefreshTokenIsSentTwice() throws Exception {
		int port = FreePort.find();
		int databasePort = FreePort.find();
		long firstRecordId = 9_000_000 + (System.nanoTime() % 1_000_000) * 100;
		try (AmiqusEmulator amiqus = StandaloneEmulator.start(0)) {
			amiqus.putRecordsAndClients(firstRecordId, 100);
			String refreshToken = amiqus.enableOAuth(CLIENT_ID, CLIENT_SECRET, Duration.ofSeconds(4), null);
			WebhookClient webhooks = new WebhookClient(port);
			AtomicInteger sent = new AtomicInteger();
			JdbcTemplate jdbc = new JdbcTemplate(new SimpleDriverDataSource(new org.postgresql.Driver(),
					"jdbc:postgresql://localhost:" + databasePort + "/postgres", "postgres", ""));

			Process instance = start(port, databasePort, amiqus, refreshToken);
			FaultDeliveries.awaitReady(port, Duration.ofSeconds(120));
			deliver(webhooks, firstRecordId, sent);
			await("the first event enriched with a refreshed token").atMost(Duration.ofSeconds(60))
				.until(() -> enriched(jdbc) == 1);
			assertThat(amiqus.tokenRefreshes()).isEqualTo(1);

			amiqus.holdTokenRequests();
			await("a refresh waiting at Amiqus's door").atMost(Duration.ofSeconds(90))
				.pollInterval(Duration.ofSeconds(1))
				.until(() -> {
					if (amiqus.tokenRequestsWaiting() == 0) {
						deliver(webhooks, firstRecordId, sent);
					}
					return amiqus.tokenRequestsWaiting() > 0;
				});
			assertThat(instance.destroyForcibly().waitFor(30, TimeUnit.SECONDS)).isTrue();
			amiqus.dropWaitingTokenRequests();
			amiqus.releaseTokenRequests();
			long refreshesBeforeRestart = amiqus.tokenRefreshes();

			start(port, databasePort, amiqus, refreshToken);
			FaultDeliveries.awaitReady(port, Duration.ofSeconds(120));
			deliver(webhooks, firstRecordId, sent);
			await("every event enriched after the restart").atMost(Duration.ofSeconds(120))
				.pollInterval(Duration.ofMillis(500))
				.until(() -> enriched(jdbc) == sent.get());

			assertThat(amiqus.tokenRefreshes()).as("the restarted instance refreshed with the stored token")
				.isGreaterThan(refreshesBeforeRestart);
			assertThat(amiqus.refreshTokenReuses()).as("refresh tokens presented twice").isZero();
			assertThat(jdbc.queryForObject("select refresh_token from amiqus_oauth_tokens", String.class))
				.startsWith("enc:v1:");
			System.out.printf("OAUTH_FAULT sent=%d enriched=%d token_requests=%d refreshes=%d reuses=%d 401s=%d%n",
					sent.get(), enriched(jdbc), amiqus.tokenRequests(), amiqus.tokenRefreshes(),
					amiqus.refreshTokenReuses(), amiqus.unauthorizedRequests());
		}
		for (Path log : this.receivers.logs()) {
			String text = FaultDeliveries.read(log);
			assertThat(text).as("secrets in " + log)
				.doesNotContain(CLIENT_SECRET)
				.doesNotContain(FaultDeliveries.BODY_MARKER)
				.doesNotContainPattern("\\b(at|rt)_[0-9a-f]{48}\\b");
		}
	}

	private static void deliver(WebhookClient webhooks, long firstRecordId, AtomicInteger sent) {
		int index = sent.get();
		WebhookClient.Answer answer = webhooks.deliver(FaultDeliveries.recordUpdated(firstRecordId, index),
				UUID.randomUUID().toString());
		assertThat(answer.status()).isEqualTo(202);
		sent.incrementAndGet();
	}

	private static long enriched(JdbcTemplate jdbc) {
		Long count = jdbc.queryForObject("select count(*) from events where enrichment_status = 'enriched'",
				Long.class);
		return (count != null) ? count : 0;
	}

	private Process start(int port, int databasePort, AmiqusEmulator amiqus, String refreshToken) throws IOException {
		// Environment variables, as an operator sets them.
		return this.receivers.start(port, databasePort, List.of("--amiqus.api.url=" + amiqus.baseUrl()),
				Map.of("AMIQUS_OAUTH_CLIENT_ID", CLIENT_ID, "AMIQUS_OAUTH_CLIENT_SECRET", CLIENT_SECRET,
						"AMIQUS_OAUTH_REFRESH_TOKEN", refreshToken, "AMIQUS_OAUTH_TOKEN_URL", amiqus.tokenUrl(),
						"RECEIVER_ENCRYPTION_KEY", KEY, "AMIQUS_ENRICHMENT_LEASE", "10s"));
	}

}
