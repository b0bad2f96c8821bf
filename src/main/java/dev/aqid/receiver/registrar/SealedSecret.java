package dev.aqid.receiver.registrar;

import dev.aqid.receiver.encryption.SecretCipher;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import org.jspecify.annotations.Nullable;

/**
 * Stores a learned webhook secret sealed with {@code RECEIVER_ENCRYPTION_KEY} (plain text
 * without one) and opens it on reading. Hibernate gets it from Spring, so the cipher is
 * injected.
 */
@Converter
class SealedSecret implements AttributeConverter<@Nullable String, @Nullable String> {

	private final SecretCipher cipher;

	SealedSecret(SecretCipher cipher) {
		this.cipher = cipher;
	}

	@Override
	public @Nullable String convertToDatabaseColumn(@Nullable String secret) {
		return (secret != null) ? this.cipher.seal(secret) : null;
	}

	@Override
	public @Nullable String convertToEntityAttribute(@Nullable String stored) {
		return (stored != null) ? this.cipher.open(stored) : null;
	}

}
