package dev.aqid.receiver.enrichment;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.aqid.receiver.ingest.ClaimedEvent;
import dev.aqid.receiver.ingest.EnrichmentQueue;
import dev.aqid.receiver.support.ApiClient;
import dev.aqid.receiver.support.RunningReceiver;
import dev.aqid.receiver.support.WebhookClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Background enrichment against a real HTTP stand-in for the Amiqus API (WireMock) and
 * the real PostgreSQL: events go in through the webhook endpoint, snapshots come out.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "receiver.data-dir=target/test-db/enrichment-${random.uuid}",
				"amiqus.webhook.secrets=" + WebhookClient.SECRET, "amiqus.api.token=test-token",
				"receiver.api.keys=" + ApiClient.KEY, "amiqus.api.read-timeout=500ms",
				"amiqus.enrichment.poll-interval=50ms", "amiqus.enrichment.backoff-min=100ms",
				"amiqus.enrichment.backoff-max=400ms", "amiqus.enrichment.max-attempts=3",
				"amiqus.enrichment.settle-delay=300ms", "amiqus.enrichment.auth-failure-pause=1s" })
class EnrichmentTests {

	static final WireMockServer amiqus = new WireMockServer(options().dynamicPort());

	static {
		amiqus.start();
	}

	@DynamicPropertySource
	static void amiqusApi(DynamicPropertyRegistry registry) {
		registry.add("amiqus.api.url", () -> amiqus.baseUrl() + "/api/v2");
	}

