package dev.aqid.receiver.query;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import dev.aqid.receiver.support.ApiClient;
import dev.aqid.receiver.support.ApiClient.Response;
import dev.aqid.receiver.support.ReceiverServerTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The latest snapshot of each kind of Amiqus object, read back as the enrichment workers
 * stored it.
 */
@ReceiverServerTest
class SnapshotEndpointsTests {

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	ApiClient api;

	String id;

	@BeforeEach
	void setUp() {
		this.api = ApiClient.withKey(this.port);
		this.id = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_000_000_000L));
	}

	@Test
	void answersEachKindWithItsLatestSnapshot() {
		String reference = UUID.randomUUID().toString();
		List<String[]> kinds = List.of(new String[] { "record", "/api/records/" + this.id, this.id },
				new String[] { "record_steps", "/api/records/" + this.id + "/steps", this.id },
				new String[] { "client", "/api/clients/" + this.id, this.id },
				new String[] { "organisation", "/api/organisations/" + this.id, this.id },
				new String[] { "case", "/api/cases/" + this.id, this.id },
				new String[] { "form", "/api/forms/" + reference, reference });
		for (String[] kind : kinds) {
			store(kind[0], kind[2], "{\"object\": \"" + kind[0] + "\", \"id\": \"" + kind[2]
					+ "\", \"nested\": {\"list\": [1, 2.5, null, true]}}", "2024-05-07T12:30:45.123456Z");
		}

		for (String[] kind : kinds) {
			Response response = this.api.get(kind[1]);

			assertThat(response.status()).as(kind[1]).isEqualTo(200);
			assertThat(response.contentType()).startsWith("application/json");
			JsonNode snapshot = response.json();
			assertThat(snapshot.path("id").asString()).isEqualTo(kind[2]);
			assertThat(Instant.parse(snapshot.path("fetched_at").asString()))
				.isEqualTo(Instant.parse("2024-05-07T12:30:45.123456Z"));
			assertThat(snapshot.path("data").path("object").asString()).as(kind[1]).isEqualTo(kind[0]);
			assertThat(snapshot.path("data").path("nested").path("list").size()).isEqualTo(4);
			assertThat(snapshot.path("data").path("nested").path("list").get(1).asDouble()).isEqualTo(2.5);
		}
	}

	@Test
	void answersAnObjectNeverFetchedWithANotFoundProblem() {
		store("client", this.id, "{\"object\": \"client\"}", "2024-05-07T12:30:45Z");

		for (String path : List.of("/api/records/" + this.id, "/api/records/" + this.id + "/steps",
				"/api/organisations/" + this.id, "/api/cases/" + this.id, "/api/forms/" + UUID.randomUUID(),
				"/api/clients/not-a-number", "/api/clients/" + "9".repeat(300))) {
			Response response = this.api.get(path);

			assertThat(response.status()).as(path).isEqualTo(404);
			assertThat(response.contentType()).startsWith("application/problem+json");
			assertThat(response.json().path("title").asString()).isEqualTo("Not Found");
			assertThat(response.json().path("detail").asString()).contains("fetched");
		}
	}

	private void store(String kind, String entityId, String data, String fetchedAt) {
		this.jdbc.update("""
				insert into snapshots (kind, entity_id, data, fetched_at)
				values (?, ?, cast(? as jsonb), cast(? as timestamptz))""", kind, entityId, data, fetchedAt);
	}

}
