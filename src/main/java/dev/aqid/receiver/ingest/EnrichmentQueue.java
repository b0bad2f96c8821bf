package dev.aqid.receiver.ingest;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The events table seen as the enrichment queue: the enrichment module's way to claim
 * events and change their enrichment state (the table is ingest's). Workers claim due
 * events with {@code FOR UPDATE SKIP LOCKED} and a lease; every state change names the
 * lease owner, so a worker whose lease ran out (and whose events another worker took
 * over) changes nothing.
 */
@Repository
public class EnrichmentQueue {

	private static final String CLAIM = """
			update events e
			   set lease_owner = ?, lease_until = now() + make_interval(secs => ?)
			  from (select id from events
			         where enrichment_status = 'pending' and next_attempt_at <= now()
			           and received_at <= now() - make_interval(secs => ?)
			           and (lease_until is null or lease_until < now())
			         order by next_attempt_at
			         limit ?
			         for update skip locked) due
			 where e.id = due.id
			returning e.id, e.alias, e.record_id, e.record_type, e.client_id, e.form_reference, e.case_id,
			          e.organisation_id, e.received_at, greatest(e.received_at, e.replayed_at) as fresh_after,
			          e.enrichment_attempts""";

	private static final String REQUEUE = """
			update events set enrichment_status = 'pending', enrichment_attempts = 0, next_attempt_at = now(),
			       last_error = null, lease_owner = null, lease_until = null, replayed_at = now()
			 where id = any(?)""";

	private final JdbcTemplate jdbc;

	EnrichmentQueue(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	public List<ClaimedEvent> claim(String owner, int limit, Duration lease, Duration settleDelay) {
		return this.jdbc.query(CLAIM, EnrichmentQueue::claimedEvent, owner, seconds(lease), seconds(settleDelay),
				limit);
	}

	/**
	 * Marks the events enriched; returns when each arrived (or was replayed) for the lag
	 * metric.
	 */
	public List<Instant> markEnriched(Collection<Long> ids, String owner) {
		if (ids.isEmpty()) {
			return List.of();
		}
		return this.jdbc.query("""
				update events set enrichment_status = 'enriched', enriched_at = now(), last_error = null,
				       enrichment_attempts = enrichment_attempts + 1, lease_owner = null, lease_until = null
				 where id = any(?) and lease_owner = ?
				returning greatest(received_at, replayed_at)""", (rs, row) -> rs.getTimestamp(1).toInstant(), ids(ids),
				owner);
	}

	public void markSkipped(long id, String owner, String reason) {
		this.jdbc.update("""
				update events set enrichment_status = 'skipped', last_error = ?, enriched_at = null,
				       lease_owner = null, lease_until = null
				 where id = ? and lease_owner = ?""", reason, id, owner);
	}

	public void markFailed(long id, String owner, String error) {
		this.jdbc.update("""
				update events set enrichment_status = 'failed', last_error = ?,
				       enrichment_attempts = enrichment_attempts + 1, lease_owner = null, lease_until = null
				 where id = ? and lease_owner = ?""", error, id, owner);
	}

	public void scheduleRetry(long id, String owner, String error, Duration delay) {
		this.jdbc.update("""
				update events set last_error = ?, enrichment_attempts = enrichment_attempts + 1,
				       next_attempt_at = now() + make_interval(secs => ?), lease_owner = null, lease_until = null
				 where id = ? and lease_owner = ?""", error, seconds(delay), id, owner);
	}

	/**
	 * Gives events back without counting an attempt: the fault was not theirs (rate
	 * limit, credentials, shutdown).
	 */
	public void release(Collection<Long> ids, String owner, String reason, Instant notBefore) {
		if (ids.isEmpty()) {
			return;
		}
		this.jdbc.update("""
				update events set last_error = coalesce(?, last_error), next_attempt_at = greatest(next_attempt_at, ?),
				       lease_owner = null, lease_until = null
				 where id = any(?) and lease_owner = ?""", reason, Timestamp.from(notBefore), ids(ids), owner);
	}

	/** Releases every lease the given owners hold (at shutdown). */
	public int releaseAll(String ownerPrefix) {
		return this.jdbc.update(
				"update events set lease_owner = null, lease_until = null where lease_owner like ? || '%'",
				ownerPrefix);
	}

	/**
	 * Puts events back in the queue, due now, asking for fresh snapshots of what they
	 * refer to; one short statement (its own transaction) for the lot.
	 * @return how many of them exist
	 */
	public int requeue(Collection<Long> ids) {
		return ids.isEmpty() ? 0 : this.jdbc.update(REQUEUE, (Object) ids(ids));
	}

	public long pendingCount() {
		Long count = this.jdbc.queryForObject("select count(*) from events where enrichment_status = 'pending'",
				Long.class);
		return (count != null) ? count : 0;
	}

	private static double seconds(Duration duration) {
		return duration.toMillis() / 1000.0;
	}

	private Long[] ids(Collection<Long> ids) {
		return ids.toArray(Long[]::new);
	}

	private static ClaimedEvent claimedEvent(ResultSet rs, int row) throws SQLException {
		return new ClaimedEvent(rs.getLong("id"), rs.getString("alias"), nullableLong(rs, "record_id"),
				rs.getString("record_type"), nullableLong(rs, "client_id"), rs.getString("form_reference"),
				nullableLong(rs, "case_id"), nullableLong(rs, "organisation_id"),
				rs.getTimestamp("received_at").toInstant(), rs.getTimestamp("fresh_after").toInstant(),
				rs.getInt("enrichment_attempts"));
	}

	private static Long nullableLong(ResultSet rs, String column) throws SQLException {
		long value = rs.getLong(column);
		return rs.wasNull() ? null : value;
	}

}
