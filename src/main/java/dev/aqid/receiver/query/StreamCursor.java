package dev.aqid.receiver.query;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

import dev.aqid.receiver.amiqus.Sha256;
import dev.aqid.receiver.ingest.EventStream;

/**
 * A position in the event stream: the last event a consumer has seen, as
 * {@code (insert_xid, id)}. On the wire it is opaque: base64url of a version byte, the
 * two numbers and a truncated SHA-256 checksum over them, so that a cursor that was
 * truncated, corrupted or edited by hand is refused instead of silently moving the
 * consumer somewhere else. (The checksum is not a secret: a cursor grants nothing that
 * the caller's API key does not already grant.)
 *
 * @param insertXid the inserting transaction's id ({@code xid8}, unsigned)
 * @param id the event's id
 */
record StreamCursor(long insertXid, long id) {

	/** Longer than any cursor this service writes; anything longer is refused unread. */
	static final int MAX_LENGTH = 64;

	private static final byte VERSION = 1;

	private static final int CHECK_LENGTH = 8;

	private static final int LENGTH = 1 + 8 + 8 + CHECK_LENGTH;

	private static final byte[] DOMAIN = "aqid-receiver/event-stream-cursor".getBytes(StandardCharsets.US_ASCII);

	String encode() {
		ByteBuffer bytes = ByteBuffer.allocate(LENGTH);
		bytes.put(VERSION).putLong(this.insertXid).putLong(this.id).put(check(VERSION, this.insertXid, this.id));
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
	}

	/** The place in the stream this cursor names. */
	EventStream.Position position() {
		return new EventStream.Position(this.insertXid, this.id);
	}

	static StreamCursor decode(String cursor) {
		if (cursor.length() > MAX_LENGTH) {
			throw new InvalidCursor("The cursor is longer than any this service writes");
		}
		byte[] raw;
		try {
			raw = Base64.getUrlDecoder().decode(cursor);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidCursor("The cursor is not one this service wrote");
		}
		if (raw.length != LENGTH || raw[0] != VERSION) {
			throw new InvalidCursor("The cursor is not one this service wrote");
		}
		ByteBuffer bytes = ByteBuffer.wrap(raw);
		byte version = bytes.get();
		long insertXid = bytes.getLong();
		long id = bytes.getLong();
		byte[] check = new byte[CHECK_LENGTH];
		bytes.get(check);
		if (!MessageDigest.isEqual(check, check(version, insertXid, id)) || id <= 0) {
			throw new InvalidCursor("The cursor was altered or damaged");
		}
		return new StreamCursor(insertXid, id);
	}

	static StreamCursor of(EventStream.Position position) {
		return new StreamCursor(position.insertXid(), position.id());
	}

	private static byte[] check(byte version, long insertXid, long id) {
		return Arrays.copyOf(
				Sha256.of(DOMAIN, ByteBuffer.allocate(17).put(version).putLong(insertXid).putLong(id).array()),
				CHECK_LENGTH);
	}

}
