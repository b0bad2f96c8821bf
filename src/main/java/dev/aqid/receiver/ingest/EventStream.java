package dev.aqid.receiver.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Reads the events table as a stream ordered by {@code (insert_xid, id)}.
 * <p>
 * Only events whose inserting transaction ended before every transaction still running
 * ({@code insert_xid < pg_snapshot_xmin(pg_current_snapshot())}) are shown: any event
 * that commits later has a larger {@code insert_xid} than all of them, so a consumer that
 * keeps the last {@code (insert_xid, id)} it saw never misses one. Ordering by the
 * identity id alone would: a transaction holding a smaller id can commit after a larger
 * id is already visible.
 */
@Repository
public class EventStream {

	private static final String COLUMNS = """
			id, delivery_id, alias, received_at, triggered_at, attempt, source, webhook_uuid, content_type,
			record_id, record_type, client_id, form_reference, case_id, organisation_id,
			enrichment_status, enrichment_attempts, last_error, enriched_at, next_attempt_at, replayed_at,
			payload is not null as parsed, raw_body, insert_xid::text as stream_xid""";

	private final JdbcTemplate jdbc;

	EventStream(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** Up to {@code limit} events after {@code after} (null: from the start). */
	public List<Positioned> page(EventFilter filter, Position after, int limit) {
		StringBuilder where = new StringBuilder("where insert_xid < pg_snapshot_xmin(pg_current_snapshot())");
		List<Object> args = new ArrayList<>();
		if (after != null) {
			where.append("\n   and (insert_xid, id) > (cast(? as xid8), ?)");
			args.add(after.insertXidText());
			args.add(after.id());
		}
		appendFilter(filter, where, args);
		String sql = scanTimeWindowFirst(filter, after)
				? "with in_window as materialized (select " + COLUMNS + ", insert_xid as position_xid from events\n"
						+ where + ")\nselect * from in_window order by position_xid, id limit ?"
				: "select " + COLUMNS + "\n from events\n" + where + "\n order by insert_xid, id\n limit ?";
		args.add(limit);
		return this.jdbc.query(sql, this::positioned, args.toArray());
	}

	/**
	 * Up to {@code limit} events before {@code before} (null: from the newest), newest
	 * first: the console's view of the stream. The same visibility rule as {@link #page},
	 * so that a reader who then follows {@link #page} from the newest event shown misses
	 * nothing; each filter's index is read backwards and the scan stops after
	 * {@code limit} rows.
	 */
	public List<Positioned> latest(EventFilter filter, Position before, int limit) {
		StringBuilder where = new StringBuilder("where insert_xid < pg_snapshot_xmin(pg_current_snapshot())");
		List<Object> args = new ArrayList<>();
		if (before != null) {
			where.append("\n   and (insert_xid, id) < (cast(? as xid8), ?)");
			args.add(before.insertXidText());
			args.add(before.id());
		}
		appendFilter(filter, where, args);
		args.add(limit);
		return this.jdbc.query(
				"select " + COLUMNS + "\n from events\n" + where + "\n order by insert_xid desc, id desc\n limit ?",
				this::positioned, args.toArray());
	}

	/**
	 * Pending events that look stuck: due for longer than until {@code dueBefore} (no
	 * worker has taken them: enrichment is off, paused or behind), or already retried
	 * after a failed attempt; longest overdue first. Served by the index of due pending
	 * events, and stops after {@code limit} rows.
	 */
	public List<EventView> stuck(Instant dueBefore, int limit) {
		return this.jdbc.query("select " + COLUMNS + """
				 from events
				where enrichment_status = 'pending' and (next_attempt_at < ? or enrichment_attempts > 0)
				order by next_attempt_at, id
				limit ?""", this::positioned, OffsetDateTime.ofInstant(dueBefore, ZoneOffset.UTC), limit)
			.stream()
			.map(Positioned::event)
			.toList();
	}

	/** Ids handed to one call of a bulk operation by {@link #inBatches}. */
	public static final int ID_BATCH = 1000;

	/**
	 * Walks every event matching the filter in id order, {@link #ID_BATCH} ids at a time,
	 * and hands each batch to the action: a bulk operation (a replay of 100,000 events)
	 * does its work batch by batch, each its own short transaction, so it never holds a
	 * lock the ingest path waits on for long.
	 * @param action what to do with a batch, answering how many it affected
	 * @return the sum of the action's answers
	 */
	public long inBatches(EventFilter filter, ToLongFunction<List<Long>> action) {
		long affected = 0;
		long after = 0;
		List<Long> batch;
		do {
			batch = ids(filter, after, ID_BATCH);
			if (!batch.isEmpty()) {
				affected += action.applyAsLong(batch);
				after = batch.get(batch.size() - 1);
			}
		}
		while (batch.size() == ID_BATCH);
		return affected;
	}

	/**
	 * The ids of up to {@code limit} events matching the filter with an id above
	 * {@code afterId}, in id order: a bulk operation walks the matches batch by batch.
	 */
	public List<Long> ids(EventFilter filter, long afterId, int limit) {
		StringBuilder where = new StringBuilder("where id > ?");
		List<Object> args = new ArrayList<>();
		args.add(afterId);
		appendFilter(filter, where, args);
		args.add(limit);
		return this.jdbc.queryForList("select id from events " + where + " order by id limit ?", Long.class,
				args.toArray());
	}

	private static void appendFilter(EventFilter filter, StringBuilder where, List<Object> args) {
		EventFilter.AliasPattern alias = filter.alias();
		if (alias != null && alias.exact() != null) {
			where.append("\n   and alias = ?");
			args.add(alias.exact());
		}
		else if (alias != null) {
			// A byte-wise range, served by the text_pattern_ops index
			// whatever the collation.
			where.append("\n   and alias ~>=~ ? and alias ~<~ ?");
			args.add(alias.prefix());
			args.add(alias.prefixEnd());
		}
		if (filter.recordId() != null) {
			where.append("\n   and record_id = ?");
			args.add(filter.recordId());
		}
		if (filter.clientId() != null) {
			where.append("\n   and client_id = ?");
			args.add(filter.clientId());
		}
		if (filter.status() != null) {
			// A literal from the enum, not a parameter, so that the planner can match the
			// partial index on the statuses other than 'enriched' in every plan.
			where.append("\n   and enrichment_status = '").append(filter.status().name()).append('\'');
		}
		if (filter.receivedAfter() != null) {
			where.append("\n   and received_at >= ?");
			args.add(filter.receivedAfter());
		}
		if (filter.receivedBefore() != null) {
			where.append("\n   and received_at < ?");
			args.add(filter.receivedBefore());
		}
	}

	/**
	 * Whether a time window is better read first (through the BRIN index on
	 * {@code received_at}) and then sorted, than found by walking the stream from its
	 * start. Walking costs the events received before the window, reading it first costs
	 * the events in it; PostgreSQL cannot tell the two apart under a LIMIT (it assumes
	 * matching rows are spread evenly through the stream, whereas they sit together), so
	 * this compares them from the times of the oldest and newest events, assuming a
	 * steady arrival rate. Only for a first page: a cursor already starts the walk in
	 * place.
	 */
	private boolean scanTimeWindowFirst(EventFilter filter, Position after) {
		if (after != null || (filter.receivedAfter() == null && filter.receivedBefore() == null)) {
			return false;
		}
		List<Instant> ends = this.jdbc.query("""
				(select received_at from events order by insert_xid, id limit 1)
				union all
				(select received_at from events order by insert_xid desc, id desc limit 1)""",
				(rs, row) -> rs.getObject(1, OffsetDateTime.class).toInstant());
		if (ends.size() < 2 || !ends.get(1).isAfter(ends.get(0))) {
			return false;
		}
		long oldest = ends.get(0).toEpochMilli();
		long newest = ends.get(1).toEpochMilli();
		long from = (filter.receivedAfter() != null)
				? Math.min(Math.max(filter.receivedAfter().toInstant().toEpochMilli(), oldest), newest) : oldest;
		long to = (filter.receivedBefore() != null)
				? Math.min(Math.max(filter.receivedBefore().toInstant().toEpochMilli(), oldest), newest) : newest;
		long before = from - oldest;
		long inWindow = to - from;
		// An empty window (before the oldest, after the newest) is found at once too.
		return inWindow <= 0 || before > inWindow;
	}

	public Optional<EventView> find(long id) {
		return this.jdbc.query("select " + COLUMNS + " from events where id = ?", this::positioned, id)
			.stream()
			.findFirst()
			.map(Positioned::event);
	}

	private Positioned positioned(ResultSet rs, int row) throws SQLException {
		long id = rs.getLong("id");
		EventView.Enrichment enrichment = new EventView.Enrichment(
				EnrichmentStatus.valueOf(rs.getString("enrichment_status")), rs.getInt("enrichment_attempts"),
				rs.getString("last_error"), instant(rs, "enriched_at"), instant(rs, "next_attempt_at"),
				instant(rs, "replayed_at"));
		byte[] body = rs.getBytes("raw_body");
		String payload = null;
		String bodyBase64 = null;
		if (rs.getBoolean("parsed")) {
			payload = strictUtf8(body);
			if (payload == null) {
				// Not UTF-8 (PostgreSQL parsed a repaired copy): show that
				// copy, and the bytes.
				payload = this.jdbc.queryForObject("select payload::text from events where id = ?", String.class, id);
				bodyBase64 = Base64.getEncoder().encodeToString(body);
			}
		}
		else {
			bodyBase64 = Base64.getEncoder().encodeToString(body);
		}
		EventView event = new EventView(Long.toString(id), rs.getString("delivery_id"), rs.getString("alias"),
				instant(rs, "received_at"), instant(rs, "triggered_at"), integer(rs, "attempt"), rs.getString("source"),
				rs.getString("webhook_uuid"), rs.getString("content_type"), id(rs, "record_id"),
				rs.getString("record_type"), id(rs, "client_id"), rs.getString("form_reference"), id(rs, "case_id"),
				id(rs, "organisation_id"), enrichment, payload, bodyBase64);
		return new Positioned(event, Position.of(rs.getString("stream_xid"), id));
	}

	private static String strictUtf8(byte[] bytes) {
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
		}
		catch (CharacterCodingException ex) {
			return null;
		}
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

	private static Long id(ResultSet rs, String column) throws SQLException {
		long value = rs.getLong(column);
		return rs.wasNull() ? null : value;
	}

	private static Integer integer(ResultSet rs, String column) throws SQLException {
		int value = rs.getInt(column);
		return rs.wasNull() ? null : value;
	}

	/**
	 * An event and its place in the stream.
	 */
	public record Positioned(EventView event, Position position) {

	}

	/**
	 * A place in the stream: just after this event.
	 *
	 * @param insertXid the inserting transaction's id ({@code xid8}, unsigned)
	 * @param id the event's id
	 */
	public record Position(long insertXid, long id) {

		/**
		 * A position from the xid in the decimal form PostgreSQL writes an {@code xid8}.
		 */
		public static Position of(String insertXid, long id) {
			return new Position(Long.parseUnsignedLong(insertXid), id);
		}

		/** The xid in the decimal form PostgreSQL reads as {@code xid8}. */
		public String insertXidText() {
			return Long.toUnsignedString(this.insertXid);
		}

	}

}
