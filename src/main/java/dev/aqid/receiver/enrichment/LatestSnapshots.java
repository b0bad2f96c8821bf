package dev.aqid.receiver.enrichment;

import java.time.Instant;
import java.util.Optional;

import org.springframework.stereotype.Service;

/**
 * The latest snapshot of each Amiqus object, for other modules to read: the snapshots
 * table is enrichment's, and this is the way to it.
 */
@Service
public class LatestSnapshots {

	private final SnapshotStore store;

	LatestSnapshots(SnapshotStore store) {
		this.store = store;
	}

	/** The object as last fetched; empty when it never was (or was erased since). */
	public Optional<Fetched> find(SnapshotKind kind, String entityId) {
		return this.store.find(kind, entityId);
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
