package dev.aqid.receiver.encryption;

import java.util.Base64;

import dev.aqid.receiver.encryption.SecretCipher.WrongEncryptionKey;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretCipherTests {

	private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

	private static final String OTHER_KEY = Base64.getEncoder()
		.encodeToString("0123456789abcdef0123456789abcdef".getBytes());

	private final SecretCipher cipher = new SecretCipher(KEY);

	@Test
	void sealedValueOpensToTheSecretAndDoesNotContainIt() {
		String sealed = this.cipher.seal("webhook-secret-4f2a");

		assertThat(sealed).startsWith(SecretCipher.PREFIX).doesNotContain("webhook-secret-4f2a");
		assertThat(SecretCipher.isSealed(sealed)).isTrue();
		assertThat(this.cipher.open(sealed)).isEqualTo("webhook-secret-4f2a");
	}

	@Test
	void sealsTheSameSecretDifferentlyEachTime() {
		assertThat(this.cipher.seal("same")).isNotEqualTo(this.cipher.seal("same"));
	}

	@Test
	void opensPlainValuesAsTheyAre() {
		assertThat(SecretCipher.isSealed("plain-secret")).isFalse();
		assertThat(this.cipher.open("plain-secret")).isEqualTo("plain-secret");
	}

	@Test
	void refusesAnAlteredValue() {
		String sealed = this.cipher.seal("token-value");
		byte[] bytes = Base64.getDecoder().decode(sealed.substring(SecretCipher.PREFIX.length()));
		bytes[bytes.length - 20] ^= 1;
		String tampered = SecretCipher.PREFIX + Base64.getEncoder().encodeToString(bytes);

		assertThatThrownBy(() -> this.cipher.open(tampered)).isInstanceOf(WrongEncryptionKey.class)
			.hasMessageContaining("RECEIVER_ENCRYPTION_KEY");
	}

	@Test
	void refusesAValueSealedWithAnotherKeyWithoutShowingIt() {
		String sealed = new SecretCipher(OTHER_KEY).seal("token-value");

		assertThatThrownBy(() -> this.cipher.open(sealed)).isInstanceOf(WrongEncryptionKey.class)
			.hasMessageContaining("RECEIVER_ENCRYPTION_KEY")
			.hasMessageNotContaining("token-value")
			.hasMessageNotContaining(sealed);
	}

	@Test
	void refusesASealedValueWhenNoKeyIsSet() {
		String sealed = this.cipher.seal("token-value");

		assertThatThrownBy(() -> new SecretCipher((String) null).open(sealed)).isInstanceOf(WrongEncryptionKey.class)
			.hasMessageContaining("RECEIVER_ENCRYPTION_KEY is not set");
	}

	@Test
	void storesPlainTextWithoutAKey() {
		SecretCipher none = new SecretCipher("  ");

		assertThat(none.encrypts()).isFalse();
		assertThat(none.seal("value")).isEqualTo("value");
	}

	@Test
	void refusesAKeyOfTheWrongLengthOrNotBase64() {
		assertThatIllegalStateException()
			.isThrownBy(() -> new SecretCipher(Base64.getEncoder().encodeToString(new byte[16])))
			.withMessageContaining("RECEIVER_ENCRYPTION_KEY must be base64 of 32 bytes")
			.withMessageContaining("not 16 bytes");
		assertThatIllegalStateException().isThrownBy(() -> new SecretCipher("not base64!"))
			.withMessageContaining("RECEIVER_ENCRYPTION_KEY is not base64");
	}

}
