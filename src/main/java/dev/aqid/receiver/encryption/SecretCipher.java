package dev.aqid.receiver.encryption;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Seals short secrets (a webhook secret, an OAuth token) for storage with AES-256-GCM
 * from the JDK: a random 12-byte nonce per value, the 128-bit tag checked on opening,
 * stored as {@code enc:v1:} + base64(nonce + ciphertext + tag). The prefix tells sealed
 * values from plain ones, so rows written before a key was set can be found and sealed,
 * and a later format can be told from this one.
 * <p>
 * Without {@code RECEIVER_ENCRYPTION_KEY} values are stored as they are (one WARN at
 * start-up). A key that is not base64 of 32 bytes stops start-up; so does a sealed value
 * this key cannot open (see {@link WrongEncryptionKey}). Messages name the variable,
 * never a key or a value.
 */
@Component
public final class SecretCipher {

	/** What every sealed value starts with. */
	public static final String PREFIX = "enc:v1:";

	static final String VARIABLE = "RECEIVER_ENCRYPTION_KEY";

	private static final Logger log = LoggerFactory.getLogger(SecretCipher.class);

	private static final int KEY_BYTES = 32;

	private static final int NONCE_BYTES = 12;

	private static final int TAG_BITS = 128;

	private static final String TRANSFORMATION = "AES/GCM/NoPadding";

	private final @Nullable SecretKey key;

	private final SecureRandom random = new SecureRandom();

	@Autowired
	SecretCipher(EncryptionProperties properties) {
		this(properties.key());
		if (this.key == null) {
			log.warn(
					"{} is not set: the learned webhook secret and OAuth tokens are stored in PostgreSQL in plain "
							+ "text. Set it to base64 of 32 random bytes (openssl rand -base64 32) to encrypt them.",
					VARIABLE);
		}
		else {
			log.info("Secrets at rest are encrypted (AES-256-GCM, key from {})", VARIABLE);
		}
	}

	/**
	 * A cipher with this key.
	 * @param base64Key base64 of 32 bytes, or null or blank for none (plain text)
	 * @throws IllegalStateException when the key is not base64 of 32 bytes
	 */
	public SecretCipher(@Nullable String base64Key) {
		this.key = (base64Key == null || base64Key.isBlank()) ? null : decodeKey(base64Key.trim());
	}

	/**
	 * Whether values are sealed (a key is configured).
	 * @return true with a key
	 */
	public boolean encrypts() {
		return this.key != null;
	}

	/**
	 * Whether a stored value is sealed.
	 * @param stored a stored value
	 * @return true when it has the {@link #PREFIX}
	 */
	public static boolean isSealed(@Nullable String stored) {
		return stored != null && stored.startsWith(PREFIX);
	}

	/**
	 * The value as it is to be stored: sealed with a key, unchanged without one.
	 * @param plain the secret
	 * @return what to store
	 */
	public String seal(String plain) {
		if (this.key == null) {
			return plain;
		}
		byte[] nonce = new byte[NONCE_BYTES];
		this.random.nextBytes(nonce);
		try {
			Cipher cipher = Cipher.getInstance(TRANSFORMATION);
			cipher.init(Cipher.ENCRYPT_MODE, this.key, new GCMParameterSpec(TAG_BITS, nonce));
			byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
			ByteBuffer out = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed);
			return PREFIX + Base64.getEncoder().encodeToString(out.array());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM is not available in this JDK", ex);
		}
	}

	/**
	 * The secret a stored value holds: a plain value as it is, a sealed one opened.
	 * @param stored what was stored
	 * @return the secret
	 * @throws WrongEncryptionKey when the value is sealed and there is no key, or this
	 * key cannot open it (another key, or the value was altered)
	 */
	public String open(String stored) {
		if (!isSealed(stored)) {
			return stored;
		}
		if (this.key == null) {
			throw new WrongEncryptionKey("A value in the database is encrypted but " + VARIABLE
					+ " is not set: set it to the key it was encrypted with");
		}
		byte[] bytes;
		try {
			bytes = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
		}
		catch (IllegalArgumentException ex) {
			throw new WrongEncryptionKey("A value in the database has the " + PREFIX + " prefix but is not base64");
		}
		if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
			throw new WrongEncryptionKey("A value in the database has the " + PREFIX + " prefix but is too short");
		}
		try {
			Cipher cipher = Cipher.getInstance(TRANSFORMATION);
			cipher.init(Cipher.DECRYPT_MODE, this.key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
			byte[] plain = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
			return new String(plain, StandardCharsets.UTF_8);
		}
		catch (javax.crypto.AEADBadTagException ex) {
			throw new WrongEncryptionKey("A value in the database cannot be decrypted with " + VARIABLE
					+ ": it was encrypted with another key, or altered");
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM is not available in this JDK", ex);
		}
	}

	private static SecretKey decodeKey(String base64Key) {
		byte[] bytes;
		try {
			bytes = Base64.getDecoder().decode(base64Key);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(VARIABLE + " is not base64: set it to base64 of " + KEY_BYTES
					+ " random bytes (openssl rand -base64 32)");
		}
		if (bytes.length != KEY_BYTES) {
			throw new IllegalStateException(VARIABLE + " must be base64 of " + KEY_BYTES + " bytes (AES-256), not "
					+ bytes.length + " bytes: generate one with openssl rand -base64 32");
		}
		return new SecretKeySpec(bytes, "AES");
	}

	@Override
	public String toString() {
		return "SecretCipher[" + (encrypts() ? "AES-256-GCM" : "plain text") + "]";
	}

	/**
	 * A sealed value this cipher cannot open: another key, no key, or altered bytes. The
	 * message names {@code RECEIVER_ENCRYPTION_KEY}, never a key or a value.
	 */
	public static final class WrongEncryptionKey extends IllegalStateException {

		WrongEncryptionKey(String message) {
			super(message);
		}

	}

}
