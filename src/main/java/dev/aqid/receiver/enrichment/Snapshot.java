package dev.aqid.receiver.enrichment;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.jspecify.annotations.Nullable;

/**
 * The latest object fetched from the Amiqus API for one entity. Rows are written by
 * {@link Snapshots#store}, an upsert that never replaces a snapshot with one fetched
 * earlier, so out-of-order workers cannot roll an object back.
 */
@Entity
@Table(name = "snapshots")
class Snapshot {

	@EmbeddedId
	private Key key;

	@Column(name = "client_id")
	private @Nullable Long clientId;

	@JdbcTypeCode(SqlTypes.JSON)
	@Column(nullable = false)
	private String data;

	@Column(name = "fetched_at", nullable = false)
	private Instant fetchedAt;

	protected Snapshot() {
	}

	Target.Key target() {
		return new Target.Key(SnapshotKind.ofColumn(this.key.kind), this.key.entityId);
	}

	Instant fetchedAt() {
		return this.fetchedAt;
	}

	LatestSnapshots.Fetched fetched() {
		return new LatestSnapshots.Fetched(this.key.entityId, this.fetchedAt, this.data);
	}

	/**
	 * A snapshot's id: what kind of object, and its id at Amiqus.
	 */
	@Embeddable
	static class Key implements Serializable {

		@Column(nullable = false)
		private String kind;

		@Column(name = "entity_id", nullable = false)
		private String entityId;

		protected Key() {
		}

		Key(SnapshotKind kind, String entityId) {
			this.kind = kind.column();
			this.entityId = entityId;
		}

		static Key of(Target.Key target) {
			return new Key(target.kind(), target.entityId());
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Key that && this.kind.equals(that.kind) && this.entityId.equals(that.entityId);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.kind, this.entityId);
		}

	}

}
