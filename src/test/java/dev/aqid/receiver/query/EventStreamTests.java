package dev.aqid.receiver.query;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

import javax.sql.DataSource;

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
 * Following the event stream with cursors: pages in order, nothing skipped or repeated,
 * also when events arrive between pages and when an older transaction commits after newer
 * ones.
 */
@ReceiverServerTest
class EventStreamTests {

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	DataSource dataSource;

	WebhookClient webhooks;

	ApiClient api;

	long client;

	long nextRecord = 1;

	@BeforeEach
	void setUp() {
		this.webhooks = new WebhookClient(this.port);
		this.api = ApiClient.withKey(this.port);
		this.client = ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_000_000_000L);
	}

	@Test
	void pagesThroughTheStreamOldestFirstWithoutRepeatingOrSkipping() {
		List<String> delivered = deliver(7);

		Page first = page(null, 3);
		Page second = page(first.nextCursor(), 3);
		Page third = page(second.nextCursor(), 3);
		Page end = page(third.nextCursor(), 3);

		assertThat(first.ids()).containsExactlyElementsOf(delivered.subList(0, 3));
		assertThat(second.ids()).containsExactlyElementsOf(delivered.subList(3, 6));
		assertThat(third.ids()).containsExactlyElementsOf(delivered.subList(6, 7));
		assertThat(third.nextCursor()).as("the last, partial page still has a cursor to poll with").isNotNull();
		assertThat(end.ids()).isEmpty();
		assertThat(end.nextCursor()).as("an empty page keeps the consumer where it was").isEqualTo(third.nextCursor());
	}

	@Test
	void answersAnEmptyFirstPageWithANullCursor() {
		Page empty = page(null, 10);

		assertThat(empty.ids()).isEmpty();
		assertThat(empty.nextCursor()).isNull();
	}

	@Test
	void showsEventsThatArriveBetweenPagesOnLaterPages() {
		List<String> delivered = new ArrayList<>(deliver(3));
		Page first = page(null, 2);
		delivered.addAll(deliver(2));
		Page second = page(first.nextCursor(), 2);
		delivered.addAll(deliver(1));
		Page third = page(second.nextCursor(), 2);
		Page fourth = page(third.nextCursor(), 2);

		List<String> seen = new ArrayList<>();
		List.of(first, second, third, fourth).forEach((page) -> seen.addAll(page.ids()));
		assertThat(seen).containsExactlyElementsOf(delivered);
		assertThat(fourth.ids()).isEmpty();
	}

	@Test
	void followsTheWholeUnfilteredStreamFromItsEnd() {
		String cursor = null;
		for (int round = 0; round < 1000; round++) {
			JsonNode page = this.api.get(query("/api/events", "limit", 100, "cursor", cursor)).json();
			if (page.path("data").isEmpty()) {
				break;
			}
			cursor = page.path("next_cursor").asString();
		}
		List<String> delivered = deliver(3);

		Response next = this.api.get(query("/api/events", "limit", 2, "cursor", cursor));
		Response rest = this.api
			.get(query("/api/events", "limit", 2, "cursor", next.json().path("next_cursor").asString()));

		assertThat(ids(next.json())).containsExactlyElementsOf(delivered.subList(0, 2));
		assertThat(ids(rest.json())).containsExactlyElementsOf(delivered.subList(2, 3));
	}

	/**
	 * Ids are allocated at insert time, so an event whose transaction is slow to commit
	 * can have a smaller id than events already visible. A consumer that had moved past
	 * those newer events would never see it; the stream holds them back until the older
	 * transaction has ended, then shows all of them in order.
	 */
	@Test
	void neverSkipsAnEventWhoseTransactionCommitsAfterNewerOnes() throws Exception {
		List<String> seen = new ArrayList<>();
		List<String> before = deliver(2);
		Page start = page(null, 10);
		seen.addAll(start.ids());

		List<String> newer;
		String held;
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			try {
				held = insertEvent(connection);
				newer = deliver(2);
				assertThat(Long.valueOf(newer.get(0))).isGreaterThan(Long.valueOf(held));
				assertThat(this.jdbc.queryForObject("select count(*) from events where id = any(?::bigint[])",
						Integer.class, "{" + String.join(",", newer) + "}"))
					.as("the newer events are committed and visible to everyone")
					.isEqualTo(2);

				Page whileHeld = page(start.nextCursor(), 10);
				seen.addAll(whileHeld.ids());
				assertThat(whileHeld.ids()).as("held back behind the open transaction").isEmpty();
				assertThat(whileHeld.nextCursor()).isEqualTo(start.nextCursor());
				connection.commit();
			}
			catch (Exception | AssertionError ex) {
				connection.rollback();
				throw ex;
			}
			finally {
				connection.setAutoCommit(true);
			}
		}
		Page afterCommit = page(start.nextCursor(), 10);
		seen.addAll(afterCommit.ids());
		Page end = page(afterCommit.nextCursor(), 10);
		seen.addAll(end.ids());

		assertThat(afterCommit.ids()).containsExactly(held, newer.get(0), newer.get(1));
		assertThat(seen).containsExactly(before.get(0), before.get(1), held, newer.get(0), newer.get(1));
	}

	@Test
	void ordersByInsertingTransactionNumericallyNeitherByIdNorAsText() {
		// Rows written with explicit transaction numbers: the later id carries the
		// earlier transaction, and 9 sorts after 10 as text.
		String tenth = insertEventWithXid(10);
		String ninth = insertEventWithXid(9);

		assertThat(page(null, 10).ids()).containsExactly(ninth, tenth);
	}

	@Test
	void defaultsToFiftyEventsAPage() {
		deliver(51);

		assertThat(this.api.get(query("/api/events", "client_id", this.client)).json().path("data")).hasSize(50);
	}

	@Test
	void acceptsLimitsFromOneToAHundred() {
		deliver(2);

		assertThat(page(null, 1).ids()).hasSize(1);
		assertThat(page(null, 100).ids()).hasSize(2);
	}

	@Test
	void refusesLimitsOutsideOneToAHundred() {
		for (String limit : List.of("0", "101", "-1", "1000000000000", "ten", "1.5")) {
			Response response = this.api.get(query("/api/events", "limit", limit));

			assertThat(response.status()).as(limit).isEqualTo(400);
			assertThat(response.contentType()).startsWith("application/problem+json");
			assertThat(response.json().path("title").asString()).isEqualTo("Bad Request");
			assertThat(response.json().path("detail").asString()).contains("limit");
			assertThat(response.json().path("parameter").asString()).isEqualTo("limit");
		}
	}

	@Test
	void refusesCursorsItDidNotWrite() {
		deliver(1);
		String cursor = page(null, 1).nextCursor();
		byte[] raw = Base64.getUrlDecoder().decode(cursor);
		raw[12] ^= 1;
		String edited = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
		String otherVersion = cursor.replaceFirst("^A", "B");
		String wrongLength = Base64.getUrlEncoder().encodeToString("v1.123.456".getBytes(StandardCharsets.UTF_8));

		for (String bad : List.of("garbage!!", "AAAA", edited, otherVersion, wrongLength, cursor + cursor,
				"x".repeat(2_000))) {
			Response response = this.api.get(query("/api/events", "cursor", bad));

			assertThat(response.status()).as(bad).isEqualTo(400);
			assertThat(response.contentType()).startsWith("application/problem+json");
			assertThat(response.json().path("title").asString()).isEqualTo("Bad Request");
			assertThat(response.json().path("detail").asString()).contains("cursor");
			assertThat(response.json().path("parameter").asString()).isEqualTo("cursor");
		}
	}

	private String insertEvent(Connection connection) throws Exception {
		String body = WebhookClient.recordEvent("record.updated", 77, this.client);
		try (PreparedStatement insert = connection.prepareStatement("""
				insert into events (dedupe_key, body_sha256, raw_body, payload, alias, record_id, client_id)
				values (?, sha256(?), ?, cast(? as jsonb), 'record.updated', 77, ?) returning id""")) {
			byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
			insert.setString(1, "d:" + UUID.randomUUID());
			insert.setBytes(2, bytes);
			insert.setBytes(3, bytes);
			insert.setString(4, body);
			insert.setLong(5, this.client);
			try (ResultSet rs = insert.executeQuery()) {
				rs.next();
				return Long.toString(rs.getLong(1));
			}
		}
	}

	private String insertEventWithXid(long xid) {
		String body = WebhookClient.recordEvent("record.updated", xid, this.client);
		return this.jdbc.queryForObject("""
				insert into events (dedupe_key, body_sha256, raw_body, payload, alias, client_id, insert_xid)
				values (?, sha256(convert_to(?, 'UTF8')), convert_to(?, 'UTF8'), cast(? as jsonb), 'record.updated', ?,
				        cast(? as xid8))
				returning id::text""", String.class, "d:" + UUID.randomUUID(), body, body, body, this.client,
				Long.toString(xid));
	}

	/** Delivers distinct events: each about a record of its own, so no body repeats. */
	private List<String> deliver(int count) {
		return IntStream.range(0, count)
			.mapToObj((i) -> this.webhooks
				.deliver(WebhookClient.recordEvent("record.updated", this.nextRecord++, this.client),
						UUID.randomUUID().toString())
				.eventId())
			.toList();
	}

	private Page page(String cursor, int limit) {
		Response response = this.api
			.get(query("/api/events", "client_id", this.client, "limit", limit, "cursor", cursor));
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		JsonNode json = response.json();
		JsonNode next = json.path("next_cursor");
		assertThat(json.has("next_cursor")).isTrue();
		return new Page(ids(json), next.isNull() ? null : next.asString());
	}

	private static List<String> ids(JsonNode page) {
		List<String> ids = new ArrayList<>();
		page.path("data").forEach((event) -> ids.add(event.path("event_id").asString()));
		return ids;
	}

	record Page(List<String> ids, String nextCursor) {

	}

}
