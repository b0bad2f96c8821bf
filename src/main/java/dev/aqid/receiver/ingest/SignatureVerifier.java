package dev.aqid.receiver.ingest;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;

import dev.aqid.receiver.amiqus.AmiqusSignature;

import org.springframework.stereotype.Component;

/**
 * Checks {@code X-AQID-Signature} ({@link AmiqusSignature}): base64 of HMAC-SHA256 over
 * the raw body bytes, keyed with a shared secret. Every known secret is tried and each
 * comparison takes the same time wherever the digests differ.
 */
@Component
class SignatureVerifier {

	private static final int DIGEST_LENGTH = 32;

	private static final int MAX_CACHED_KEYS = 64;

	private final List<WebhookSecretSource> sources;

	/**
	 * An initialised MAC per secret, cloned for each use: looking up the provider and
	 * initialising a key costs more than the HMAC of a typical delivery.
	 */
	private final Map<String, Mac> initialisedMacs = new ConcurrentHashMap<>();

	SignatureVerifier(List<WebhookSecretSource> sources) {
		this.sources = sources;
	}

	/**
	 * The 32 digest bytes a signature header carries, or empty when the header is missing
	 * or not base64 of 32 bytes (such a header can never match, whatever the body).
	 */
	static Optional<byte[]> decode(String header) {
		if (header == null || header.isBlank()) {
			return Optional.empty();
		}
		try {
			byte[] digest = Base64.getDecoder().decode(header.trim());
			return (digest.length == DIGEST_LENGTH) ? Optional.of(digest) : Optional.empty();
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

	static byte[] sign(String secret, byte[] body) {
		return AmiqusSignature.digest(secret, body);
	}

	private Mac macFor(String secret) {
		Mac prototype = this.initialisedMacs.get(secret);
		if (prototype == null) {
			prototype = AmiqusSignature.mac(secret);
			if (this.initialisedMacs.size() >= MAX_CACHED_KEYS) {
				// Secrets rotate rarely; a full cache means many were
				// retired: start afresh.
				this.initialisedMacs.clear();
			}
			this.initialisedMacs.put(secret, prototype);
		}
		try {
			return (Mac) prototype.clone();
		}
		catch (CloneNotSupportedException ex) {
			return AmiqusSignature.mac(secret);
		}
	}

	boolean isAuthentic(byte[] body, byte[] claimedDigest) {
		boolean matched = false;
		for (WebhookSecretSource source : this.sources) {
			for (String secret : source.secrets()) {
				if (secret.isEmpty()) {
					continue;
				}
				// No early exit: time does not tell which secret, if any, matched.
				matched |= digestsMatch(macFor(secret).doFinal(body), claimedDigest);
			}
		}
		return matched;
	}

	/**
	 * Compares two digests in time that does not depend on where they differ
	 * ({@link MessageDigest#isEqual} reads every byte), so a forger cannot learn a
	 * signature byte by byte from answer times.
	 */
	static boolean digestsMatch(byte[] computed, byte[] claimed) {
		return MessageDigest.isEqual(computed, claimed);
	}

}
