package dev.aqid.receiver.encryption;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The key that encrypts secrets at rest.
 *
 * @param key base64 of 32 random bytes ({@code openssl rand -base64 32}); unset or blank
 * keeps them in plain text
 */
@ConfigurationProperties("receiver.encryption")
record EncryptionProperties(@Nullable String key) {

	/** Never shows the key. */
	@Override
	public String toString() {
		return "EncryptionProperties[key=" + ((this.key != null && !this.key.isBlank()) ? "******" : "none") + "]";
	}

}
