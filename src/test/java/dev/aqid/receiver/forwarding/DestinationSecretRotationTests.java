package dev.aqid.receiver.forwarding;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.aqid.receiver.support.RunningReceiver;
import dev.aqid.receiver.support.WebhookClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rotating a destination's secret, end to end: while the old and the new secret are both
 * configured (space-separated), a consumer that knows either one verifies every delivery;
 * once the service is restarted with only the new one, a consumer still on the old one
 * rejects the deliveries and one on the new one accepts them.
 */
class DestinationSecretRotationTests {

	static final String OLD = StandardWebhooksSignatureTests.SECRET;

	static final String NEW = "whsec_" + Base64.getEncoder()
		.encodeToString("a new key of thirty-two bytes!!!".getBytes(StandardCharsets.US_ASCII));

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
	void aConsumerVerifiesWithEitherSecretDuringRotationAndOnlyWithTheNewOneAfterIt() {
		this.amiqus.start();
		TestDestination.Request during;
		try (RunningReceiver rotating = RunningReceiver.onDataDir(this.dataDir, properties(OLD + " " + NEW))) {
			during = awaitDelivered(deliver(rotating));
		}
		assertThat(during.signature().split(" ")).as("one signature per secret").hasSize(2);
		assertThat(during.signedWith(OLD)).as("a consumer on the old secret").isTrue();
		assertThat(during.signedWith(NEW)).as("a consumer on the new secret").isTrue();

		TestDestination.Request after;
		try (RunningReceiver rotated = RunningReceiver.onDataDir(this.dataDir, properties(NEW))) {
			after = awaitDelivered(deliver(rotated));
		}
		assertThat(after.signature().split(" ")).hasSize(1);
		assertThat(after.signedWith(NEW)).as("a consumer on the new secret").isTrue();
		assertThat(after.signedWith(OLD)).as("a consumer still on the old secret").isFalse();
	}

	private String[] properties(String secret) {
		List<String> properties = new ArrayList<>(List.of("amiqus.api.url=" + this.amiqus.baseUrl() + "/api/v2",
				"amiqus.api.token=test-token", "amiqus.enrichment.poll-interval=50ms",
				"amiqus.enrichment.settle-delay=50ms", "receiver.forwarding.poll-interval=50ms",
				"receiver.destinations[0].name=rotating", "receiver.destinations[0].url=" + this.destination.url("/in"),
				"receiver.destinations[0].secret=" + secret));
		return properties.toArray(String[]::new);
	}

	private static long deliver(RunningReceiver receiver) {
		String body = "{\"webhook\":{\"uuid\":\"" + UUID.randomUUID()
				+ "\"},\"trigger\":{\"alias\":\"client.updated\",\"triggered_at\":\"2024-05-07T12:30:45Z\"},"
				+ "\"data\":{\"client\":{\"id\":" + System.nanoTime() % 1_000_000_000L + "}}}";
		WebhookClient.Answer answer = receiver.client().deliver(body, UUID.randomUUID().toString());
		assertThat(answer.status()).isEqualTo(202);
		return Long.parseLong(answer.eventId());
	}

	private TestDestination.Request awaitDelivered(long event) {
		String id = DeliveryAttempts.webhookId(event, "rotating");
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(25))
			.until(() -> this.destination.requests(id).stream().anyMatch(TestDestination.Request::delivered));
		return this.destination.requests(id).get(0);
	}

}
