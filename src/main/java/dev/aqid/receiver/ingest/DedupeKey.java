package dev.aqid.receiver.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What makes two deliveries the same delivery: the {@code X-AQID-Delivery-Id} when there
 * is one, else the SHA-256 of the body bytes. Kept short enough for a btree index
 * whatever a sender puts in the header.
 */
final class DedupeKey {

	private static final int MAX_PLAIN_ID_LENGTH = 128;

	private DedupeKey() {
	}

	static String of(String deliveryId, byte[] bodySha256) {
		if (deliveryId == null) {
			return "h:" + HexFormat.of().formatHex(bodySha256);
		}
		if (deliveryId.length() <= MAX_PLAIN_ID_LENGTH && deliveryId.chars().noneMatch(Character::isISOControl)) {
			return "d:" + deliveryId;
		}
		return "d#" + HexFormat.of().formatHex(sha256(deliveryId.getBytes(StandardCharsets.UTF_8)));
	}

	static byte[] sha256(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}
