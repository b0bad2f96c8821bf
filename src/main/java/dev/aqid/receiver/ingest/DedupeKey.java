package dev.aqid.receiver.ingest;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import dev.aqid.receiver.amiqus.Sha256;

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
		return "d#" + Sha256.hex(deliveryId.getBytes(StandardCharsets.UTF_8));
	}

}
