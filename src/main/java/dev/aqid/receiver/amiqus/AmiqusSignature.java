package dev.aqid.receiver.amiqus;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Amiqus's webhook signature, {@code X-AQID-Signature}: base64 of HMAC-SHA256 over the
 * raw body bytes, keyed with the webhook's shared secret (its UTF-8 bytes). The one
 * signer that the ingest verifier, the emulator, the tests and the benchmark's request
 * signer ({@code bench/SignRequests.java}) share.
 */
public final class AmiqusSignature {

	/** The header that carries the signature. */
	public static final String HEADER = "X-AQID-Signature";

	private static final String ALGORITHM = "HmacSHA256";

	private AmiqusSignature() {
	}

	/**
	 * The header value for a body.
	 * @param secret the shared secret
	 * @param body the raw body bytes, exactly as sent
	 * @return base64 of the 32 digest bytes
	 */
	public static String sign(String secret, byte[] body) {
		return Base64.getEncoder().encodeToString(digest(secret, body));
	}

	/**
	 * The 32 digest bytes for a body.
	 * @param secret the shared secret
	 * @param body the raw body bytes
	 * @return HMAC-SHA256 of the body
	 */
	public static byte[] digest(String secret, byte[] body) {
		return mac(secret).doFinal(body);
	}

	/**
	 * A MAC initialised with the secret, for a caller that keeps one per secret (key
	 * set-up costs more than the HMAC of a typical delivery) and clones it per use.
	 * @param secret the shared secret
	 * @return a new initialised HMAC-SHA256
	 */
	public static Mac mac(String secret) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
			return mac;
		}
		catch (NoSuchAlgorithmException | InvalidKeyException ex) {
			throw new IllegalStateException("HMAC-SHA256 is not available", ex);
		}
	}

}
