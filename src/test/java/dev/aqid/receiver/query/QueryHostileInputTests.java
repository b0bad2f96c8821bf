package dev.aqid.receiver.query;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import dev.aqid.receiver.support.ApiClient;
import dev.aqid.receiver.support.ApiClient.Response;
import dev.aqid.receiver.support.ReceiverServerTest;
import dev.aqid.receiver.support.WebhookClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import static dev.aqid.receiver.support.ApiClient.query;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile input to the query API: SQL-injection-shaped filter and path values, oversized,
 * forged and hand-made cursors. Every one is answered 200 (treated as the literal value
 * it is) or 4xx with a problem document, never 5xx; the table it might have reached is
 * still whole afterwards; and the API key never shows in the log.
 */
@ReceiverServerTest
@ExtendWith(OutputCaptureExtension.class)
class QueryHostileInputTests {

	private static final List<String> INJECTIONS = List.of("' OR '1'='1", "record.updated' OR 1=1 --",
			"record.updated'; drop table events; --", "' union select raw_body from events --",
			"1; select pg_sleep(10)", "1 OR 1=1", "%", "record.%", "record._pdated", "_%", "\\", "\\'", "\"", "$$",
			"$1", "?", "??", "record.\u0000", "\u0000", ") or (1=1", "record.%*", "'*", "record.updated\r\nX: y",
			"../../etc/passwd", "${jndi:ldap://127.0.0.1:9/x}", "\uD83D\uDE00*", "x".repeat(256));

	private static final List<String> FILTERS = List.of("alias", "record_id", "client_id", "status", "received_after",
			"received_before", "limit", "cursor");

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	ApiClient api;

	long client;

	@BeforeEach
	void setUp() {
		this.api = ApiClient.withKey(this.port);
		this.client = ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_000_000_000L);
		WebhookClient webhooks = new WebhookClient(this.port);
		for (String alias : List.of("record.updated", "record.finished", "client.updated")) {
			webhooks.deliver(WebhookClient.recordEvent(alias, 1, this.client), UUID.randomUUID().toString());
		}
	}

	@Test
	void treatsInjectionShapedFilterValuesAsLiteralValuesOrRefusesThem(CapturedOutput output) {
		List<String> answered = new ArrayList<>();
		for (String filter : FILTERS) {
			for (String value : INJECTIONS) {
				Response response = this.api.get(query("/api/events", "client_id", this.client, filter, value));
				String what = filter + "=" + value;
				answered.add(what + " -> " + response.status());

				assertThat(response.status()).as(what).isIn(200, 400);
				if (response.status() == 400) {
					assertThat(response.contentType()).as(what).startsWith("application/problem+json");
					assertThat(response.json().path("parameter").asString()).as(what).isEqualTo(filter);
				}
				else if (!value.trim().isEmpty()) {
					// (Spring binds a value that trims to nothing, such as
					// U+0000, as absent.)
					assertThat(response.json().path("data")).as(what + " matched a literal value only").isEmpty();
				}
			}
		}
		assertThat(answered).as("the text filter took some of them as literal values")
			.anyMatch((line) -> line.startsWith("alias=") && line.endsWith(" 200"));
		assertThat(countOfThisClientsEvents()).as("the events table is whole").isEqualTo(3);
		assertThat(output.getAll()).doesNotContain(ApiClient.KEY);
	}

	@Test
	void answersInjectionShapedPathValuesWithNotFoundOrBadRequest() {
		List<String> paths = List.of("/api/events/", "/api/records/", "/api/records/%s/steps", "/api/clients/",
				"/api/cases/", "/api/organisations/", "/api/forms/");
		for (String path : paths) {
			for (String value : INJECTIONS) {
				String encoded = ApiClient.pathSegment(value);
				String url = path.contains("%s") ? path.formatted(encoded) : path + encoded;
				Response response = this.api.get(url);

				assertThat(response.status()).as(url).isIn(400, 404);
			}
		}
		assertThat(countOfThisClientsEvents()).isEqualTo(3);
	}

	@Test
	void refusesOversizedCursorsWithoutReadingThem() {
		for (int length : new int[] { StreamCursor.MAX_LENGTH + 1, 1_000, 6_000, 20_000 }) {
			Response response = this.api.get(query("/api/events", "cursor", "A".repeat(length)));

			assertThat(response.status()).as("a cursor of %d characters", length).isEqualTo(400);
		}
	}

	@Test
	void refusesEveryForgedVariantOfARealCursor() {
		String real = this.api.get(query("/api/events", "client_id", this.client, "limit", 1))
			.json()
			.path("next_cursor")
			.asString();
		byte[] raw = Base64.getUrlDecoder().decode(real);
		for (int i = 0; i < raw.length; i++) {
			byte[] forged = raw.clone();
			forged[i] ^= 0x01;
			String cursor = Base64.getUrlEncoder().withoutPadding().encodeToString(forged);
			Response response = this.api.get(query("/api/events", "client_id", this.client, "cursor", cursor));

			assertThat(response.status()).as("byte %d changed", i).isEqualTo(400);
			assertThat(response.json().path("parameter").asString()).isEqualTo("cursor");
		}
		for (String cursor : List.of(real + "A", real.substring(1), real + "=", real.toUpperCase(), real + "%00")) {
			assertThat(this.api.get(query("/api/events", "cursor", cursor)).status()).as(cursor).isEqualTo(400);
		}
	}

	@Test
	void answersHandMadeCursorsAtTheEdgesOfTheirRangeWithoutFailing() {
		List<StreamCursor> edges = List.of(new StreamCursor(0, 1), new StreamCursor(-1L, Long.MAX_VALUE),
				new StreamCursor(Long.MAX_VALUE, 1), new StreamCursor(Long.MIN_VALUE, Long.MAX_VALUE));
		for (StreamCursor cursor : edges) {
			Response response = this.api.get(query("/api/events", "client_id", this.client, "cursor", cursor.encode()));

			assertThat(response.status()).as(cursor.toString()).isEqualTo(200);
			JsonNode data = response.json().path("data");
			assertThat(data.size()).as(cursor.toString()).isIn(0, 3);
		}
	}

	private Integer countOfThisClientsEvents() {
		return this.jdbc.queryForObject("select count(*) from events where client_id = ?", Integer.class, this.client);
	}

}
