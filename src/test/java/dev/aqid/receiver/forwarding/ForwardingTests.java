package dev.aqid.receiver.forwarding;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.aqid.receiver.ingest.EnrichmentStatus;
import dev.aqid.receiver.ingest.EventSettled;
import dev.aqid.receiver.support.ApiClient;
import dev.aqid.receiver.support.WebhookClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Forwarding through the whole service: deliveries go in through the webhook endpoint,
 * enrichment settles them against a WireMock Amiqus stand-in (unknown objects answer 404,
 * so those events settle as skipped), and the forwarded events arrive at a real HTTP
 * destination that checks their signatures.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "receiver.data-dir=target/test-db/forwarding-${random.uuid}",
				"amiqus.webhook.secrets=" + WebhookClient.SECRET, "amiqus.api.token=test-token",
				"receiver.api.keys=" + ApiClient.KEY, "amiqus.api.read-timeout=2s",
				"amiqus.enrichment.poll-interval=50ms", "amiqus.enrichment.settle-delay=50ms",
				"receiver.forwarding.poll-interval=50ms", "receiver.forwarding.backoff-min=100ms",
				"receiver.forwarding.backoff-max=300ms", "receiver.forwarding.read-timeout=2s",
				"receiver.forwarding.circuit.open-for=300ms" })
class ForwardingTests {

	static final String SECRET = StandardWebhooksSignatureTests.SECRET;

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final WireMockServer amiqus = new WireMockServer(options().dynamicPort());

	static final TestDestination destination = new TestDestination();

	static {
		amiqus.start();
	}

	@DynamicPropertySource
	static void endpoints(DynamicPropertyRegistry registry) {
		registry.add("amiqus.api.url", () -> amiqus.baseUrl() + "/api/v2");
		// All of a list's elements from one property source: Spring Boot binds a list
		// from
		// the first source that has it.
		registry.add("receiver.destinations[0].url", () -> destination.url("/all"));
		registry.add("receiver.destinations[0].name", () -> "all");
		registry.add("receiver.destinations[0].secret", () -> SECRET);
		registry.add("receiver.destinations[0].max-attempts", () -> 3);
		registry.add("receiver.destinations[1].url", () -> destination.url("/records"));
		registry.add("receiver.destinations[1].name", () -> "records");
		registry.add("receiver.destinations[1].events", () -> "record.*");
		registry.add("receiver.destinations[1].secret", () -> SECRET);
		registry.add("receiver.destinations[1].max-attempts", () -> 5);
	}

