package dev.aqid.receiver.enrichment;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.aqid.receiver.emulator.AmiqusEmulator;
import dev.aqid.receiver.emulator.StandaloneEmulator;
import dev.aqid.receiver.ingest.EventsErased;
import dev.aqid.receiver.support.ApiClient;
import dev.aqid.receiver.support.WebhookClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Personal-data controls through the whole service: deliveries go in through the webhook
 * endpoint, enrichment reads the project's Amiqus emulator over HTTP, snapshots land in
 * the real PostgreSQL after redaction, and erasure runs over the query API. A destination
 * that never answers keeps the outbox rows in place, so that their removal shows.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "receiver.data-dir=target/test-db/data-protection-${random.uuid}",
				"amiqus.webhook.secrets=" + WebhookClient.SECRET, "amiqus.api.token=test-token",
				"receiver.api.keys=" + ApiClient.KEY + "," + ApiClient.SECOND_KEY,
				"amiqus.enrichment.poll-interval=50ms", "amiqus.enrichment.settle-delay=100ms",
				"receiver.redaction.drop.client=/email,/mobile", "receiver.redaction.drop.record=/client/email",
				"receiver.erasure.on-deletion-reminder=true", "receiver.destinations[0].url=http://127.0.0.1:9/",
				"receiver.destinations[0].secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
				"receiver.forwarding.backoff-min=1h", "receiver.forwarding.backoff-max=2h",
				"receiver.forwarding.connect-timeout=1s" })
@ExtendWith(OutputCaptureExtension.class)
class DataProtectionTests {

	static final AmiqusEmulator amiqus = StandaloneEmulator.start(0);

	static final String PERFORM_URL = "https://id.amiqus.co/i/0vz32B9CZpO1yLsKPdy9q";

	@DynamicPropertySource
	static void amiqusApi(DynamicPropertyRegistry registry) {
		registry.add("amiqus.api.url", amiqus::baseUrl);
	}

