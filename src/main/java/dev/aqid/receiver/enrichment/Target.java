package dev.aqid.receiver.enrichment;

/**
 * One Amiqus object to keep a snapshot of.
 *
 * @param kind what it is
 * @param entityId its id (a number, or a form's reference)
 * @param clientId the client it belongs to, if any (forms are fetched through it)
 */
record Target(SnapshotKind kind, String entityId, Long clientId) {

	static Target of(SnapshotKind kind, long id, Long clientId) {
		return new Target(kind, Long.toString(id), clientId);
	}

	/** The same object, ignoring who it belongs to: what one fetch serves. */
	Key key() {
		return new Key(this.kind, this.entityId);
	}

	record Key(SnapshotKind kind, String entityId) {

	}

}
