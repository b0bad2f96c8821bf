package dev.aqid.receiver.forwarding;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.aqid.receiver.forwarding.ForwardingDestinations.Delivery;
import dev.aqid.receiver.ingest.EventSettled;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The {@code outbox} table: one row per settled event and matching destination, the
 * delivery's work item. Plain SQL rather than an entity: every change is one guarded
 * statement ({@code where lease_owner = ?}), so a worker whose lease ran out (and whose
 * row another worker took over, or a replay reset) changes nothing.
 */
@Repository
@Transactional
class Outbox {

	private final JdbcTemplate jdbc;

	Outbox(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Queues the event for the destination; an event that settles again (a replay of its
	 * enrichment) starts a new attempt series on the same row, hence the same
	 * {@code webhook-id}. Joins the caller's transaction: the settling one.
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	void queue(EventSettled event, String destination) {
		this.jdbc.update("""
				insert into outbox (event_id, destination, alias, order_key, received_at, trace_parent)
				values (?, ?, ?, ?, ?, ?)
				on conflict (event_id, destination) do update
				   set status = 'pending', attempts = 0, next_attempt_at = now(), lease_owner = null,
				       lease_until = null, last_error = null, delivered_at = null, queued_at = now()""",
				event.eventId(), destination, event.alias(), orderKey(event),
				OffsetDateTime.ofInstant(event.receivedAt(), java.time.ZoneOffset.UTC), event.traceParent());
	}

	/**
	 * Deletes every delivery of these events (they were erased). Joins the erasing
	 * transaction.
	 * @return how many rows
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	int forget(List<Long> eventIds) {
		if (eventIds.isEmpty()) {
			return 0;
		}
		return this.jdbc.update("delete from outbox where event_id = any(?)",
				(ps) -> ps.setArray(1, ps.getConnection().createArrayOf("bigint", eventIds.toArray())));
	}

	/** Record, else client, else case: what one destination receives in event order. */
	static @Nullable String orderKey(EventSettled event) {
		if (event.recordId() != null) {
			return "record:" + event.recordId();
		}
		if (event.clientId() != null) {
			return "client:" + event.clientId();
		}
		if (event.caseId() != null) {
			return "case:" + event.caseId();
		}
		return null;
	}

	/**
	 * Leases up to {@code limit} due rows of the destination to {@code owner}, skipping
	 * rows other workers hold locked. A row is not due while an earlier row (smaller
	 * event id: received earlier) of the same destination and order key is still pending,
	 * including while that one waits for a retry; a failed row no longer holds later ones
	 * back, so one poisoned event never stops a record's stream for ever.
	 */
	List<Claimed> claim(String destination, String owner, Duration lease, int limit) {
		return this.jdbc.query("""
				update outbox o
				   set lease_owner = ?, lease_until = now() + make_interval(secs => ?)
				  from (select c.id from outbox c
				         where c.destination = ? and c.status = 'pending' and c.next_attempt_at <= now()
				           and (c.lease_until is null or c.lease_until < now())
				           and (c.order_key is null or not exists (
				                 select 1 from outbox e
				                  where e.destination = c.destination and e.order_key = c.order_key
				                    and e.status = 'pending' and e.event_id < c.event_id))
				         order by c.event_id
				         limit ?
				         for update skip locked) due
				 where o.id = due.id
				returning o.id, o.event_id, o.alias, o.order_key, o.attempts, o.received_at, o.trace_parent""",
				this::claimed, owner, lease.toMillis() / 1000.0, destination, limit);
	}

	/**
	 * Whether an earlier row of the destination and order key is pending now. The claim
	 * checks this too, but an earlier event can settle (and write its row) between the
	 * claim and the check on the events table that follows it; asking again after that
	 * check closes the gap.
	 */
	boolean earlierPending(String destination, String orderKey, long eventId) {
		return Boolean.TRUE.equals(this.jdbc.queryForObject("""
				select exists (select 1 from outbox
				                where destination = ? and order_key = ? and status = 'pending' and event_id < ?)""",
				Boolean.class, destination, orderKey, eventId));
	}

	private Claimed claimed(ResultSet rs, int row) throws SQLException {
		return new Claimed(rs.getLong("id"), rs.getLong("event_id"), rs.getString("alias"), rs.getString("order_key"),
				rs.getInt("attempts"), rs.getObject("received_at", OffsetDateTime.class).toInstant(),
				rs.getString("trace_parent"));
	}

	boolean delivered(long id, String owner) {
		return this.jdbc.update("""
				update outbox set status = 'delivered', attempts = attempts + 1, delivered_at = now(),
				       last_attempt_at = now(), last_error = null, lease_owner = null, lease_until = null
				 where id = ? and lease_owner = ?""", id, owner) == 1;
	}

	boolean retry(long id, String owner, String error, Duration delay) {
		return this.jdbc.update("""
				update outbox set attempts = attempts + 1, last_attempt_at = now(), last_error = ?,
				       next_attempt_at = now() + make_interval(secs => ?), lease_owner = null, lease_until = null
				 where id = ? and lease_owner = ?""", error, delay.toMillis() / 1000.0, id, owner) == 1;
	}

	boolean failed(long id, String owner, String error) {
		return this.jdbc.update("""
				update outbox set status = 'failed', attempts = attempts + 1, last_attempt_at = now(),
				       last_error = ?, lease_owner = null, lease_until = null
				 where id = ? and lease_owner = ?""", error, id, owner) == 1;
	}

	/**
	 * Puts the row back without counting an attempt, due after the delay: an earlier
	 * event about the same object has not settled yet. It stays pending, so it keeps
	 * holding later rows of its key back too.
	 */
	void postpone(long id, String owner, Duration delay) {
		this.jdbc.update("""
				update outbox set next_attempt_at = now() + make_interval(secs => ?), lease_owner = null,
				       lease_until = null
				 where id = ? and lease_owner = ?""", delay.toMillis() / 1000.0, id, owner);
	}

	/** Gives rows back without counting an attempt (shutdown, lease half gone). */
	void release(Collection<Long> ids, String owner) {
		for (long id : ids) {
			this.jdbc.update(
					"update outbox set lease_owner = null, lease_until = null where id = ? and lease_owner = ?", id,
					owner);
		}
	}

	int releaseAll(String ownerPrefix) {
		return this.jdbc.update(
				"update outbox set lease_owner = null, lease_until = null where lease_owner like ? || '%'",
				ownerPrefix);
	}

	/**
	 * Sends these events to the destination again, from a new attempt series; only the
	 * deliveries in the given status unless null.
	 * @return how many rows were queued
	 */
	int requeue(String destination, List<Long> eventIds, @Nullable DeliveryStatus status) {
		if (eventIds.isEmpty()) {
			return 0;
		}
		return this.jdbc.update(REQUEUE + " where destination = ? and event_id = any(?)" + statusLiteral(status),
				(ps) -> {
					ps.setString(1, destination);
					ps.setArray(2, ps.getConnection().createArrayOf("bigint", eventIds.toArray()));
				});
	}

	/**
	 * Queues settled events the destination has no row for (it was configured after they
	 * settled), leaving those it has alone.
	 * @return how many rows were added
	 */
	int backfill(String destination, List<EventSettled> events) {
		int added = 0;
		for (int[] counts : this.jdbc.batchUpdate("""
				insert into outbox (event_id, destination, alias, order_key, received_at)
				values (?, ?, ?, ?, ?)
				on conflict (event_id, destination) do nothing""", events, 200, (ps, event) -> {
			ps.setLong(1, event.eventId());
			ps.setString(2, destination);
			ps.setString(3, event.alias());
			ps.setString(4, orderKey(event));
			ps.setObject(5, OffsetDateTime.ofInstant(event.receivedAt(), java.time.ZoneOffset.UTC));
		})) {
			for (int count : counts) {
				added += Math.max(count, 0);
			}
		}
		return added;
	}

	/** Sends every delivery of the destination in the given status again. */
	int requeueAll(String destination, DeliveryStatus status) {
		return this.jdbc.update(REQUEUE + " where destination = ?" + statusLiteral(status), destination);
	}

	private static final String REQUEUE = """
			update outbox set status = 'pending', attempts = 0, next_attempt_at = now(), lease_owner = null,
			       lease_until = null, last_error = null, delivered_at = null, queued_at = now()""";

	/**
	 * A literal from the enum, so that the planner can use the partial index on failed
	 * rows.
	 */
	private static String statusLiteral(@Nullable DeliveryStatus status) {
		return (status != null) ? " and status = '" + status.name() + "'" : "";
	}

	@Transactional(readOnly = true)
	Counts counts(String destination) {
		return this.jdbc.queryForObject("""
				select count(*) filter (where status = 'delivered') as delivered,
				       count(*) filter (where status = 'pending') as pending,
				       count(*) filter (where status = 'failed') as failed,
				       min(queued_at) filter (where status = 'pending') as oldest_pending,
				       (select last_error from outbox l where l.destination = ? and l.last_error is not null
				         order by l.last_attempt_at desc nulls last limit 1) as last_error
				  from outbox where destination = ?""", (rs, row) -> {
			OffsetDateTime oldest = rs.getObject("oldest_pending", OffsetDateTime.class);
			return new Counts(rs.getLong("delivered"), rs.getLong("pending"), rs.getLong("failed"),
					rs.getString("last_error"), (oldest != null) ? oldest.toInstant() : null);
		}, destination, destination);
	}

	/**
	 * Unfinished rows of destinations no longer configured, by name: no worker takes them
	 * and no count shows them, until a destination of that name is configured again.
	 */
	@Transactional(readOnly = true)
	Map<String, Long> pendingOfOthers(List<String> configured) {
		Map<String, Long> pending = new TreeMap<>();
		this.jdbc.query(
				"select destination, count(*) from outbox where status = 'pending' and destination <> all(?) group by destination",
				(rs) -> {
					pending.put(rs.getString(1), rs.getLong(2));
				}, (Object) configured.toArray(String[]::new));
		return pending;
	}

	/**
	 * The destination's failed deliveries, newest event first (the failed rows' index).
	 */
	@Transactional(readOnly = true)
	List<Delivery> failed(String destination, int limit) {
		return this.jdbc.query("""
				select event_id, destination, alias, status, attempts, last_error, last_attempt_at, delivered_at
				  from outbox where destination = ? and status = 'failed'
				 order by event_id desc limit ?""", this::delivery, destination, limit);
	}

	/** Every delivery of one event, one per destination it was queued for. */
	@Transactional(readOnly = true)
	List<Delivery> ofEvent(long eventId) {
		return this.jdbc.query("""
				select event_id, destination, alias, status, attempts, last_error, last_attempt_at, delivered_at
				  from outbox where event_id = ? order by destination""", this::delivery, eventId);
	}

	private Delivery delivery(ResultSet rs, int row) throws SQLException {
		OffsetDateTime lastAttempt = rs.getObject("last_attempt_at", OffsetDateTime.class);
		OffsetDateTime delivered = rs.getObject("delivered_at", OffsetDateTime.class);
		return new Delivery(rs.getLong("event_id"), rs.getString("destination"), rs.getString("alias"),
				DeliveryStatus.valueOf(rs.getString("status")), rs.getInt("attempts"), rs.getString("last_error"),
				(lastAttempt != null) ? lastAttempt.toInstant() : null,
				(delivered != null) ? delivered.toInstant() : null);
	}

	@Transactional(readOnly = true)
	long backlog(String destination) {
		Long count = this.jdbc.queryForObject(
				"select count(*) from outbox where destination = ? and status = 'pending'", Long.class, destination);
		return (count != null) ? count : 0;
	}

	/**
	 * A row a worker holds the lease on.
	 *
	 * @param id the row
	 * @param eventId the event to send
	 * @param alias its alias
	 * @param orderKey {@code record:<id>}, {@code client:<id>}, {@code case:<id>} or null
	 * @param attempts attempts made before this one
	 * @param receivedAt when the event was received (for the latency metric)
	 * @param traceParent the trace the event was stored in, for the POST to continue
	 * (null with tracing off)
	 */
	record Claimed(long id, long eventId, @Nullable String alias, @Nullable String orderKey, int attempts,
			Instant receivedAt, @Nullable String traceParent) {

		@Nullable Long keyId(String kind) {
			return (this.orderKey != null && this.orderKey.startsWith(kind + ":"))
					? Long.valueOf(this.orderKey.substring(kind.length() + 1)) : null;
		}

	}

	/**
	 * A destination's deliveries.
	 */
	record Counts(long delivered, long pending, long failed, @Nullable String lastError,
			@Nullable Instant oldestPending) {

	}

}
