package dev.aqid.receiver.enrichment;

import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.aqid.receiver.ingest.EventReference;
import dev.aqid.receiver.ingest.EventReferences;
import dev.aqid.receiver.ingest.RetentionRoundCompleted;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * After each round of the event retention job, deletes the snapshots that no retained
 * event refers to any more: a snapshot exists to explain events, and holds personal data.
 * Walks the table in key order, batch by batch, asking ingest which of each batch's
 * objects events still name. A snapshot is deleted only if it is still the one read (same
 * {@code fetched_at}): one that a worker stored meanwhile, for a new event, stays.
 */
@Component
class SnapshotRetention {

	private static final Logger log = LoggerFactory.getLogger(SnapshotRetention.class);

	private static final String PAGE = """
			select kind, entity_id, fetched_at::text from snapshots
			 where (kind, entity_id) > (?, ?)
			 order by kind, entity_id
			 limit ?""";

	private static final String DELETE_UNCHANGED = """
			delete from snapshots s
			 using unnest(?::text[], ?::text[]) as doomed(entity_id, fetched_at)
			 where s.kind = ? and s.entity_id = doomed.entity_id and s.fetched_at = doomed.fetched_at::timestamptz""";

	private final JdbcTemplate jdbc;

	private final EventReferences references;

	private final SnapshotRetentionProperties properties;

	private final Counter deleted;

	SnapshotRetention(JdbcTemplate jdbc, EventReferences references, SnapshotRetentionProperties properties,
			MeterRegistry registry) {
		this.jdbc = jdbc;
		this.references = references;
		this.properties = properties;
		this.deleted = Counter.builder("receiver.retention.deleted")
			.description("Rows deleted by retention, by kind (event; snapshot: see enrichment)")
			.tag("kind", "snapshot")
			.register(registry);
	}

	@EventListener
	void on(RetentionRoundCompleted round) {
		if (this.properties.enabled()) {
			deleteUnreferenced();
		}
	}

	/** Deletes every snapshot no stored event refers to; returns how many. */
	long deleteUnreferenced() {
		Map<SnapshotKind, Integer> counts = new EnumMap<>(SnapshotKind.class);
		String afterKind = "";
		String afterId = "";
		while (true) {
			List<Row> page = this.jdbc.query(PAGE,
					(rs, row) -> new Row(SnapshotKind.ofColumn(rs.getString(1)), rs.getString(2), rs.getString(3)),
					afterKind, afterId, this.properties.batchSize());
			if (page.isEmpty()) {
				break;
			}
			Map<SnapshotKind, List<Row>> byKind = page.stream()
				.collect(
						Collectors.groupingBy(Row::kind, () -> new EnumMap<>(SnapshotKind.class), Collectors.toList()));
			byKind.forEach((kind, rows) -> {
				Set<String> named = this.references.referenced(reference(kind),
						rows.stream().map(Row::entityId).toList());
				List<Row> doomed = rows.stream().filter((row) -> !named.contains(row.entityId())).toList();
				if (!doomed.isEmpty()) {
					counts.merge(kind, delete(kind, doomed), Integer::sum);
				}
			});
			Row last = page.get(page.size() - 1);
			afterKind = last.kind().column();
			afterId = last.entityId();
			if (page.size() < this.properties.batchSize()) {
				break;
			}
		}
		long total = counts.values().stream().mapToLong(Integer::longValue).sum();
		if (total > 0) {
			this.deleted.increment(total);
			log.info("Deleted {} snapshot(s) that no retained event refers to ({})", total,
					counts.entrySet()
						.stream()
						.map((entry) -> entry.getKey().column() + ": " + entry.getValue())
						.collect(Collectors.joining(", ")));
		}
		return total;
	}

	private int delete(SnapshotKind kind, List<Row> doomed) {
		List<String> ids = new ArrayList<>();
		List<String> fetchedAt = new ArrayList<>();
		doomed.forEach((row) -> {
			ids.add(row.entityId());
			fetchedAt.add(row.fetchedAt());
		});
		return this.jdbc.update((con) -> {
			PreparedStatement ps = con.prepareStatement(DELETE_UNCHANGED);
			ps.setArray(1, con.createArrayOf("text", ids.toArray()));
			ps.setArray(2, con.createArrayOf("text", fetchedAt.toArray()));
			ps.setString(3, kind.column());
			return ps;
		});
	}

	private static EventReference reference(SnapshotKind kind) {
		return switch (kind) {
			case RECORD, RECORD_STEPS -> EventReference.RECORD;
			case CLIENT -> EventReference.CLIENT;
			case FORM -> EventReference.FORM;
			case ORGANISATION -> EventReference.ORGANISATION;
			case CASE -> EventReference.CASE;
		};
	}

	private record Row(SnapshotKind kind, String entityId, String fetchedAt) {

	}

}