	@AfterAll
	static void stopAmiqus() {
		amiqus.stop();
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	Snapshots snapshots;

	@Autowired
	EnrichmentQueue queue;

	@Autowired
	JdbcConnectionDetails database;

	@Autowired
	EnrichmentWorkers workers;

	@Autowired
	EventEnricher enricher;

	WebhookClient webhooks;

	ApiClient api;

	@BeforeEach
	void setUp() {
		amiqus.resetAll();
		this.webhooks = new WebhookClient(this.port);
		this.api = ApiClient.withKey(this.port);
	}

	@Test
	void fetchesTheClientOfAClientEventWithTheToken() {
		stub("/clients/101", "{\"object\":\"client\",\"id\":101,\"status\":\"active\"}");

		long event = deliver("client.updated", "{\"client\":{\"id\":101}}");

		awaitStatus(event, "enriched");
		assertThat(snapshotData("client", "101")).contains("\"status\": \"active\"");
		amiqus.verify(1, getRequestedFor(urlPathEqualTo("/api/v2/clients/101")).withHeader("Authorization",
				equalTo("Bearer test-token")));
		// Tracing is off without an OTLP endpoint: no trace is sent to Amiqus.
		amiqus.verify(1, getRequestedFor(urlPathEqualTo("/api/v2/clients/101")).withoutHeader("traceparent"));
	}

	@Test
	void fetchesTheRecordAndOnceFinishedItsSteps() {
		stub("/records/201", "{\"object\":\"record\",\"id\":201,\"status\":\"complete\"}");
		stub("/records/201/steps", page("[{\"object\":\"step\",\"id\":1}]"));

		long updated = deliver("record.updated", recordData(201, 202));
		awaitStatus(updated, "enriched");
		long finished = deliver("record.finished", recordData(201, 202));
		awaitStatus(finished, "enriched");

		amiqus
			.verify(getRequestedFor(urlPathEqualTo("/api/v2/records/201")).withQueryParam("expand", equalTo("client")));
		amiqus.verify(1, getRequestedFor(urlPathEqualTo("/api/v2/records/201/steps")));
		assertThat(snapshotData("record_steps", "201")).contains("\"step\"");
	}

	@Test
	void fetchesTheOrganisationOfAnOrganisationRecord() {
		stub("/organisations/301", "{\"object\":\"organisation\",\"id\":301}");

		long event = deliver("record.created",
				"{\"record\":{\"id\":302,\"type\":\"organisation\"},\"organisation\":{\"id\":301}}");

		awaitStatus(event, "enriched");
		assertThat(snapshotData("organisation", "301")).contains("organisation");
	}

	@Test
	void fetchesTheFormThroughItsClient() {
		String reference = UUID.randomUUID().toString();
		stub("/clients/401/forms/" + reference, "{\"object\":\"form\",\"reference\":\"" + reference + "\"}");

		long event = deliver("form.submitted",
				"{\"form\":{\"reference\":\"" + reference + "\"},\"client\":{\"id\":401},\"case\":null}");

		awaitStatus(event, "enriched");
		assertThat(snapshotData("form", reference)).contains(reference);
	}

	@Test
	void fetchesTheCaseAndSkipsWhenCasesAreNotAvailable() {
		stub("/cases/501", "{\"object\":\"case\",\"id\":501}");
		amiqus.stubFor(get(urlPathEqualTo("/api/v2/cases/502"))
			.willReturn(aResponse().withStatus(403).withBody("{\"message\":\"Cases are not enabled\"}")));

		long readable = deliver("case.created", "{\"case\":{\"id\":501},\"client\":{\"id\":1}}");
		long disabled = deliver("case.created", "{\"case\":{\"id\":502},\"client\":{\"id\":1}}");

		awaitStatus(readable, "enriched");
		awaitStatus(disabled, "skipped");
		assertThat(lastError(disabled)).contains("cases may be disabled");
		amiqus.verify(
				getRequestedFor(urlPathEqualTo("/api/v2/cases/501")).withQueryParam("expand", equalTo("client,items")));
	}

	@Test
	void fetchesTheClientAndItsNewRecordOnClientRecord() {
		stub("/clients/901", "{\"object\":\"client\",\"id\":901}");
		stub("/records/902", "{\"object\":\"record\",\"id\":902,\"status\":\"pending\"}");

		long event = deliver("client.record", recordData(902, 901));

		awaitStatus(event, "enriched");
		assertThat(snapshotData("client", "901")).contains("901");
		assertThat(snapshotData("record", "902")).contains("pending");
	}

	@Test
	void readsTheChecksAndReviewsOfAWatchlistUpdate() {
		stub("/records/911", "{\"object\":\"record\",\"id\":911}");
		stub("/records/911/steps", page("[{\"object\":\"step\",\"id\":3,\"type\":\"check\"}]"));

		long event = deliver("watchlist.updated", recordData(911, 912));

		awaitStatus(event, "enriched");
		amiqus.verify(getRequestedFor(urlPathEqualTo("/api/v2/records/911/steps")).withQueryParam("expand",
				equalTo("check,form,document,review")));
		assertThat(snapshotData("record_steps", "911")).contains("check");
	}

	@Test
	void coalescesABurstForOneRecordIntoAFewFetches() {
		amiqus.stubFor(get(urlPathEqualTo("/api/v2/records/601"))
			.willReturn(okJson("{\"object\":\"record\",\"id\":601}").withFixedDelay(100)));

		List<Long> events = IntStream.range(0, 40)
			.parallel()
			.mapToObj((i) -> deliver("record.updated", recordData(601, 602)))
			.toList();

		events.forEach((event) -> awaitStatus(event, "enriched"));
		assertThat(amiqus.findAll(getRequestedFor(urlPathEqualTo("/api/v2/records/601")))).hasSizeBetween(1, 3);
	}

	@Test
	void replayFetchesAgainEvenWhenTheSnapshotIsNewerThanTheEvent() {
		stub("/clients/801", "{\"object\":\"client\",\"id\":801,\"status\":\"pending\"}");
		long event = deliver("client.updated", "{\"client\":{\"id\":801}}");
		awaitStatus(event, "enriched");
		stub("/clients/801", "{\"object\":\"client\",\"id\":801,\"status\":\"approved\"}");

		ApiClient.Response response = this.api.post("/api/events/" + event + "/replay");

		assertThat(response.status()).isEqualTo(202);
		awaitStatus(event, "enriched");
		assertThat(snapshotData("client", "801")).contains("approved");
		amiqus.verify(2, getRequestedFor(urlPathEqualTo("/api/v2/clients/801")));
	}

	@Test
	void bulkReplayFetchesEachObjectAgainOnceForAllItsEvents() {
		stub("/records/811", "{\"object\":\"record\",\"id\":811}");
		stub("/records/821", "{\"object\":\"record\",\"id\":821}");
		List<Long> aboutOne = IntStream.range(0, 3)
			.mapToObj((i) -> deliver("record.updated", recordData(811, 812)))
			.toList();
		long aboutOther = deliver("record.updated", recordData(821, 822));
		aboutOne.forEach((event) -> awaitStatus(event, "enriched"));
		awaitStatus(aboutOther, "enriched");
		amiqus.resetRequests();

		ApiClient.Response response = this.api.post("/api/events/replay?record_id=811");

		assertThat(response.status()).isEqualTo(202);
		assertThat(response.json().path("queued").asLong()).isEqualTo(3);
		aboutOne.forEach((event) -> awaitStatus(event, "enriched"));
		assertThat(amiqus.findAll(getRequestedFor(urlPathEqualTo("/api/v2/records/811"))))
			.as("one fetch serves every replayed event of the record, claimed together or not")
			.hasSizeBetween(1, 2);
		assertThat(amiqus.findAll(getRequestedFor(urlPathEqualTo("/api/v2/records/821")))).isEmpty();
	}

	@Test
	void neverReplacesASnapshotWithOneFetchedEarlier() {
		Target target = new Target(SnapshotKind.CLIENT, "650", 650L);
		Instant later = Instant.now();
		this.snapshots.store(target, "{\"version\":\"newer\"}", later);

		this.snapshots.store(target, "{\"version\":\"older\"}", later.minusSeconds(5));

		assertThat(snapshotData("client", "650")).contains("newer");
	}

	@Test
	void honoursRetryAfterBeforeCallingAgain() {
		amiqus.stubFor(get(urlPathEqualTo("/api/v2/clients/701")).inScenario("rate limit")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2"))
			.willSetStateTo("allowed"));
		amiqus.stubFor(get(urlPathEqualTo("/api/v2/clients/701")).inScenario("rate limit")
			.whenScenarioStateIs("allowed")
			.willReturn(okJson("{\"id\":701}")));

		long event = deliver("client.created", "{\"client\":{\"id\":701}}");

		awaitStatus(event, "enriched");
		List<LoggedRequest> calls = amiqus.findAll(getRequestedFor(anyUrl()));
		assertThat(calls).hasSize(2);
		long gap = calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime();
		assertThat(gap).as("no call, to any endpoint, before Retry-After passed").isGreaterThanOrEqualTo(2000);
	}

	@Test
	void retriesServerErrorsUntilTheyPass() {
		amiqus.stubFor(get(urlPathEqualTo("/api/v2/clients/801")).inScenario("flaky")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(500).withBody("{\"message\":\"Server Error\"}"))
			.willSetStateTo("second"));
		amiqus.stubFor(get(urlPathEqualTo("/api/v2/clients/801")).inScenario("flaky")
			.whenScenarioStateIs("second")
			.willReturn(aResponse().withStatus(500))
			.willSetStateTo("healthy"));
		amiqus.stubFor(get(urlPathEqualTo("/api/v2/clients/801")).inScenario("flaky")
			.whenScenarioStateIs("healthy")
			.willReturn(okJson("{\"id\":801}")));

		long event = deliver("client.updated", "{\"client\":{\"id\":801}}");

		awaitStatus(event, "enriched");
		amiqus.verify(3, getRequestedFor(urlPathEqualTo("/api/v2/clients/801")));
		assertThat(attempts(event)).isEqualTo(3);
	}

