package dev.aqid.receiver.enrichment;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;
import org.springframework.transaction.annotation.Transactional;

/**
 * The latest snapshot of each Amiqus object.
 */
interface Snapshots extends JpaRepository<Snapshot, Snapshot.Key> {

	/** When each of these objects was last fetched; absent keys were never fetched. */
	default Map<Target.Key, Instant> fetchedAt(Collection<Target.Key> keys) {
		if (keys.isEmpty()) {
			return Map.of();
		}
		return findAllById(keys.stream().map(Snapshot.Key::of).toList()).stream()
			.collect(Collectors.toMap(Snapshot::target, Snapshot::fetchedAt));
	}

	default void store(Target target, String json, Instant fetchedAt) {
		upsert(target.kind().column(), target.entityId(), target.clientId(), json, fetchedAt);
	}

	/**
	 * Inserts the snapshot, or replaces one fetched earlier; a snapshot fetched later
	 * stays. Native: an upsert with a condition is one statement in PostgreSQL and none
	 * in JPQL, and a read-then-write would race with other workers.
	 */
	@Transactional
	@Modifying
	@Query(value = """
			insert into snapshots (kind, entity_id, client_id, data, fetched_at)
			values (:kind, :entityId, :clientId, cast(:json as jsonb), :fetchedAt)
			on conflict (kind, entity_id) do update
			   set data = excluded.data, fetched_at = excluded.fetched_at,
			       client_id = coalesce(excluded.client_id, snapshots.client_id)
			 where snapshots.fetched_at < excluded.fetched_at""", nativeQuery = true)
	int upsert(@Param("kind") String kind, @Param("entityId") String entityId,
			@Param("clientId") @Nullable Long clientId, @Param("json") String json,
			@Param("fetchedAt") Instant fetchedAt);

	/** Removes every snapshot holding the client's data; returns how many. */
	default int forgetClient(long clientId) {
		return deleteClient(clientId, Long.toString(clientId));
	}

	@Transactional
	@Modifying
	@Query("delete from Snapshot s where s.clientId = :clientId or (s.key.kind = 'client' and s.key.entityId = :entityId)")
	int deleteClient(@Param("clientId") long clientId, @Param("entityId") String entityId);

	/**
	 * The objects whose snapshots hold the client's data (other than the client's own).
	 */
	default List<Target.Key> ofClient(long clientId) {
		return findByClientId(clientId).stream().map(Snapshot::target).toList();
	}

	List<Snapshot> findByClientId(long clientId);

	@Transactional
	@Modifying
	@Query("delete from Snapshot s where s.key.kind = 'form' and s.key.entityId = :reference")
	int forgetForm(@Param("reference") String reference);

}
