package dev.aqid.receiver.amiqus;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256, the one place the service computes it: body digests, dedupe keys, API key
 * digests, cursor checksums.
 */
public final class Sha256 {

	private Sha256() {
	}

	/** The digest of the parts, one after the other. */
	public static byte[] of(byte[]... parts) {
		try {
			MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
			for (byte[] part : parts) {
				sha256.update(part);
			}
			return sha256.digest();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	/** The digest of the bytes in lower-case hex. */
	public static String hex(byte[] bytes) {
		return HexFormat.of().formatHex(of(bytes));
	}

}
