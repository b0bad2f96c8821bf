package dev.aqid.receiver.query;

/**
 * The requested object has never been fetched from Amiqus (or its snapshot was deleted).
 */
class SnapshotNotFound extends RuntimeException {

	SnapshotNotFound(String what, String id) {
		super("No " + what + " " + id + " has been fetched from Amiqus", null, false, false);
	}

}
