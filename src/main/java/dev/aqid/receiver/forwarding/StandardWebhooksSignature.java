package dev.aqid.receiver.forwarding;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): {@code webhook-signature}
 * is {@code v1,} + base64 of HMAC-SHA256 over
 * {@code <webhook-id>.<webhook-timestamp>.<body>} with the key bytes of a {@code whsec_}
 * secret; with several secrets (rotation) one signature each, separated by spaces. No
 * well-kept Java library for it is on Maven Central, and this is a dozen lines over the
 * JDK's {@link Mac}.
 */
final class StandardWebhooksSignature {

	static final String PREFIX = "whsec_";

	private StandardWebhooksSignature() {
	}

	/**
	 * The key bytes of a secret.
	 * @throws IllegalArgumentException when it is not {@code whsec_} + base64 of at least
	 * one byte
	 */
	static byte[] key(String secret) {
		if (!secret.startsWith(PREFIX)) {
			throw new IllegalArgumentException("must start with " + PREFIX);
		}
		byte[] key;
		try {
			key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("must be " + PREFIX + " followed by base64 of the key bytes");
		}
		if (key.length == 0) {
			throw new IllegalArgumentException("has no key bytes after " + PREFIX);
		}
		return key;
	}

	/** The keys of a space-separated list of secrets. */
	static List<byte[]> keys(String secrets) {
		List<byte[]> keys = new ArrayList<>();
		for (String secret : secrets.trim().split("\\s+")) {
			keys.add(key(secret));
		}
		return keys;
	}

	/** One {@code v1,<base64>} signature. */
	static String sign(byte[] key, String id, long timestamp, String body) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
			byte[] digest = mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
			return "v1," + Base64.getEncoder().encodeToString(digest);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	/** The {@code webhook-signature} header: one signature per key, space-separated. */
	static String header(List<byte[]> keys, String id, long timestamp, String body) {
		List<String> signatures = new ArrayList<>();
		for (byte[] key : keys) {
			signatures.add(sign(key, id, timestamp, body));
		}
		return String.join(" ", signatures);
	}

}
