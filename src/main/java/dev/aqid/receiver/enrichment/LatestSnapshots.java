package dev.aqid.receiver.enrichment;

import java.time.Instant;
import java.util.Optional;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The latest snapshot of each Amiqus object, for other modules to read: the snapshots
 * table is enrichment's, and this is the way to it.
 */
@Service
@Transactional(readOnly = true)
public class LatestSnapshots {

	private final Snapshots snapshots;

	LatestSnapshots(Snapshots snapshots) {
		this.snapshots = snapshots;
	}

	/** The object as last fetched; empty when it never was (or was erased since). */
	public Optional<Fetched> find(SnapshotKind kind, String entityId) {
		return this.snapshots.findById(new Snapshot.Key(kind, entityId)).map(Snapshot::fetched);
	}

	/**
	 * An Amiqus object as last fetched.
	 *
	 * @param entityId the object's id (a form's reference)
	 * @param fetchedAt when the fetch started: the object reflects every event received
	 * before it
	 * @param data the object as the Amiqus API returned it (JSON)
	 */
	public record Fetched(String entityId, Instant fetchedAt, String data) {

	}

}