	@AfterAll
	static void stop() {
		amiqus.stop();
		destination.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	TransactionTemplate transactions;

	@Autowired
	ApplicationEventPublisher publisher;

	WebhookClient webhooks;

	ApiClient api;

	@BeforeEach
	void setUp() {
		this.webhooks = new WebhookClient(this.port);
		this.api = ApiClient.withKey(this.port);
	}

	@Test
	void forwardsASettledEventWithItsSnapshotsSignedPerStandardWebhooks() {
		long client = uniqueId();
		amiqus.stubFor(get(urlPathEqualTo("/api/v2/clients/" + client))
			.willReturn(okJson("{\"object\":\"client\",\"id\":" + client + ",\"status\":\"active\"}")));

		long event = deliver("client.updated", "{\"client\":{\"id\":" + client + "}}");

		TestDestination.Request request = awaitDelivered("all", event);
		assertThat(request.path()).isEqualTo("/all");
		assertThat(request.signedWith(SECRET)).as("signature verifies").isTrue();
		assertThat(Long.parseLong(request.timestamp())).isCloseTo(Instant.now().getEpochSecond(),
				org.assertj.core.data.Offset.offset(60L));
		JsonNode body = JSON.readTree(request.body());
		assertThat(body.path("type").asString()).isEqualTo("client.updated");
		assertThat(body.path("timestamp").asString()).isEqualTo("2024-05-07T12:30:45Z");
		JsonNode forwarded = body.path("data").path("event");
		JsonNode shown = this.api.get("/api/events/" + event).json();
		assertThat(forwarded.path("event_id").asString()).isEqualTo(Long.toString(event));
		assertThat(forwarded.path("enrichment").path("status").asString()).isEqualTo("enriched");
		assertThat(forwarded.path("payload")).isEqualTo(shown.path("payload"));
		JsonNode snapshot = body.path("data").path("snapshots").path("client");
		assertThat(snapshot.path("id").asString()).isEqualTo(Long.toString(client));
		assertThat(snapshot.path("data").path("status").asString()).isEqualTo("active");
		assertThat(snapshot).isEqualTo(this.api.get("/api/clients/" + client).json());
	}

	@Test
	void aDestinationFilterLeavesOtherAliasesOut() {
		long client = uniqueId();
		long record = uniqueId();
		long clientEvent = deliver("client.updated", "{\"client\":{\"id\":" + client + "}}");
		long recordEvent = deliver("record.updated", recordData(record, client));

		awaitDelivered("records", recordEvent);
		awaitDelivered("all", clientEvent);
		awaitDelivered("all", recordEvent);
		assertThat(destination.requests(DeliveryAttempts.webhookId(clientEvent, "records"))).isEmpty();
		assertThat(outboxStatus(clientEvent, "records")).isNull();
	}

	@Test
	void retriesUntilTheDestinationRecovers() {
		long client = uniqueId();
		AtomicInteger calls = new AtomicInteger();
		destination.answer(about("/all", client), (request) -> (calls.incrementAndGet() <= 2) ? 503 : 200);
		long event = deliver("client.updated", "{\"client\":{\"id\":" + client + "}}");
		String id = DeliveryAttempts.webhookId(event, "all");

		awaitDelivered("all", event);
		List<TestDestination.Request> attempts = destination.requests(id);
		assertThat(attempts).extracting(TestDestination.Request::status).containsExactly(503, 503, 200);
		assertThat(attempts).allMatch((attempt) -> attempt.signedWith(SECRET));
		// The destination has answered; the outbox row is marked a moment later.
		await().atMost(Duration.ofSeconds(20)).until(() -> "delivered".equals(outboxStatus(event, "all")));
	}

	@Test
	void keepsTheOrderPerRecordWhileAnEarlierEventIsRetried() {
		long record = uniqueId();
		long client = uniqueId();
		AtomicInteger calls = new AtomicInteger();
		// The first event fails twice (backoff 100-300 ms each) before it is delivered.
		destination.answer(
				about("/records", record).and((request) -> request.body().contains("\"type\":\"record.created\"")),
				(request) -> (calls.incrementAndGet() <= 2) ? 500 : 200);
		long[] events = new long[3];
		events[0] = deliver("record.created", recordData(record, client));
		events[1] = deliver("record.updated", recordData(record, client));
		events[2] = deliver("record.updated", recordData(record, client));

		for (long event : events) {
			awaitDelivered("records", event);
		}
		List<String> order = destination.requests()
			.stream()
			.filter((request) -> request.path().equals("/records") && request.delivered())
			.map(TestDestination.Request::id)
			.filter((id) -> id.equals(DeliveryAttempts.webhookId(events[0], "records"))
					|| id.equals(DeliveryAttempts.webhookId(events[1], "records"))
					|| id.equals(DeliveryAttempts.webhookId(events[2], "records")))
			.toList();
		assertThat(order).containsExactly(DeliveryAttempts.webhookId(events[0], "records"),
				DeliveryAttempts.webhookId(events[1], "records"), DeliveryAttempts.webhookId(events[2], "records"));
		// Nothing about the record went out before the first event's delivery.
		long firstDelivered = destination.requests(DeliveryAttempts.webhookId(events[0], "records"))
			.stream()
			.filter(TestDestination.Request::delivered)
			.findFirst()
			.orElseThrow()
			.receivedNanos();
		assertThat(destination.requests(DeliveryAttempts.webhookId(events[1], "records")))
			.allMatch((request) -> request.receivedNanos() > firstDelivered);
	}

	@Test
	void replaysFailedDeliveriesUnderTheSameWebhookId() {
		long client = uniqueId();
		AtomicBoolean down = new AtomicBoolean(true);
		destination.answer(about("/all", client), (request) -> down.get() ? 500 : 200);
		long event = deliver("client.updated", "{\"client\":{\"id\":" + client + "}}");
		String id = DeliveryAttempts.webhookId(event, "all");

		await().atMost(Duration.ofSeconds(20)).until(() -> "failed".equals(outboxStatus(event, "all")));
		assertThat(destination.requests(id)).hasSize(3);
		down.set(false);

		ApiClient.Response response = this.api
			.post(ApiClient.query("/api/destinations/all/replay", "status", "failed", "client_id", client));
		assertThat(response.status()).isEqualTo(202);
		assertThat(response.json().path("queued").asLong()).isEqualTo(1);
		awaitDelivered("all", event);
		assertThat(destination.requests(id)).hasSize(4);
	}

	@Test
	void anEventReplayedThroughEnrichmentIsForwardedAgain() {
		long event = deliver("client.updated", "{\"client\":{\"id\":" + uniqueId() + "}}");
		String id = DeliveryAttempts.webhookId(event, "all");
		awaitDelivered("all", event);

		assertThat(this.api.post("/api/events/" + event + "/replay").status()).isEqualTo(202);

		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(destination.requests(id)).filteredOn(TestDestination.Request::delivered)
				.hasSize(2));
	}

