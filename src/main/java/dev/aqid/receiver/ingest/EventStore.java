package dev.aqid.receiver.ingest;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Writes events with one {@code INSERT ... ON CONFLICT DO NOTHING} in its own
 * (auto-commit) transaction: when it returns, the row is committed. The unique constraint
 * on {@code dedupe_key} makes concurrent redeliveries of one delivery collapse into one
 * row; PostgreSQL makes the losers wait for the winner's commit, so the follow-up read
 * always finds the winner's id.
 */
@Repository
class EventStore {

	private static final String INSERT = """
			insert into events (dedupe_key, delivery_id, body_sha256, attempt, source, content_type, raw_body,
			    payload, alias, triggered_at, webhook_uuid, record_id, record_type, client_id, form_reference,
			    case_id, organisation_id)
			values (?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?, ?, ?, ?, ?, ?, ?, ?, ?)
			on conflict (dedupe_key) do nothing
			returning id""";

	private static final String FIND_BY_DEDUPE_KEY = "select id from events where dedupe_key = ?";

	private static final int MAX_ROUNDS = 3;

	private final JdbcTemplate jdbc;

	EventStore(DataSource dataSource, IngestProperties properties) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.jdbc.setQueryTimeout((int) Math.max(1, properties.storeTimeout().toSeconds()));
	}

	/**
	 * Stores the row unless one with its dedupe key exists.
	 * @throws org.springframework.dao.DataAccessException when PostgreSQL refuses the row
	 * or cannot be reached
	 */
	StoredEvent store(EventRow row) {
		for (int round = 0; round < MAX_ROUNDS; round++) {
			Long inserted = this.jdbc.execute((con) -> con.prepareStatement(INSERT), (PreparedStatement ps) -> {
				bind(ps, row);
				return firstId(ps.executeQuery());
			});
			if (inserted != null) {
				return new StoredEvent(inserted, false);
			}
			Long existing = this.jdbc.execute((con) -> con.prepareStatement(FIND_BY_DEDUPE_KEY),
					(PreparedStatement ps) -> {
						ps.setString(1, row.dedupeKey());
						return firstId(ps.executeQuery());
					});
			if (existing != null) {
				return new StoredEvent(existing, true);
			}
			// The conflicting row was deleted (retention) between the two statements:
			// insert
			// again.
		}
		throw new IllegalStateException("Could neither insert nor find the event for one delivery");
	}

	private static Long firstId(ResultSet rs) throws SQLException {
		try (rs) {
			return rs.next() ? rs.getLong(1) : null;
		}
	}

	private static void bind(PreparedStatement ps, EventRow row) throws SQLException {
		DeliveryContent content = row.content();
		ps.setString(1, row.dedupeKey());
		setText(ps, 2, row.deliveryId());
		ps.setBytes(3, row.bodySha256());
		if (row.attempt() != null) {
			ps.setInt(4, row.attempt());
		}
		else {
			ps.setNull(4, Types.INTEGER);
		}
		ps.setString(5, row.source().name().toLowerCase(java.util.Locale.ROOT));
		setText(ps, 6, row.contentType());
		ps.setBytes(7, row.body());
		setText(ps, 8, content.json());
		setText(ps, 9, content.alias());
		setInstant(ps, 10, content.triggeredAt());
		setText(ps, 11, content.webhookUuid());
		setId(ps, 12, content.recordId());
		setText(ps, 13, content.recordType());
		setId(ps, 14, content.clientId());
		setText(ps, 15, content.formReference());
		setId(ps, 16, content.caseId());
		setId(ps, 17, content.organisationId());
	}

	private static void setText(PreparedStatement ps, int index, String value) throws SQLException {
		if (value != null) {
			ps.setString(index, value);
		}
		else {
			ps.setNull(index, Types.VARCHAR);
		}
	}

	private static void setId(PreparedStatement ps, int index, Long value) throws SQLException {
		if (value != null) {
			ps.setLong(index, value);
		}
		else {
			ps.setNull(index, Types.BIGINT);
		}
	}

	private static void setInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
		if (value != null) {
			ps.setObject(index, value.atOffset(ZoneOffset.UTC));
		}
		else {
			ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
		}
	}

	/**
	 * One delivery as the events table stores it.
	 */
	record EventRow(String dedupeKey, String deliveryId, byte[] bodySha256, Integer attempt,
			IncomingDelivery.Source source, String contentType, byte[] body, DeliveryContent content) {

		EventRow withoutContent() {
			return new EventRow(this.dedupeKey, this.deliveryId, this.bodySha256, this.attempt, this.source,
					this.contentType, this.body, DeliveryContent.OPAQUE);
		}

	}

}
