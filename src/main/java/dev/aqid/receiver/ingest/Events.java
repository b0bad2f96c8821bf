package dev.aqid.receiver.ingest;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

import jakarta.persistence.LockModeType;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/**
 * Stored events and their enrichment state. Writes on the request path go through
 * {@link EventStore} instead: one multi-row insert per batch is what keeps receipt fast.
 */
interface Events extends JpaRepository<Event, Long> {

	/**
	 * Leases up to {@code limit} due events to {@code owner}, skipping rows another
	 * worker holds locked, and returns them: only replayed ones, or only the others.
	 * Native: JPQL has no {@code FOR UPDATE SKIP LOCKED} in a subquery, and no
	 * {@code UPDATE ... RETURNING}.
	 */
	@Query(value = """
			update events e
			   set lease_owner = :owner, lease_until = now() + make_interval(secs => :leaseSeconds)
			  from (select id from events
			         where enrichment_status = 'pending' and next_attempt_at <= now()
			           and received_at <= now() - make_interval(secs => :settleSeconds)
			           and (lease_until is null or lease_until < now())
			           and (replayed_at is not null) = :replayed
			         order by next_attempt_at
			         limit :limit
			         for update skip locked) due
			 where e.id = due.id
			returning e.*""", nativeQuery = true)
	List<Event> claim(@Param("owner") String owner, @Param("leaseSeconds") double leaseSeconds,
			@Param("settleSeconds") double settleSeconds, @Param("replayed") boolean replayed,
			@Param("limit") int limit);

	/**
	 * The events of this batch that {@code owner} still leases, locked until the
	 * transaction ends so that a replay cannot interleave with the state change.
	 */
	@Lock(LockModeType.PESSIMISTIC_WRITE)
	@Query("select e from Event e where e.id in :ids and e.leaseOwner = :owner order by e.id")
	List<Event> leasedTo(@Param("ids") Collection<Long> ids, @Param("owner") String owner);

	/** The settled events among these, as forwarding queues them. */
	@Query("""
			select new dev.aqid.receiver.ingest.EventSettled(e.id, e.alias, e.recordId, e.clientId, e.caseId,
			       e.receivedAt, e.enrichmentStatus)
			  from Event e
			 where e.id in :ids and e.enrichmentStatus <> dev.aqid.receiver.ingest.EnrichmentStatus.pending
			 order by e.id""")
	List<EventSettled> settledAmong(@Param("ids") Collection<Long> ids);

	/**
	 * Puts events back in the queue, due now, asking for fresh snapshots of what they
	 * refer to. One bulk statement rather than an entity method per event: a bulk replay
	 * queues a thousand events at a time.
	 */
	@Modifying
	@Query("""
			update Event e set e.enrichmentStatus = dev.aqid.receiver.ingest.EnrichmentStatus.pending,
			       e.enrichmentAttempts = 0, e.nextAttemptAt = :now, e.lastError = null, e.leaseOwner = null,
			       e.leaseUntil = null, e.replayedAt = :now
			 where e.id in :ids""")
	int requeue(@Param("ids") Collection<Long> ids, @Param("now") Instant now);

	/**
	 * Drops every lease held by owners whose name starts with the prefix (at shutdown).
	 */
	@Modifying
	@Query("update Event e set e.leaseOwner = null, e.leaseUntil = null where e.leaseOwner like concat(:prefix, '%')")
	int releaseLeases(@Param("prefix") String ownerPrefix);

	long countByEnrichmentStatus(EnrichmentStatus status);

	boolean existsByIdLessThanAndEnrichmentStatusAndRecordId(long id, EnrichmentStatus status, long recordId);

	boolean existsByIdLessThanAndEnrichmentStatusAndRecordIdIsNullAndClientId(long id, EnrichmentStatus status,
			long clientId);

	boolean existsByIdLessThanAndEnrichmentStatusAndRecordIdIsNullAndClientIdIsNullAndCaseId(long id,
			EnrichmentStatus status, long caseId);

	/**
	 * Whether an event with this JSON (compared as JSON, not as bytes) arrived after the
	 * given instant. Native: JPQL has no jsonb equality.
	 */
	@Query(value = "select exists(select 1 from events where received_at > :after and payload = cast(:json as jsonb))",
			nativeQuery = true)
	boolean holdsPayload(@Param("json") String json, @Param("after") Instant receivedAfter);

}
