package dev.aqid.receiver.enrichment;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The latest snapshot of each Amiqus object. An upsert only replaces a snapshot with one
 * whose fetch started later, so out-of-order workers can never roll an object back.
 */
@Repository
class SnapshotStore {

	private final JdbcTemplate jdbc;

	SnapshotStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** When each of these objects was last fetched; absent keys were never fetched. */
	Map<Target.Key, Instant> fetchedAt(Collection<Target.Key> keys) {
		Map<Target.Key, Instant> fetched = new HashMap<>();
		if (keys.isEmpty()) {
			return fetched;
		}
		String[] kinds = keys.stream().map((key) -> key.kind().column()).toArray(String[]::new);
		String[] ids = keys.stream().map(Target.Key::entityId).toArray(String[]::new);
		this.jdbc.query("""
				select s.kind, s.entity_id, s.fetched_at
				  from snapshots s join unnest(?::text[], ?::text[]) as k(kind, entity_id)
				    on s.kind = k.kind and s.entity_id = k.entity_id""", (rs) -> {
			fetched.put(new Target.Key(SnapshotKind.ofColumn(rs.getString(1)), rs.getString(2)),
					rs.getTimestamp(3).toInstant());
		}, kinds, ids);
		return fetched;
	}

	Optional<LatestSnapshots.Fetched> find(SnapshotKind kind, String entityId) {
		return this.jdbc
			.query("select entity_id, fetched_at, data::text from snapshots where kind = ? and entity_id = ?",
					(rs, row) -> new LatestSnapshots.Fetched(rs.getString(1),
							rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getString(3)),
					kind.column(), entityId)
			.stream()
			.findFirst();
	}

	void save(Target target, String json, Instant fetchedAt) {
		this.jdbc.update("""
				insert into snapshots (kind, entity_id, client_id, data, fetched_at)
				values (?, ?, ?, cast(? as jsonb), ?)
				on conflict (kind, entity_id) do update
				   set data = excluded.data, fetched_at = excluded.fetched_at,
				       client_id = coalesce(excluded.client_id, snapshots.client_id)
				 where snapshots.fetched_at < excluded.fetched_at""", target.kind().column(), target.entityId(),
				target.clientId(), json, Timestamp.from(fetchedAt));
	}

	/** Removes every snapshot holding the client's data; returns how many. */
	int forgetClient(long clientId) {
		return this.jdbc.update("delete from snapshots where client_id = ? or (kind = 'client' and entity_id = ?)",
				clientId, Long.toString(clientId));
	}

	int forgetForm(String reference) {
		return this.jdbc.update("delete from snapshots where kind = 'form' and entity_id = ?", reference);
	}

}
