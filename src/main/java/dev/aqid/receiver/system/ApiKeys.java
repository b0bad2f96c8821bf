package dev.aqid.receiver.system;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;

import dev.aqid.receiver.amiqus.Sha256;

/**
 * The configured API keys, kept only as SHA-256 digests. A presented key is hashed and
 * compared with every configured digest in constant time, without stopping at a match, so
 * the answer's timing says nothing about the keys. Keys are never logged.
 */
final class ApiKeys {

	private final List<byte[]> digests;

	ApiKeys(List<String> keys) {
		this.digests = keys.stream()
			.filter(Objects::nonNull)
			.map(String::trim)
			.filter((key) -> !key.isEmpty())
			.map(ApiKeys::sha256)
			.toList();
	}

	boolean isEmpty() {
		return this.digests.isEmpty();
	}

	int size() {
		return this.digests.size();
	}

	/** The index of the matching key, or -1. */
	int match(String presented) {
		byte[] digest = sha256(presented);
		int match = -1;
		for (int i = 0; i < this.digests.size(); i++) {
			if (MessageDigest.isEqual(this.digests.get(i), digest)) {
				match = i;
			}
		}
		return match;
	}

	private static byte[] sha256(String value) {
		return Sha256.of(value.getBytes(StandardCharsets.UTF_8));
	}

}
