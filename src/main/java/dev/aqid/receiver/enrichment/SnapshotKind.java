package dev.aqid.receiver.enrichment;

import java.util.Locale;

/**
 * The kinds of Amiqus object the service keeps a latest snapshot of.
 */
public enum SnapshotKind {

	RECORD, RECORD_STEPS, CLIENT, FORM, ORGANISATION, CASE;

	/** The name stored in {@code snapshots.kind}. */
	public String column() {
		return name().toLowerCase(Locale.ROOT);
	}

	static SnapshotKind ofColumn(String column) {
		return valueOf(column.toUpperCase(Locale.ROOT));
	}

}
