package dev.aqid.receiver.enrichment;

import java.time.Duration;
import java.util.UUID;

import dev.aqid.receiver.emulator.AmiqusEmulator;
import dev.aqid.receiver.emulator.StandaloneEmulator;
import dev.aqid.receiver.support.ApiClient;
import dev.aqid.receiver.support.WebhookClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code ids-and-statuses} preset through the whole service: a record finishes, the
 * emulator answers with the client's details and check results, and what the database and
 * the query API hold is ids, statuses, types, dates and references only.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "receiver.data-dir=target/test-db/ids-and-statuses-${random.uuid}",
				"amiqus.webhook.secrets=" + WebhookClient.SECRET, "amiqus.api.token=test-token",
				"receiver.api.keys=" + ApiClient.KEY, "amiqus.enrichment.poll-interval=50ms",
				"amiqus.enrichment.settle-delay=100ms", "receiver.redaction.preset=ids-and-statuses" })
class IdsAndStatusesPresetTests {

	static final AmiqusEmulator amiqus = StandaloneEmulator.start(0);

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

	@Test
	void keepsOnlyIdsStatusesTypesDatesAndReferences() {
		amiqus.putClient(8001, """
				{"object":"client","id":8001,"status":"approved","name":{"first_name":"Ann","last_name":"Lee"},
				 "email":"ann.8001@example.com","mobile":"+447700900123","dob":"1980-02-03","reference":"crm-8001",
				 "created_at":"2024-01-01T00:00:00Z"}""");
		amiqus.putRecord(8002, """
				{"object":"record","id":8002,"status":"complete","perform_url":"https://id.amiqus.co/i/abc",
				 "email":"ann.8001@example.com","client":{"object":"client","id":8001,"email":"ann.8001@example.com"},
				 "created_at":"2024-01-01T00:00:00Z"}""");
		amiqus.putRecordSteps(8002, """
				[{"object":"step","id":80021,"type":"check.photo_id","check":{"object":"check","id":80021,
				  "type":"photo_id","status":"accepted","response":{"document_number":"X1234567"}}}]""");

		long clientEvent = deliver("client.updated", "{\"client\":{\"id\":8001}}");
		long recordEvent = deliver("record.finished",
				"{\"record\":{\"id\":8002,\"type\":\"client\"},\"client\":{\"id\":8001},\"case\":null}");
		awaitEnriched(clientEvent);
		awaitEnriched(recordEvent);

		ApiClient api = ApiClient.withKey(this.port);
		JsonNode client = api.get("/api/clients/8001").json().path("data");
		JsonNode record = api.get("/api/records/8002").json().path("data");
		JsonNode steps = api.get("/api/records/8002/steps").json().path("data");
		assertThat(client).as("jsonb keeps no key order: compared as JSON")
			.isEqualTo(json("{\"object\":\"client\",\"id\":8001,\"status\":\"approved\","
					+ "\"reference\":\"crm-8001\",\"created_at\":\"2024-01-01T00:00:00Z\"}"));
		assertThat(record).isEqualTo(json("{\"object\":\"record\",\"id\":8002,\"status\":\"complete\","
				+ "\"client\":{\"object\":\"client\",\"id\":8001},\"created_at\":\"2024-01-01T00:00:00Z\"}"));
		assertThat(steps.get(0).path("check").path("status").asString()).isEqualTo("accepted");
		assertThat(steps.get(0).path("type").asString()).isEqualTo("check.photo_id");
		assertThat(this.jdbc.queryForObject("select string_agg(data::text, ' ') from snapshots", String.class))
			.doesNotContain("ann.8001@example.com", "Ann", "+447700900123", "1980-02-03", "X1234567", "/i/abc");
	}

	private static JsonNode json(String text) {
		return JsonMapper.builder().build().readTree(text);
	}

	private long deliver(String alias, String data) {
		String body = "{\"webhook\":{\"uuid\":\"" + UUID.randomUUID() + "\"},\"trigger\":{\"alias\":\"" + alias
				+ "\",\"triggered_at\":\"2024-05-07T12:30:45Z\"},\"data\":" + data + "}";
		WebhookClient.Answer answer = new WebhookClient(this.port).deliver(body, UUID.randomUUID().toString());
		assertThat(answer.status()).isEqualTo(202);
		return Long.parseLong(answer.eventId());
	}

	private void awaitEnriched(long event) {
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(
					this.jdbc.queryForObject("select enrichment_status from events where id = ?", String.class, event))
				.isEqualTo("enriched"));
	}

}
