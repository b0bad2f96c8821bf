package dev.aqid.receiver.query;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import dev.aqid.receiver.ingest.EventStream;
import dev.aqid.receiver.support.ApiClient;
import dev.aqid.receiver.support.ApiClient.Response;
import dev.aqid.receiver.support.ReceiverServerTest;
import dev.aqid.receiver.support.WebhookClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import static dev.aqid.receiver.support.ApiClient.query;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/events} filters and {@code GET /api/events/{event_id}}, over real HTTP
 * with events that came in through the webhook endpoint. Each test works on its own
 * client id, so tests sharing the database do not see each other's events.
 */
@ReceiverServerTest
class EventQueryTests {

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	WebhookClient webhooks;

	ApiClient api;

	long client;

	@BeforeEach
	void setUp() {
		this.webhooks = new WebhookClient(this.port);
		this.api = ApiClient.withKey(this.port);
		this.client = ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_000_000_000L);
	}

	@Test
	void showsOneEventWithItsIdsEnrichmentAndThePayloadAsReceived() {
		String body = WebhookClient.recordEvent("record.finished", 4567, this.client);
		String deliveryId = UUID.randomUUID().toString();
		String eventId = this.webhooks.deliver(body, deliveryId).eventId();

		Response response = this.api.get("/api/events/" + eventId);

		assertThat(response.status()).isEqualTo(200);
		assertThat(response.contentType()).startsWith("application/json");
		JsonNode event = response.json();
		assertThat(event.path("event_id").asString()).isEqualTo(eventId);
		assertThat(event.path("delivery_id").asString()).isEqualTo(deliveryId);
		assertThat(event.path("alias").asString()).isEqualTo("record.finished");
		assertThat(Instant.parse(event.path("received_at").asString())).isBefore(Instant.now().plusSeconds(5));
		assertThat(event.path("triggered_at").asString()).isEqualTo("2024-05-07T12:30:45Z");
		assertThat(event.path("attempt").asInt()).isEqualTo(1);
		assertThat(event.path("source").asString()).isEqualTo("webhook");
		assertThat(event.path("webhook_uuid").asString()).isEqualTo("5c1d7a0e-1111-4222-8333-944445555666");
		assertThat(event.path("record_id").asLong()).isEqualTo(4567);
		assertThat(event.path("record_type").asString()).isEqualTo("client");
		assertThat(event.path("client_id").asLong()).isEqualTo(this.client);
		assertThat(event.has("form_reference")).isTrue();
		assertThat(event.path("case_id").isNull()).isTrue();
		assertThat(event.path("organisation_id").isNull()).isTrue();
		JsonNode enrichment = event.path("enrichment");
		assertThat(enrichment.path("status").asString()).isEqualTo("pending");
		assertThat(enrichment.path("attempts").asInt()).isZero();
		assertThat(enrichment.path("last_error").isNull()).isTrue();
		assertThat(enrichment.path("enriched_at").isNull()).isTrue();
		assertThat(enrichment.has("next_attempt_at")).isTrue();
		assertThat(event.path("payload").path("trigger").path("alias").asString()).isEqualTo("record.finished");
		assertThat(event.path("body_base64").isNull()).isTrue();
		// The payload is the body's own bytes, not a re-serialisation.
		assertThat(response.body()).contains("\"payload\":" + body);
	}

	@Test
	void keepsThePayloadsFormattingAndKeyOrderVerbatim() {
		String body = "{ \"trigger\" : {\"alias\":\"client.updated\", \"triggered_at\":\"2024-05-07T12:30:45Z\"},\n"
				+ "  \"data\": {\"client\": {\"id\": " + this.client + "}, \"z\": 1.50, \"a\": \"\\u00e9\"} }";
		String eventId = this.webhooks.deliver(body, UUID.randomUUID().toString()).eventId();

		Response response = this.api.get("/api/events/" + eventId);

		assertThat(response.body()).contains("\"payload\":" + body + ",");
		assertThat(response.json().path("payload").path("data").path("a").asString()).isEqualTo("é");
	}

	@Test
	void showsABodyThatIsNotJsonAsBase64WithANullPayload() {
		byte[] body = "not json at all \u0001".getBytes(StandardCharsets.UTF_8);
		String eventId = this.webhooks.deliver(body, UUID.randomUUID().toString()).eventId();

		JsonNode event = this.api.get("/api/events/" + eventId).json();

		assertThat(event.path("payload").isNull()).isTrue();
		assertThat(Base64.getDecoder().decode(event.path("body_base64").asString())).isEqualTo(body);
		assertThat(event.path("alias").isNull()).isTrue();
	}

	@Test
	void answersAnUnknownEventWithANotFoundProblem() {
		Response response = this.api.get("/api/events/987654321987");

		assertThat(response.status()).isEqualTo(404);
		assertThat(response.contentType()).startsWith("application/problem+json");
		assertThat(response.json().path("status").asInt()).isEqualTo(404);
		assertThat(response.json().path("title").asString()).isEqualTo("Not Found");
		assertThat(response.json().path("detail").asString()).contains("987654321987");
	}

	@Test
	void answersANonNumericEventIdWithANotFoundProblem() {
		for (String id : List.of("abc", "-1", "0", "99999999999999999999999")) {
			Response response = this.api.get("/api/events/" + id);

			assertThat(response.status()).as(id).isEqualTo(404);
			assertThat(response.contentType()).startsWith("application/problem+json");
		}
	}

	@Test
	void filtersByExactAlias() {
		String updated = deliver("record.updated", 11);
		deliver("record.finished", 11);
		deliver("client.updated", 0);

		assertThat(ids(query("/api/events", "client_id", this.client, "alias", "record.updated")))
			.containsExactly(updated);
	}

	@Test
	void filtersByAliasWildcard() {
		String created = deliver("record.created", 12);
		String finished = deliver("record.finished", 12);
		deliver("client.updated", 0);
		deliver("records.odd", 12);
		String ping = deliver("recordx", 12);

		assertThat(ids(query("/api/events", "client_id", this.client, "alias", "record.*"))).containsExactly(created,
				finished);
		assertThat(ids(query("/api/events", "client_id", this.client, "alias", "*"))).hasSize(5);
		assertThat(ids(query("/api/events", "client_id", this.client, "alias", "record*"))).hasSize(4).contains(ping);
	}

	@Test
	void filtersByRecordAndByClientAloneAndCombined() {
		long record = ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_000_000_000L);
		String a = deliver("record.updated", record);
		String b = deliver("record.finished", record);
		String other = deliver("record.updated", record + 1);
		String otherClient = this.webhooks
			.deliver(WebhookClient.recordEvent("record.updated", record, this.client + 1), UUID.randomUUID().toString())
			.eventId();

		assertThat(ids(query("/api/events", "record_id", record))).containsExactly(a, b, otherClient);
		assertThat(ids(query("/api/events", "client_id", this.client))).containsExactly(a, b, other);
		assertThat(ids(query("/api/events", "record_id", record, "client_id", this.client))).containsExactly(a, b);
		assertThat(ids(query("/api/events", "record_id", record, "client_id", this.client, "alias", "record.finished")))
			.containsExactly(b);
	}

	@Test
	void filtersByEnrichmentStatus() {
		String pending = deliver("record.updated", 13);
		String failed = deliver("record.updated", 113);
		String enriched = deliver("record.updated", 213);
		this.jdbc.update("update events set enrichment_status = 'failed', last_error = 'boom' where id = ?",
				Long.valueOf(failed));
		this.jdbc.update("update events set enrichment_status = 'enriched', enriched_at = now() where id = ?",
				Long.valueOf(enriched));

		assertThat(ids(query("/api/events", "client_id", this.client, "status", "pending"))).containsExactly(pending);
		assertThat(ids(query("/api/events", "client_id", this.client, "status", "failed"))).containsExactly(failed);
		assertThat(ids(query("/api/events", "client_id", this.client, "status", "enriched"))).containsExactly(enriched);
		assertThat(ids(query("/api/events", "client_id", this.client, "status", "skipped"))).isEmpty();
		JsonNode failedEvent = this.api.get("/api/events/" + failed).json().path("enrichment");
		assertThat(failedEvent.path("status").asString()).isEqualTo("failed");
		assertThat(failedEvent.path("last_error").asString()).isEqualTo("boom");
	}

	@Test
	void filtersByReceivedTimeWindow() {
		String early = deliver("record.updated", 14);
		String middle = deliver("record.updated", 114);
		String late = deliver("record.updated", 214);
		setReceivedAt(early, "2030-01-01T10:00:00Z");
		setReceivedAt(middle, "2030-01-01T11:00:00Z");
		setReceivedAt(late, "2030-01-01T12:00:00Z");

		assertThat(ids(query("/api/events", "client_id", this.client, "received_after", "2030-01-01T11:00:00Z")))
			.containsExactly(middle, late);
		assertThat(ids(query("/api/events", "client_id", this.client, "received_before", "2030-01-01T11:00:00Z")))
			.containsExactly(early);
		assertThat(ids(query("/api/events", "client_id", this.client, "received_after", "2030-01-01T10:30:00Z",
				"received_before", "2030-01-01T12:00:00Z")))
			.containsExactly(middle);
		assertThat(ids(query("/api/events", "client_id", this.client, "received_before", "2000-01-01T00:00:00Z")))
			.isEmpty();
		assertThat(ids(query("/api/events", "client_id", this.client, "received_after", "2031-01-01T00:00:00Z")))
			.isEmpty();
		// Offsets other than Z, and fractions of a second.
		assertThat(
				ids(query("/api/events", "client_id", this.client, "received_after", "2030-01-01T11:59:59.999+01:00")))
			.containsExactly(middle, late);
	}

	@Test
	void answersEventsWithTheSameShapeInTheListAsAlone() {
		String eventId = deliver("record.updated", 15);

		JsonNode item = this.api.get(query("/api/events", "client_id", this.client)).json().path("data").get(0);
		JsonNode alone = this.api.get("/api/events/" + eventId).json();

		assertThat(item).isEqualTo(alone);
	}

	@Test
	void replaysAFinishedEventBackToPendingWithNoAttempts() {
		String eventId = deliver("record.updated", 16);
		this.jdbc.update("""
				update events set enrichment_status = 'failed', enrichment_attempts = 8, last_error = 'gone',
				       next_attempt_at = now() + interval '1 day' where id = ?""", Long.valueOf(eventId));

		Response response = this.api.post("/api/events/" + eventId + "/replay");

		assertThat(response.status()).isEqualTo(202);
		assertThat(response.contentType()).startsWith("application/json");
		assertThat(response.json().path("event_id").asString()).isEqualTo(eventId);
		assertThat(response.json().path("enrichment_status").asString()).isEqualTo("pending");
		JsonNode enrichment = this.api.get("/api/events/" + eventId).json().path("enrichment");
		assertThat(enrichment.path("status").asString()).isEqualTo("pending");
		assertThat(enrichment.path("attempts").asInt()).isZero();
		assertThat(enrichment.path("last_error").isNull()).isTrue();
		assertThat(Instant.parse(enrichment.path("next_attempt_at").asString()))
			.isBefore(Instant.now().plusSeconds(60));
		assertThat(Instant.parse(enrichment.path("replayed_at").asString())).isBefore(Instant.now().plusSeconds(5))
			.isAfter(Instant.now().minusSeconds(60));
	}

	@Test
	void replaysEveryMatchingEventAndNoOther() {
		List<String> failed = List.of(deliver("record.updated", 17), deliver("record.finished", 18));
		String enrichedOne = deliver("record.updated", 19);
		this.jdbc.update("""
				update events set enrichment_status = 'failed', enrichment_attempts = 8, last_error = 'gone',
				       next_attempt_at = now() + interval '1 day' where id = any(?)""",
				(Object) failed.stream().map(Long::valueOf).toArray(Long[]::new));
		this.jdbc.update("update events set enrichment_status = 'enriched' where id = ?", Long.valueOf(enrichedOne));

		Response response = this.api.post(query("/api/events/replay", "client_id", this.client, "status", "failed"));

		assertThat(response.status()).isEqualTo(202);
		assertThat(response.contentType()).startsWith("application/json");
		assertThat(response.json().path("queued").asLong()).isEqualTo(2);
		assertThat(ids(query("/api/events", "client_id", this.client, "status", "pending")))
			.containsExactlyElementsOf(failed);
		assertThat(ids(query("/api/events", "client_id", this.client, "status", "enriched")))
			.containsExactly(enrichedOne);
	}

	@Test
	void replaysMoreEventsThanOneBatchHolds() {
		int count = EventStream.ID_BATCH * 2 + 7;
		this.jdbc.update("""
				insert into events (dedupe_key, body_sha256, raw_body, alias, client_id, enrichment_status)
				select 'd:bulk-' || ? || '-' || n, sha256(n::text::bytea), n::text::bytea, 'client.updated', ?, 'failed'
				  from generate_series(1, ?) as n""", this.client, this.client, count);

		Response response = this.api.post(query("/api/events/replay", "client_id", this.client));

		assertThat(response.status()).isEqualTo(202);
		assertThat(response.json().path("queued").asLong()).isEqualTo(count);
		assertThat(this.jdbc.queryForObject(
				"select count(*) from events where client_id = ? and enrichment_status = 'pending' and replayed_at is not null",
				Long.class, this.client))
			.isEqualTo(count);
	}

	@Test
	void refusesABulkReplayWithoutAFilter() {
		Response response = this.api.post("/api/events/replay");

		assertThat(response.status()).isEqualTo(400);
		assertThat(response.contentType()).startsWith("application/problem+json");
		assertThat(response.json().path("detail").asString()).contains("at least one filter").contains("alias=*");
		assertThat(this.api.post(query("/api/events/replay", "status", "done")).status()).isEqualTo(400);
	}

	@Test
	void answersTheReplayOfAnUnknownEventWithNotFound() {
		for (String id : List.of("987654321987", "abc")) {
			Response response = this.api.post("/api/events/" + id + "/replay");

			assertThat(response.status()).isEqualTo(404);
			assertThat(response.contentType()).startsWith("application/problem+json");
		}
	}

	@Test
	void refusesParameterValuesItCannotReadWithABadRequestProblemNamingTheParameter() {
		List<String[]> cases = List.of(new String[] { "status", "done", "one of pending, enriched, failed, skipped" },
				new String[] { "status", "PENDING", "one of pending" },
				new String[] { "record_id", "abc", "whole number" },
				new String[] { "client_id", "7.5", "whole number" },
				new String[] { "received_after", "yesterday", "RFC 3339" },
				new String[] { "received_before", "2024-05-07", "RFC 3339" },
				new String[] { "received_after", "2024-05-07T12:00:00 01:00", "%2B" },
				new String[] { "alias", "*.updated", "at the end" }, new String[] { "limit", "many", "integer" });
		for (String[] bad : cases) {
			Response response = this.api.get(query("/api/events", bad[0], bad[1]));

			assertThat(response.status()).as(bad[0] + "=" + bad[1]).isEqualTo(400);
			assertThat(response.contentType()).startsWith("application/problem+json");
			JsonNode problem = response.json();
			assertThat(problem.path("title").asString()).isEqualTo("Bad Request");
			assertThat(problem.path("status").asInt()).isEqualTo(400);
			assertThat(problem.path("detail").asString()).as(bad[0] + "=" + bad[1]).contains(bad[0]).contains(bad[2]);
			assertThat(problem.path("parameter").asString()).isEqualTo(bad[0]);
			assertThat(problem.path("instance").asString()).isEqualTo("/api/events");
		}
	}

	private String deliver(String alias, long record) {
		return this.webhooks
			.deliver(WebhookClient.recordEvent(alias, record, this.client), UUID.randomUUID().toString())
			.eventId();
	}

	private void setReceivedAt(String eventId, String instant) {
		this.jdbc.update("update events set received_at = cast(? as timestamptz) where id = ?", instant,
				Long.valueOf(eventId));
	}

	private List<String> ids(String pathAndQuery) {
		Response response = this.api.get(pathAndQuery);
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		List<String> ids = new ArrayList<>();
		response.json().path("data").forEach((event) -> ids.add(event.path("event_id").asString()));
		return ids;
	}

}