	@AfterAll
	static void stopEmulator() {
		amiqus.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	FailingErasureListener failingListener;

	WebhookClient webhooks;

	ApiClient api;

	@BeforeEach
	void setUp() {
		this.webhooks = new WebhookClient(this.port);
		this.api = ApiClient.withKey(this.port);
	}

	@Test
	void storesNoPerformUrlAndNoConfiguredFieldWhatTheQueryApiShowsIsRedacted() {
		putClient(7001, "ann.7001@example.com");
		putRecord(7002, 7001, "ann.7001@example.com");

		long clientEvent = deliver("client.updated", clientData(7001));
		long recordEvent = deliver("record.updated", recordData(7002, 7001));
		awaitStatus(clientEvent, "enriched");
		awaitStatus(recordEvent, "enriched");

		JsonNode client = this.api.get("/api/clients/7001").json().path("data");
		assertThat(client.path("id").asLong()).isEqualTo(7001);
		assertThat(client.path("status").asString()).isEqualTo("approved");
		assertThat(client.path("name").path("last_name").asString()).as("not configured: kept").isEqualTo("Lee");
		assertThat(client.has("email")).isFalse();
		assertThat(client.has("mobile")).isFalse();
		JsonNode record = this.api.get("/api/records/7002").json().path("data");
		assertThat(record.path("status").asString()).isEqualTo("complete");
		assertThat(record.has("perform_url")).isFalse();
		assertThat(record.path("client").has("email")).isFalse();
		assertThat(record.path("client").has("perform_url")).isFalse();
		assertThat(this.jdbc.queryForObject(
				"select count(*) from snapshots where data::text like '%perform_url%' or data::text like ?",
				Integer.class, "%" + PERFORM_URL + "%"))
			.as("nowhere in the database")
			.isZero();
	}

	@Test
	void erasesAClientsSnapshotsEventsAndDeliveriesAndNothingOfAnotherClient(CapturedOutput output) {
		putClient(7101, "erase.me@example.com");
		putRecord(7102, 7101, "erase.me@example.com");
		amiqus.putRecordSteps(7102, "[{\"object\":\"step\",\"id\":71021,\"type\":\"check.identity\"}]");
		putClient(7201, "keep.me@example.com");
		putRecord(7202, 7201, "keep.me@example.com");
		List<Long> erasable = List.of(deliver("client.updated", clientData(7101)),
				deliver("record.finished", recordData(7102, 7101)));
		long withOrganisation = deliver("client.organisations",
				"{\"client\":{\"id\":7101},\"organisation\":{\"id\":7150}}");
		List<Long> other = List.of(deliver("client.updated", clientData(7201)),
				deliver("record.updated", recordData(7202, 7201)));
		erasable.forEach((event) -> awaitStatus(event, "enriched"));
		other.forEach((event) -> awaitStatus(event, "enriched"));
		awaitStatus(withOrganisation, "enriched");
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(outboxRows(erasable)).isEqualTo(erasable.size()));
		int otherOutboxRows = outboxRows(other);
		assertThat(otherOutboxRows).isEqualTo(other.size());

		ApiClient.Response response = this.api.send("DELETE", "/api/clients/7101");

		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().path("snapshots").asInt()).as("client, record, record_steps").isEqualTo(3);
		assertThat(response.json().path("events").asInt()).isEqualTo(2);
		assertThat(this.api.get("/api/clients/7101").status()).isEqualTo(404);
		assertThat(this.api.get("/api/records/7102").status()).isEqualTo(404);
		assertThat(this.api.get("/api/records/7102/steps").status()).isEqualTo(404);
		erasable.forEach((event) -> assertThat(this.api.get("/api/events/" + event).status()).isEqualTo(404));
		assertThat(outboxRows(erasable)).isZero();
		assertThat(this.api.get("/api/events/" + withOrganisation).status()).as("also names an organisation: kept")
			.isEqualTo(200);
		assertThat(this.api.get("/api/clients/7201").status()).isEqualTo(200);
		assertThat(this.api.get("/api/records/7202").status()).isEqualTo(200);
		other.forEach((event) -> assertThat(this.api.get("/api/events/" + event).status()).isEqualTo(200));
		assertThat(outboxRows(other)).isEqualTo(otherOutboxRows);
		assertThat(output.getAll()).contains("Erasure of client 7101", "requested by api-key-1",
				"deleted 3 snapshot(s) and 2 event(s)");
		assertThat(output.getAll()).doesNotContain(ApiClient.KEY, "erase.me@example.com");
	}

	@Test
	void anErasureThatFailsHalfWayLeavesEverythingInPlace() {
		putClient(7501, "all.or.nothing@example.com");
		putRecord(7502, 7501, "all.or.nothing@example.com");
		List<Long> events = List.of(deliver("client.updated", clientData(7501)),
				deliver("record.updated", recordData(7502, 7501)));
		events.forEach((event) -> awaitStatus(event, "enriched"));
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(outboxRows(events)).isEqualTo(events.size()));
		this.failingListener.failNext();

		ApiClient.Response response = this.api.send("DELETE", "/api/clients/7501");

		assertThat(response.status()).isEqualTo(500);
		assertThat(this.api.get("/api/clients/7501").status()).isEqualTo(200);
		assertThat(this.api.get("/api/records/7502").status()).isEqualTo(200);
		events.forEach((event) -> assertThat(this.api.get("/api/events/" + event).status()).isEqualTo(200));
		assertThat(outboxRows(events)).isEqualTo(events.size());
		ApiClient.Response retried = this.api.send("DELETE", "/api/clients/7501");
		assertThat(retried.body()).isEqualTo("{\"snapshots\":2,\"events\":2}");
		assertThat(outboxRows(events)).isZero();
	}

	@Test
	void erasingAgainOrAnUnknownClientAnswersZeros() {
		putClient(7401, "twice@example.com");
		awaitStatus(deliver("client.updated", clientData(7401)), "enriched");
		ApiClient second = ApiClient.withAuthorization(this.port, "Bearer " + ApiClient.SECOND_KEY);

		assertThat(second.send("DELETE", "/api/clients/7401").json().path("events").asInt()).isEqualTo(1);
		ApiClient.Response again = second.send("DELETE", "/api/clients/7401");
		ApiClient.Response unknown = this.api.send("DELETE", "/api/clients/987654321");

		assertThat(again.status()).isEqualTo(200);
		assertThat(again.body()).isEqualTo("{\"snapshots\":0,\"events\":0}");
		assertThat(unknown.status()).isEqualTo(200);
		assertThat(unknown.body()).isEqualTo("{\"snapshots\":0,\"events\":0}");
	}

	@Test
	void refusesAnIdThatIsNotAClientIdAndACallerWithoutAKey() {
		ApiClient.Response notANumber = this.api.send("DELETE", "/api/clients/abc");
		ApiClient.Response anonymous = ApiClient.withAuthorization(this.port, null).send("DELETE", "/api/clients/1");

		assertThat(notANumber.status()).isEqualTo(400);
		assertThat(notANumber.contentType()).startsWith("application/problem+json");
		assertThat(anonymous.status()).isEqualTo(401);
	}

	@Test
	void aDueDeletionReminderErasesTheClientAndKeepsTheReminder(CapturedOutput output) {
		putClient(7301, "reminded@example.com");
		putRecord(7302, 7301, "reminded@example.com");
		List<Long> earlier = List.of(deliver("client.updated", clientData(7301)),
				deliver("record.updated", recordData(7302, 7301)));
		earlier.forEach((event) -> awaitStatus(event, "enriched"));
		amiqus.clearRequests();

		long reminder = deliver("client.deletion_reminder_due", clientData(7301));

		awaitStatus(reminder, "skipped");
		assertThat(this.api.get("/api/clients/7301").status()).isEqualTo(404);
		assertThat(this.api.get("/api/records/7302").status()).isEqualTo(404);
		earlier.forEach((event) -> assertThat(this.api.get("/api/events/" + event).status()).isEqualTo(404));
		assertThat(this.api.get("/api/events/" + reminder).json().path("enrichment").path("last_error").asString())
			.contains("erased on its deletion reminder", "2 snapshot(s)", "2 event(s)");
		assertThat(amiqus.requests()).as("nothing fetched for the erased client").isEmpty();
		assertThat(output.getAll()).contains("Erasure of client 7301",
				"requested by client.deletion_reminder_due (event " + reminder + ")");
	}

	private static void putClient(long id, String email) {
		amiqus.putClient(id, """
				{"object":"client","id":%d,"status":"approved","name":{"title":null,"first_name":"Ann",
				 "middle_name":null,"last_name":"Lee"},"email":"%s","mobile":"+447700900123","dob":"1980-02-03",
				 "reference":"crm-%d","created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z"}"""
			.formatted(id, email, id));
	}

	private static void putRecord(long id, long clientId, String email) {
		amiqus.putRecord(id, """
				{"object":"record","id":%d,"status":"complete","perform_url":"%s","email":"%s",
				 "client":{"object":"client","id":%d,"email":"%s"},"created_at":"2024-01-01T00:00:00Z"}""".formatted(id,
				PERFORM_URL, email, clientId, email));
	}

	private int outboxRows(List<Long> events) {
		return this.jdbc.queryForObject("select count(*) from outbox where event_id = any(?::bigint[])", Integer.class,
				"{" + String.join(",", events.stream().map(String::valueOf).toList()) + "}");
	}

	private long deliver(String alias, String data) {
		return this.webhooks.newEvent(alias, data);
	}

	private static String clientData(long clientId) {
		return "{\"client\":{\"id\":" + clientId + "}}";
	}

	private static String recordData(long recordId, long clientId) {
		return "{\"record\":{\"id\":" + recordId + ",\"type\":\"client\"},\"client\":{\"id\":" + clientId
				+ "},\"case\":null}";
	}

	private void awaitStatus(long event, String status) {
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(50))
			.untilAsserted(() -> assertThat(
					this.jdbc.queryForObject("select enrichment_status from events where id = ?", String.class, event))
				.isEqualTo(status));
	}

	/**
	 * A listener in the erasing transaction that fails once when told to, after
	 * forwarding's listener may have run: the erasure must roll back as a whole.
	 */
	@TestConfiguration
	static class FailingErasureListener {

		private final AtomicBoolean failNext = new AtomicBoolean();

		void failNext() {
			this.failNext.set(true);
		}

		@EventListener
		@Order(Ordered.LOWEST_PRECEDENCE)
		void on(EventsErased erased) {
			if (this.failNext.getAndSet(false)) {
				throw new IllegalStateException("simulated failure inside the erasure");
			}
		}

	}

}
