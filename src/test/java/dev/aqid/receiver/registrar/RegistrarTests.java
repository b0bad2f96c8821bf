package dev.aqid.receiver.registrar;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.aqid.receiver.amiqus.Webhook;
import dev.aqid.receiver.emulator.AmiqusEmulator;
import dev.aqid.receiver.emulator.StandaloneEmulator;
import dev.aqid.receiver.emulator.DeliveryResult;
import dev.aqid.receiver.support.FreePort;
import dev.aqid.receiver.support.RunningReceiver;
import dev.aqid.receiver.support.WebhookClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The registrar against the project's Amiqus emulator, a real HTTP stand-in that keeps
 * webhook state and a delivery log, and sends signed deliveries to this service. No
 * webhook secret is configured here: the service only knows what the registrar learns.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
		properties = { "receiver.data-dir=target/test-db/registrar-${random.uuid}", "amiqus.api.token=test-token",
				"amiqus.registrar.interval=1h", "amiqus.registrar.secret-grace-period=10m",
				"amiqus.enrichment.enabled=false", "receiver.api.keys=registrar-test-key" })
class RegistrarTests {

	static final AmiqusEmulator amiqus = StandaloneEmulator.start(0);

	/**
	 * A port fixed before the context starts (DEFINED_PORT), not RANDOM_PORT: the
	 * registrar subscribes {@link #OUR_URL} at Amiqus as it starts, and its properties
	 * are bound before a random port would be known.
	 */
	static final int PORT = FreePort.find();

	static final String OUR_URL = "http://127.0.0.1:" + PORT + "/webhooks/amiqus";

