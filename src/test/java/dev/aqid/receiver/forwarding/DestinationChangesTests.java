package dev.aqid.receiver.forwarding;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.aqid.receiver.support.ApiClient;
import dev.aqid.receiver.support.RunningReceiver;
import dev.aqid.receiver.support.WebhookClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.jdbc.core.JdbcTemplate;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Destinations change between runs of the service: one added later is backfilled through
 * a replay, and one removed is neither worked on nor counted, its rows kept.
 */
class DestinationChangesTests {

	static final String SECRET = StandardWebhooksSignatureTests.SECRET;

	@TempDir
	Path dataDir;

	final WireMockServer amiqus = new WireMockServer(options().dynamicPort());

	final TestDestination destination = new TestDestination();

	@AfterEach
	void stop() {
		this.amiqus.stop();
		this.destination.close();
	}

	@Test
	void aDestinationAddedLaterIsBackfilledByAReplayAndARemovedOneIsLeftAlone() {
		this.amiqus.start();
		long clientEvent;
		long recordEvent;
		// First run: only "gone", an endpoint that refuses connections, so its deliveries
		// stay pending.
		try (RunningReceiver first = RunningReceiver.onDataDir(this.dataDir,
				properties("gone", "http://127.0.0.1:9/nowhere", "*"))) {
			clientEvent = deliver(first, "client.updated", "{\"client\":{\"id\":" + uniqueId() + "}}");
			recordEvent = deliver(first, "record.updated",
					"{\"record\":{\"id\":" + uniqueId() + ",\"type\":\"client\"},\"case\":null}");
			JdbcTemplate jdbc = first.context().getBean(JdbcTemplate.class);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> count(jdbc, "select count(*) from outbox where destination = 'gone'") == 2);
		}

		// Second run: "gone" is removed and "late", for client events, is added.
		try (RunningReceiver second = RunningReceiver.onDataDir(this.dataDir,
				properties("late", this.destination.url("/late"), "client.*"))) {
			ApiClient api = ApiClient.withKey(second.port());
			JsonNode listed = api.get("/api/destinations").json();
			assertThat(listed).hasSize(1);
			assertThat(listed.get(0).path("name").asString()).isEqualTo("late");
			assertThat(listed.get(0).path("pending").asLong()).as("nothing of gone's counted").isZero();
			assertThat(listed.get(0).path("delivered").asLong()).isZero();

			ApiClient.Response onlyFailed = api
				.post(ApiClient.query("/api/destinations/late/replay", "alias", "*", "status", "failed"));
			assertThat(onlyFailed.json().path("queued").asLong()).as("status=failed backfills nothing").isZero();

			ApiClient.Response replay = api.post(ApiClient.query("/api/destinations/late/replay", "alias", "*"));
			assertThat(replay.status()).isEqualTo(202);
			assertThat(replay.json().path("queued").asLong()).as("the client event; late takes no record events")
				.isEqualTo(1);
			String id = DeliveryAttempts.webhookId(clientEvent, "late");
			await().atMost(Duration.ofSeconds(30))
				.until(() -> this.destination.requests(id).stream().anyMatch(TestDestination.Request::delivered));
			assertThat(this.destination.requests(DeliveryAttempts.webhookId(recordEvent, "late"))).isEmpty();
			assertThat(this.destination.requests(id).get(0).signedWith(SECRET)).isTrue();

			ApiClient.Response again = api.post(ApiClient.query("/api/destinations/late/replay", "alias", "*"));
			assertThat(again.json().path("queued").asLong()).as("a second replay requeues, adds nothing").isEqualTo(1);

			JdbcTemplate jdbc = second.context().getBean(JdbcTemplate.class);
			assertThat(count(jdbc, "select count(*) from outbox where destination = 'gone' and status = 'pending'"))
				.as("the removed destination's rows, kept untouched")
				.isEqualTo(2);
		}
	}

	private String[] properties(String name, String url, String events) {
		return List
			.of("amiqus.api.url=" + this.amiqus.baseUrl() + "/api/v2", "amiqus.api.token=test-token",
					"receiver.api.keys=" + ApiClient.KEY, "amiqus.enrichment.poll-interval=50ms",
					"amiqus.enrichment.settle-delay=50ms", "receiver.forwarding.poll-interval=50ms",
					"receiver.destinations[0].name=" + name, "receiver.destinations[0].url=" + url,
					"receiver.destinations[0].events=" + events, "receiver.destinations[0].secret=" + SECRET)
			.toArray(String[]::new);
	}

	private static long count(JdbcTemplate jdbc, String sql) {
		Long count = jdbc.queryForObject(sql, Long.class);
		return (count != null) ? count : 0;
	}

	private static long deliver(RunningReceiver receiver, String alias, String data) {
		String body = "{\"webhook\":{\"uuid\":\"" + UUID.randomUUID() + "\"},\"trigger\":{\"alias\":\"" + alias
				+ "\",\"triggered_at\":\"2024-05-07T12:30:45Z\"},\"data\":" + data + "}";
		WebhookClient.Answer answer = receiver.client().deliver(body, UUID.randomUUID().toString());
		assertThat(answer.status()).isEqualTo(202);
		return Long.parseLong(answer.eventId());
	}

	private static long uniqueId() {
		return System.nanoTime() % 1_000_000_000L;
	}

}