	@Test
	void listsDestinationsWithTheirCounts() {
		long event = deliver("record.updated", recordData(uniqueId(), uniqueId()));
		awaitDelivered("records", event);

		// The destination has answered; the outbox row is marked a moment later.
		await().atMost(Duration.ofSeconds(20)).until(() -> "delivered".equals(outboxStatus(event, "records")));

		ApiClient.Response response = this.api.get("/api/destinations");

		assertThat(response.status()).isEqualTo(200);
		JsonNode list = response.json();
		assertThat(list).hasSize(2);
		assertThat(list.get(0).path("name").asString()).isEqualTo("all");
		assertThat(list.get(0).path("url").asString()).isEqualTo(destination.url("/all"));
		assertThat(list.get(1).path("name").asString()).isEqualTo("records");
		assertThat(list.get(1).path("events").get(0).asString()).isEqualTo("record.*");
		assertThat(list.get(1).path("delivered").asLong()).isPositive();
		assertThat(list.get(1).has("pending")).isTrue();
		assertThat(list.get(1).has("failed")).isTrue();
		assertThat(list.get(1).has("last_error")).isTrue();
		assertThat(list.get(1).has("oldest_pending")).isTrue();
		assertThat(list.get(1).path("circuit").asString()).isEqualTo("closed");
		assertThat(list.get(0).toString()).doesNotContain(SECRET);
	}

	@Test
	void answersProblemsForAnUnknownDestinationAndBadFilters() {
		ApiClient.Response unknown = this.api.post("/api/destinations/nowhere/replay?alias=*");
		assertThat(unknown.status()).isEqualTo(404);
		assertThat(unknown.contentType()).startsWith("application/problem+json");
		assertThat(unknown.json().path("detail").asString()).contains("nowhere");

		ApiClient.Response noFilter = this.api.post("/api/destinations/all/replay");
		assertThat(noFilter.status()).isEqualTo(400);
		assertThat(noFilter.contentType()).startsWith("application/problem+json");

		ApiClient.Response badStatus = this.api.post("/api/destinations/all/replay?status=enriched");
		assertThat(badStatus.status()).isEqualTo(400);
		assertThat(badStatus.json().path("parameter").asString()).isEqualTo("status");

		assertThat(ApiClient.withAuthorization(this.port, null).get("/api/destinations").status()).isEqualTo(401);
	}

	@Test
	void outboxRowsCommitAndRollBackWithTheSettlement() {
		long rolledBack = uniqueId();
		this.transactions.executeWithoutResult((status) -> {
			this.publisher.publishEvent(settled(rolledBack));
			assertThat(outboxStatus(rolledBack, "all")).as("written inside the transaction").isEqualTo("pending");
			status.setRollbackOnly();
		});
		assertThat(outboxStatus(rolledBack, "all")).isNull();

		long committed = uniqueId();
		this.transactions.executeWithoutResult((status) -> this.publisher.publishEvent(settled(committed)));
		assertThat(outboxStatus(committed, "all")).isNotNull();
		assertThat(outboxStatus(committed, "records")).as("client.updated is not for records").isNull();
		// No such event is stored: the delivery fails at once rather than retrying.
		await().atMost(Duration.ofSeconds(20)).until(() -> "failed".equals(outboxStatus(committed, "all")));
	}

	/** Requests to this path whose body names this id. */
	private static Predicate<TestDestination.Request> about(String path, long id) {
		return (request) -> request.path().equals(path) && request.body().contains(Long.toString(id));
	}

	@Test
	void aDeadWorkersRowIsDeliveredOnceItsLeaseRunsOut() {
		long client = uniqueId();
		long event = deliver("client.updated", "{\"client\":{\"id\":" + client + "}}");
		String id = DeliveryAttempts.webhookId(event, "all");
		awaitDelivered("all", event);

		// The event settles again and a worker claims its row, then dies (kill -9): its
		// lease is all that is left of it.
		this.transactions.executeWithoutResult((status) -> {
			this.publisher.publishEvent(new EventSettled(event, "client.updated", null, client, null, Instant.now(),
					EnrichmentStatus.enriched));
			this.jdbc.update("update outbox set lease_owner = 'dead-worker', lease_until = now() + interval '1 second'"
					+ " where event_id = ? and destination = 'all'", event);
		});

		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(destination.requests(id)).filteredOn(TestDestination.Request::delivered)
				.hasSize(2));
		// The destination has answered; the outbox row is marked a moment later.
		await().atMost(Duration.ofSeconds(20)).until(() -> "delivered".equals(outboxStatus(event, "all")));
	}

	private static EventSettled settled(long eventId) {
		return new EventSettled(eventId, "client.updated", null, 42L, null, Instant.now(), EnrichmentStatus.enriched);
	}

	private TestDestination.Request awaitDelivered(String name, long event) {
		String id = DeliveryAttempts.webhookId(event, name);
		await().atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(25))
			.until(() -> destination.requests(id).stream().anyMatch(TestDestination.Request::delivered));
		return destination.requests(id).stream().filter(TestDestination.Request::delivered).findFirst().orElseThrow();
	}

	private String outboxStatus(long event, String name) {
		return this.jdbc
			.queryForList("select status from outbox where event_id = ? and destination = ?", String.class, event, name)
			.stream()
			.findFirst()
			.orElse(null);
	}

	private long deliver(String alias, String data) {
		return this.webhooks.newEvent(alias, data);
	}

	private static String recordData(long recordId, long clientId) {
		return "{\"record\":{\"id\":" + recordId + ",\"type\":\"client\"},\"client\":{\"id\":" + clientId
				+ "},\"case\":null}";
	}

	private static long uniqueId() {
		return ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000_000L);
	}

}