	@Test
	void failsWithTheLastErrorAfterMaxAttempts() {
		amiqus.stubFor(
				get(urlPathEqualTo("/api/v2/clients/802")).willReturn(okJson("{\"id\":802}").withFixedDelay(1500)));
		amiqus.stubFor(get(urlPathEqualTo("/api/v2/clients/803"))
			.willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

		long timingOut = deliver("client.updated", "{\"client\":{\"id\":802}}");
		long reset = deliver("client.updated", "{\"client\":{\"id\":803}}");

		awaitStatus(timingOut, "failed");
		awaitStatus(reset, "failed");
		assertThat(attempts(timingOut)).isEqualTo(3);
		assertThat(lastError(timingOut)).contains("Unreachable");
		amiqus.verify(3, getRequestedFor(urlPathEqualTo("/api/v2/clients/803")));
	}

	@Test
	void skipsWithoutRetryingWhenTheEntityIsGone() {
		amiqus.stubFor(get(urlPathEqualTo("/api/v2/clients/901"))
			.willReturn(aResponse().withStatus(404).withBody("{\"error\":\"Client not found\"}")));

		long event = deliver("client.updated", "{\"client\":{\"id\":901}}");

		awaitStatus(event, "skipped");
		assertThat(lastError(event)).contains("not found");
		amiqus.verify(1, getRequestedFor(urlPathEqualTo("/api/v2/clients/901")));
	}

	@Test
	void forgetsADeletedClientWithoutCallingAmiqus() {
		stub("/clients/951", "{\"id\":951,\"name\":\"A Person\"}");
		stub("/records/952", "{\"id\":952,\"client\":{\"id\":951,\"name\":\"A Person\"}}");
		awaitStatus(deliver("client.updated", "{\"client\":{\"id\":951}}"), "enriched");
		awaitStatus(deliver("record.updated", recordData(952, 951)), "enriched");
		amiqus.resetRequests();

		long deleted = deliver("client.deleted", "{\"client\":{\"id\":951}}");

		awaitStatus(deleted, "skipped");
		assertThat(this.jdbc.queryForObject("select count(*) from snapshots where client_id = 951 or entity_id = '951'",
				Integer.class))
			.isZero();
		assertThat(amiqus.findAll(getRequestedFor(anyUrl()))).isEmpty();
	}

	@Test
	void skipsPingsAndUnknownShapes() {
		long ping = deliver(null, null);
		awaitStatus(ping, "skipped");
		assertThat(amiqus.findAll(getRequestedFor(anyUrl()))).isEmpty();
	}

	@Test
	void takesOverTheEventsOfAWorkerThatDiedMidLease() {
		stub("/clients/1001", "{\"id\":1001}");
		long event = deliverWhileClaimingAs("dead-worker", "client.updated", "{\"client\":{\"id\":1001}}");

		awaitStatus(event, "enriched");
		assertThat(this.jdbc.queryForObject("select lease_owner from events where id = ?", String.class, event))
			.isNull();
	}

	@Test
	void givesTheBatchBackUnchargedWhenStopping() {
		stub("/clients/1101", "{\"id\":1101}");
		this.workers.stop();
		try {
			long event = deliver("client.updated", "{\"client\":{\"id\":1101}}");
			await().atMost(Duration.ofSeconds(5))
				.until(() -> this.enricher.enrichBatch("stopping-worker", () -> false) > 0);

			assertThat(column(event, "enrichment_status", Function.identity())).isEqualTo("pending");
			assertThat(attempts(event)).isZero();
			assertThat(column(event, "coalesce(lease_owner, 'none')", Function.identity())).isEqualTo("none");
			assertThat(amiqus.findAll(getRequestedFor(urlPathEqualTo("/api/v2/clients/1101")))).isEmpty();
		}
		finally {
			this.workers.start();
		}
	}

	@Test
	void twoInstancesOnOneDatabaseNeverFetchTheSameEventTwice() {
		amiqus.stubFor(get(urlPathMatching("/api/v2/records/2[0-9]{3}"))
			.willReturn(okJson("{\"object\":\"record\"}").withFixedDelay(20)));
		List<String> properties = new ArrayList<>(RunningReceiver.onDatabaseOf(this.database));
		properties.addAll(List.of("amiqus.api.url=" + amiqus.baseUrl() + "/api/v2", "amiqus.api.token=test-token",
				"receiver.api.keys=" + ApiClient.KEY, "amiqus.enrichment.poll-interval=20ms",
				"amiqus.enrichment.batch-size=5", "amiqus.enrichment.settle-delay=300ms"));
		try (RunningReceiver second = RunningReceiver.start(properties)) {
			List<Long> events = IntStream.range(0, 120)
				.mapToObj((i) -> deliver("record.updated", recordData(2000 + i, 1)))
				.toList();

			events.forEach((event) -> awaitStatus(event, "enriched"));
			Map<String, Long> fetchesPerRecord = amiqus.findAll(getRequestedFor(urlPathMatching("/api/v2/records/.*")))
				.stream()
				.collect(Collectors.groupingBy(LoggedRequest::getUrl, Collectors.counting()));
			assertThat(fetchesPerRecord).hasSize(120).allSatisfy((url, count) -> assertThat(count).isEqualTo(1));
			assertThat(second.context()
				.getBean(io.micrometer.core.instrument.MeterRegistry.class)
				.get("receiver.enrichment.events")
				.tag("outcome", "enriched")
				.counter()
				.count()).as("the second instance took its share").isPositive();
		}
	}

	/** Stores an event and leases it to a worker that will never finish it. */
	private long deliverWhileClaimingAs(String owner, String alias, String data) {
		this.workers.stop();
		try {
			long event = deliver(alias, data);
			List<ClaimedEvent> claimed = this.queue.claim(owner, 1000, Duration.ofSeconds(1), Duration.ZERO);
			assertThat(claimed).extracting(ClaimedEvent::id).contains(event);
			return event;
		}
		finally {
			this.workers.start();
		}
	}

	private long deliver(String alias, String data) {
		if (alias != null) {
			return this.webhooks.newEvent(alias, data);
		}
		WebhookClient.Answer answer = this.webhooks.deliver(
				"{\"uuid\":\"" + UUID.randomUUID() + "\",\"event\":\"ping\",\"data\":[\"ping\"]}",
				UUID.randomUUID().toString());
		assertThat(answer.status()).isEqualTo(202);
		return Long.parseLong(answer.eventId());
	}

	private static String recordData(long recordId, long clientId) {
		return "{\"record\":{\"id\":" + recordId + ",\"type\":\"client\"},\"client\":{\"id\":" + clientId
				+ "},\"case\":null}";
	}

	private static String page(String data) {
		return "{\"object\":\"paginated_list\",\"data\":" + data
				+ ",\"total\":1,\"count\":1,\"limit\":100,\"current_page\":1,\"total_pages\":1,\"links\":null}";
	}

	private static void stub(String path, String json) {
		amiqus.stubFor(get(urlPathEqualTo("/api/v2" + path)).willReturn(okJson(json)));
	}

	private void awaitStatus(long event, String status) {
		await().atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(25))
			.untilAsserted(() -> assertThat(column(event, "enrichment_status", Function.identity())).isEqualTo(status));
	}

	private String lastError(long event) {
		return column(event, "last_error", Function.identity());
	}

	private int attempts(long event) {
		return column(event, "enrichment_attempts::text", Integer::valueOf);
	}

	private <T> T column(long event, String column, Function<String, T> convert) {
		return convert
			.apply(this.jdbc.queryForObject("select " + column + " from events where id = ?", String.class, event));
	}

	private String snapshotData(String kind, String id) {
		return this.jdbc.queryForObject("select data::text from snapshots where kind = ? and entity_id = ?",
				String.class, kind, id);
	}

}