	/** Other teams' webhooks: loopback, on a port where nothing listens. */
	static final String FOREIGN_URL = "http://127.0.0.1:9/hooks/";

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("server.port", () -> PORT);
		registry.add("amiqus.api.url", amiqus::baseUrl);
		registry.add("amiqus.registrar.url", () -> OUR_URL);
	}

	@AfterAll
	static void stopEmulator() {
		amiqus.close();
	}

	@Autowired
	Registrar registrar;

	@Autowired
	LearnedWebhookSecrets secrets;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	JdbcConnectionDetails database;

	@Autowired
	ApplicationContext context;

	@BeforeEach
	void inSync() {
		this.registrar.reconcileAndBackfill();
		amiqus.clearRequests();
	}

	@Test
	void createsOurWebhookWhenAbsentAndLearnsItsSecret() {
		ours().forEach((webhook) -> amiqus.removeWebhook(webhook.id()));

		this.registrar.reconcileAndBackfill();

		List<Webhook> ours = ours();
		assertThat(ours).singleElement().satisfies((webhook) -> {
			assertThat(webhook.events()).containsExactly("*");
			assertThat(webhook.enabled()).isTrue();
			assertThat(this.secrets.secrets()).contains(webhook.secret());
		});
	}

	@Test
	void showsDesiredAndActualSubscriptionWithoutTheSecret() throws Exception {
		Webhook ours = ours().get(0);
		java.net.http.HttpResponse<String> view = java.net.http.HttpClient.newHttpClient()
			.send(java.net.http.HttpRequest
				.newBuilder(java.net.URI.create("http://127.0.0.1:" + PORT + "/api/subscription"))
				.header("Authorization", "Bearer registrar-test-key")
				.build(), java.net.http.HttpResponse.BodyHandlers.ofString());

		assertThat(view.statusCode()).isEqualTo(200);
		assertThat(view.body())
			.contains("\"in_sync\":true", "\"webhook_id\":" + ours.id(), "\"secret_known\":true",
					"\"this_instance_leads\":true", OUR_URL)
			.doesNotContain(ours.secret());
	}

	@Test
	void createsNoDuplicateWhenReconcilingAgainOrRestarting() {
		this.registrar.reconcileAndBackfill();
		this.registrar.stop();
		this.registrar.start();
		await().atMost(Duration.ofSeconds(10)).until(this.registrar::leads);
		this.registrar.reconcileAndBackfill();

		assertThat(ours()).hasSize(1);
	}

	@Test
	void findsOurWebhookOnALaterPage() {
		Webhook original = ours().get(0);
		amiqus.removeWebhook(original.id());
		List<Webhook> others = new java.util.ArrayList<>();
		for (int i = 0; i < 105; i++) {
			others.add(amiqus.addWebhook(FOREIGN_URL + i, List.of("client.*"), false));
		}
		Webhook onPageTwo = amiqus.addWebhook(OUR_URL, List.of("*"), true);
		try {
			this.registrar.reconcileAndBackfill();

			assertThat(ours()).extracting(Webhook::id).containsExactly(onPageTwo.id());
			assertThat(this.jdbc.queryForObject("select webhook_id from subscription", Long.class))
				.isEqualTo(onPageTwo.id());
		}
		finally {
			others.forEach((other) -> amiqus.removeWebhook(other.id()));
		}
	}

	@Test
	void reenablesOurWebhookAfterAmiqusDisabledIt() {
		Webhook webhook = ours().get(0);
		amiqus.disableWebhook(webhook.id());
		int before = this.jdbc.queryForObject("select reenabled_count from subscription", Integer.class);

		this.registrar.reconcileAndBackfill();

		assertThat(amiqus.webhook(webhook.id()).orElseThrow().enabled()).isTrue();
		assertThat(this.jdbc.queryForObject("select reenabled_count from subscription", Integer.class))
			.isEqualTo(before + 1);
	}

	@Test
	void restoresEventsSomeoneNarrowed() {
		Webhook webhook = ours().get(0);
		amiqus.setWebhookEvents(webhook.id(), List.of("client.created"));

		this.registrar.reconcileAndBackfill();

		assertThat(amiqus.webhook(webhook.id()).orElseThrow().events()).containsExactly("*");
	}

	@Test
	void leavesForeignWebhooksAlone() {
		Webhook foreign = amiqus.addWebhook(FOREIGN_URL + "other-team", List.of("record.*"), false);

		this.registrar.reconcileAndBackfill();

		Webhook after = amiqus.webhook(foreign.id()).orElseThrow();
		assertThat(after.enabled()).isFalse();
		assertThat(after.events()).containsExactly("record.*");
		assertThat(amiqus.requests()).noneMatch(
				(request) -> request.path().contains("/webhooks/" + foreign.id()) && !request.method().equals("GET"));
	}

	@Test
	void reportsButKeepsASecondWebhookForOurUrl() {
		Webhook second = amiqus.addWebhook(OUR_URL, List.of("*"), true);

		this.registrar.reconcileAndBackfill();

		assertThat(amiqus.webhook(second.id())).isPresent();
		assertThat(this.jdbc.queryForObject("select array_to_string(duplicates, ',') from subscription", String.class))
			.isEqualTo(Long.toString(second.id()));
		amiqus.removeWebhook(second.id());
	}

	@Test
	void verifiesDeliveriesSignedWithTheLearnedSecret() {
		List<DeliveryResult> results = amiqus.send("client.created", "{\"client\":{\"id\":11}}");

		assertThat(results).singleElement().satisfies((result) -> {
			assertThat(result.webhookId()).isEqualTo(ours().get(0).id());
			assertThat(result.status()).isEqualTo(202);
		});
	}

	@Test
	void picksUpTheNewSecretOfARecreatedWebhookAndKeepsTheOldOneForAWhile() {
		Webhook old = ours().get(0);
		amiqus.removeWebhook(old.id());

		this.registrar.reconcileAndBackfill();

		Webhook recreated = ours().get(0);
		assertThat(recreated.secret()).isNotEqualTo(old.secret());
		assertThat(amiqus.send("client.updated", "{\"client\":{\"id\":12}}"))
			.allSatisfy((result) -> assertThat(result.status()).isEqualTo(202));
		byte[] retried = "{\"trigger\":{\"alias\":\"client.updated\"},\"data\":{\"client\":{\"id\":13}}}"
			.getBytes(StandardCharsets.UTF_8);
		assertThat(new WebhookClient(PORT).post(retried,
				Map.of("X-AQID-Signature", WebhookClient.sign(old.secret(), retried), "X-AQID-Delivery-Id",
						UUID.randomUUID().toString()))
			.status()).as("a retry signed with the previous secret").isEqualTo(202);
	}

	@Test
	void backfillsAMissedDeliveryOnceAndOnlyOnce() {
		var webServer = ((WebServerApplicationContext) this.context).getWebServer();
		webServer.stop();
		List<DeliveryResult> missed;
		try {
			missed = amiqus.send("record.finished",
					"{\"record\":{\"id\":77,\"type\":\"client\"},\"client\":{\"id\":78},\"case\":null}");
		}
		finally {
			webServer.start();
		}
		String deliveryId = missed.get(0).deliveryId();
		assertThat(missed.get(0).status()).as("the service was down").isZero();

		this.registrar.reconcileAndBackfill();
		this.registrar.reconcileAndBackfill();

		assertThat(this.jdbc.queryForList("select source from events where delivery_id = ?", String.class, deliveryId))
			.containsExactly("backfill");
		assertThat(this.jdbc.queryForObject("select alias from events where delivery_id = ?", String.class, deliveryId))
			.isEqualTo("record.finished");

		byte[] liveCopy = "{\"late\":true}".getBytes(StandardCharsets.UTF_8);
		WebhookClient.Answer live = new WebhookClient(PORT).post(liveCopy, Map.of("X-AQID-Signature",
				WebhookClient.sign(ours().get(0).secret(), liveCopy), "X-AQID-Delivery-Id", deliveryId));
		assertThat(live.status()).isEqualTo(202);
		assertThat(live.duplicate()).as("the same delivery arriving live afterwards").isTrue();
		assertThat(this.jdbc.queryForObject("select count(*) from events where delivery_id = ?", Integer.class,
				deliveryId))
			.isEqualTo(1);
	}

	@Test
	void oneOfSeveralInstancesLeadsAndAnotherTakesOverWhenItStops() {
		assertThat(this.registrar.leads()).isTrue();
		List<String> standby = new ArrayList<>(RunningReceiver.onDatabaseOf(this.database));
		standby.addAll(List.of("amiqus.api.url=" + amiqus.baseUrl(), "amiqus.api.token=test-token",
				"amiqus.registrar.url=" + OUR_URL, "amiqus.enrichment.enabled=false"));
		try (RunningReceiver second = RunningReceiver.start(standby)) {
			Registrar secondRegistrar = second.context().getBean(Registrar.class);
			await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(8)).until(() -> !secondRegistrar.leads());

			this.registrar.stop();
			try {
				await().atMost(Duration.ofSeconds(20)).until(secondRegistrar::leads);
			}
			finally {
				this.registrar.start();
			}
			assertThat(this.registrar.leads()).isFalse();
		}
		await().atMost(Duration.ofSeconds(20)).until(this.registrar::leads);
		assertThat(ours()).hasSize(1);
	}

	private static List<Webhook> ours() {
		return amiqus.webhooks().stream().filter((webhook) -> OUR_URL.equals(webhook.url())).toList();
	}

}
