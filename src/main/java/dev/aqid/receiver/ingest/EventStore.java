package dev.aqid.receiver.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Writes events with one
 * {@code INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING} per batch (a single
 * row is a batch of one) in its own (auto-commit) transaction: when it returns, the rows
 * are committed. The unique constraint on {@code dedupe_key} makes concurrent
 * redeliveries of one delivery collapse into one row; PostgreSQL makes the losers wait
 * for the winner's commit, so the follow-up read always finds the winner's id. After a
 * statement that stored events, channel {@value EventArrivals#CHANNEL} is notified.
 */
@Repository
class EventStore {

	private static final Logger log = LoggerFactory.getLogger(EventStore.class);

	/**
	 * One statement for any number of rows: one commit and one WAL flush per batch. It
	 * first claims each body's replay guard (a body stored within the replay window is a
	 * duplicate whatever its delivery id; a guard older than the window is taken over),
	 * then inserts the rows whose guard it claimed. Both go through unique constraints,
	 * so concurrent copies collapse into one row whichever key they share.
	 */
	private static final String INSERT_MANY = """
			with t as (
			    select * from unnest(?::text[], ?::text[], ?::bytea[], ?::int[], ?::text[], ?::text[], ?::bytea[],
			                         ?::text[], ?::text[], ?::text[], ?::text[], ?::int8[], ?::text[], ?::int8[],
			                         ?::text[], ?::int8[], ?::int8[], ?::text[]) with ordinality
			           as t(k, d, s, a, src, ct, b, p, al, ta, wu, ri, rt, ci, fr, cs, oi, tp, ord)),
			guarded as (
			    insert into replay_guards as g (body_sha256, dedupe_key)
			    select distinct on (s) s, k from t order by s, ord
			    on conflict (body_sha256) do update set dedupe_key = excluded.dedupe_key, guarded_at = now()
			     where g.guarded_at < now() - make_interval(secs => ?)
			    returning body_sha256, dedupe_key)
			insert into events (dedupe_key, delivery_id, body_sha256, attempt, source, content_type, raw_body,
			    payload, alias, triggered_at, webhook_uuid, record_id, record_type, client_id, form_reference,
			    case_id, organisation_id, trace_parent)
			select k, d, s, a, src, ct, b, cast(p as jsonb), al, cast(ta as timestamptz), wu, ri, rt, ci, fr, cs, oi, tp
			  from t join guarded on guarded.body_sha256 = t.s and guarded.dedupe_key = t.k
			 order by ord
			on conflict (dedupe_key) do nothing
			returning dedupe_key, id""";

	/**
	 * The event each row is a duplicate of: by its dedupe key, else by its body's guard.
	 */
	private static final String FIND_DUPLICATES = """
			select t.k,
			       (select e.id from events e where e.dedupe_key = t.k) as by_key,
			       (select e.id from replay_guards g join events e on e.dedupe_key = g.dedupe_key
			         where g.body_sha256 = t.s) as by_body
			  from unnest(?::text[], ?::bytea[]) as t(k, s)""";

	/**
	 * A guard whose event is gone (erased or past retention) guards nothing: the body may
	 * be stored again.
	 */
	private static final String DROP_ORPHANED_GUARD = """
			delete from replay_guards g
			 where g.body_sha256 = ?
			   and not exists (select 1 from events e where e.dedupe_key = g.dedupe_key)""";

	/**
	 * Wakes long-polling readers ({@link EventArrivals}) once a statement stored events.
	 * Sent after the insert committed, as a transaction of its own: PostgreSQL serialises
	 * the commits of notifying transactions (a lock held until the commit's WAL flush is
	 * done), so a NOTIFY inside the insert would let only one batch commit at a time.
	 */
	private static final String NOTIFY_ARRIVALS = "select pg_notify('" + EventArrivals.CHANNEL + "', '')";

	private static final int MAX_ROUNDS = 3;

	private final JdbcTemplate jdbc;

	private final long replayWindowSeconds;

	EventStore(DataSource dataSource, IngestProperties properties) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.jdbc.setQueryTimeout((int) Math.max(1, properties.storeTimeout().toSeconds()));
		this.replayWindowSeconds = properties.replayWindow().toSeconds();
	}

	/**
	 * Stores the row unless one with its dedupe key exists.
	 * @throws org.springframework.dao.DataAccessException when PostgreSQL refuses the row
	 * or cannot be reached
	 */
	StoredEvent store(EventRow row) {
		for (int round = 0; round < MAX_ROUNDS; round++) {
			StoredEvent event = storeAll(List.of(row)).get(row.dedupeKey());
			if (event != null) {
				return event;
			}
			// The conflicting row was deleted (retention, erasure) between insert and
			// look-up, or the body's guard outlived its event: again.
			this.jdbc.update(DROP_ORPHANED_GUARD, (Object) row.bodySha256());
		}
		throw new IllegalStateException("Could neither insert nor find the event for one delivery");
	}

	/**
	 * Stores many rows with one statement; rows whose dedupe key exists (also twice in
	 * {@code rows}) are not inserted again.
	 * @return the event of each row, by dedupe key
	 * @throws org.springframework.dao.DataAccessException when PostgreSQL refuses any row
	 * (then none is stored) or cannot be reached
	 */
	Map<String, StoredEvent> storeAll(List<EventRow> rows) {
		Map<String, StoredEvent> stored = new HashMap<>();
		this.jdbc.execute((Connection con) -> {
			try (PreparedStatement ps = con.prepareStatement(INSERT_MANY)) {
				ps.setQueryTimeout(this.jdbc.getQueryTimeout());
				bindAll(con, ps, rows);
				ps.setLong(19, this.replayWindowSeconds);
				try (ResultSet rs = ps.executeQuery()) {
					while (rs.next()) {
						stored.put(rs.getString(1), new StoredEvent(rs.getLong(2), false));
					}
				}
			}
			if (!stored.isEmpty()) {
				notifyArrivals(con);
			}
			return null;
		});
		List<EventRow> missing = rows.stream().filter((row) -> !stored.containsKey(row.dedupeKey())).toList();
		if (!missing.isEmpty()) {
			this.jdbc.execute((Connection con) -> {
				try (PreparedStatement ps = con.prepareStatement(FIND_DUPLICATES)) {
					ps.setQueryTimeout(this.jdbc.getQueryTimeout());
					ps.setArray(1, con.createArrayOf("text",
							missing.stream().map(EventRow::dedupeKey).toArray(String[]::new)));
					ps.setArray(2, con.createArrayOf("bytea",
							missing.stream().map(EventRow::bodySha256).toArray(byte[][]::new)));
					try (ResultSet rs = ps.executeQuery()) {
						while (rs.next()) {
							long byKey = rs.getLong(2);
							boolean foundByKey = !rs.wasNull();
							long byBody = rs.getLong(3);
							boolean foundByBody = !rs.wasNull();
							if (foundByKey || foundByBody) {
								stored.putIfAbsent(rs.getString(1),
										new StoredEvent(foundByKey ? byKey : byBody, true, !foundByKey));
							}
						}
					}
				}
				return null;
			});
		}
		return stored;
	}

	/**
	 * The rows are committed (auto-commit) when this runs; a failure here loses nothing:
	 * waiters re-read on their recheck interval anyway.
	 */
	private static void notifyArrivals(Connection con) {
		try (PreparedStatement ps = con.prepareStatement(NOTIFY_ARRIVALS)) {
			ps.execute();
		}
		catch (SQLException ex) {
			log.debug("Could not notify {} of stored events: {}", EventArrivals.CHANNEL, ex.toString());
		}
	}

	private static void bindAll(Connection con, PreparedStatement ps, List<EventRow> rows) throws SQLException {
		int n = rows.size();
		String[] keys = new String[n];
		String[] deliveryIds = new String[n];
		byte[][] hashes = new byte[n][];
		Integer[] attempts = new Integer[n];
		String[] sources = new String[n];
		String[] contentTypes = new String[n];
		byte[][] bodies = new byte[n][];
		String[] payloads = new String[n];
		String[] aliases = new String[n];
		String[] triggeredAt = new String[n];
		String[] webhookUuids = new String[n];
		Long[] recordIds = new Long[n];
		String[] recordTypes = new String[n];
		Long[] clientIds = new Long[n];
		String[] formReferences = new String[n];
		Long[] caseIds = new Long[n];
		Long[] organisationIds = new Long[n];
		String[] traceParents = new String[n];
		for (int i = 0; i < n; i++) {
			EventRow row = rows.get(i);
			DeliveryContent content = row.content();
			keys[i] = row.dedupeKey();
			deliveryIds[i] = row.deliveryId();
			hashes[i] = row.bodySha256();
			attempts[i] = row.attempt();
			sources[i] = row.source().name().toLowerCase(Locale.ROOT);
			contentTypes[i] = row.contentType();
			bodies[i] = row.body();
			payloads[i] = content.json();
			aliases[i] = content.alias();
			triggeredAt[i] = (content.triggeredAt() != null) ? content.triggeredAt().toString() : null;
			webhookUuids[i] = content.webhookUuid();
			recordIds[i] = content.recordId();
			recordTypes[i] = content.recordType();
			clientIds[i] = content.clientId();
			formReferences[i] = content.formReference();
			caseIds[i] = content.caseId();
			organisationIds[i] = content.organisationId();
			traceParents[i] = row.traceParent();
		}
		Object[][] columns = { keys, deliveryIds, hashes, attempts, sources, contentTypes, bodies, payloads, aliases,
				triggeredAt, webhookUuids, recordIds, recordTypes, clientIds, formReferences, caseIds, organisationIds,
				traceParents };
		String[] types = { "text", "text", "bytea", "int4", "text", "text", "bytea", "text", "text", "text", "text",
				"int8", "text", "int8", "text", "int8", "int8", "text" };
		for (int c = 0; c < columns.length; c++) {
			ps.setArray(c + 1, con.createArrayOf(types[c], columns[c]));
		}
	}

	/**
	 * One delivery as the events table stores it.
	 *
	 * @param traceParent the W3C traceparent of the span that stored it (null with
	 * tracing off)
	 */
	record EventRow(String dedupeKey, String deliveryId, byte[] bodySha256, Integer attempt,
			IncomingDelivery.Source source, String contentType, byte[] body, DeliveryContent content,
			@Nullable String traceParent) {

		EventRow withoutContent() {
			return new EventRow(this.dedupeKey, this.deliveryId, this.bodySha256, this.attempt, this.source,
					this.contentType, this.body, DeliveryContent.OPAQUE, this.traceParent);
		}

	}

}
