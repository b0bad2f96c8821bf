package dev.aqid.receiver.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Expected digests were computed outside Java with
 * {@code printf '%s' BODY | openssl dgst -sha256 -hmac SECRET -binary | base64}.
 */
class SignatureVerifierTests {

	private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.UTF_8);

	private static final String HELLO_SIGNATURE = "dXEH6g6yUJ/CESIczphLijdXC211hsIsRvQ3nIsEPhc=";

	private static final byte[] PING = "{\"uuid\":\"a1\",\"event\":\"ping\",\"sent_at\":\"2024-05-07T12:30:45Z\",\"data\":[\"ping\"]}"
		.getBytes(StandardCharsets.UTF_8);

	private static final String PING_SIGNATURE = "wZgEuaQfAbRnTw+TYvCFjOvlMP/Exrly0sQ+0wz81vQ=";

	@Test
	void signsLikeOpenssl() {
		assertThat(Base64.getEncoder().encodeToString(SignatureVerifier.sign("It's a Secret to Everybody", HELLO)))
			.isEqualTo(HELLO_SIGNATURE);
		assertThat(Base64.getEncoder().encodeToString(SignatureVerifier.sign("k", new byte[0])))
			.isEqualTo("i7mQxAp9YcuXWXqUISUCW+UKyL63RDbjc1uYiTp/ZiA=");
	}

	@Test
	void acceptsBodySignedWithTheSecret() {
		assertThat(verifier("It's a Secret to Everybody").isAuthentic(HELLO, digest(HELLO_SIGNATURE))).isTrue();
	}

	@Test
	void acceptsBodySignedWithAnyOfSeveralSecrets() {
		SignatureVerifier verifier = verifier("old-secret", "whsec-rotation-2");
		assertThat(verifier.isAuthentic(PING, digest(PING_SIGNATURE))).isTrue();
	}

	@Test
	void asksEverySourceForSecrets() {
		SignatureVerifier verifier = new SignatureVerifier(List.of(source("unrelated"), source("whsec-rotation-2")));
		assertThat(verifier.isAuthentic(PING, digest(PING_SIGNATURE))).isTrue();
	}

	@Test
	void rejectsTamperedBody() {
		byte[] tampered = "Hello, World?".getBytes(StandardCharsets.UTF_8);
		assertThat(verifier("It's a Secret to Everybody").isAuthentic(tampered, digest(HELLO_SIGNATURE))).isFalse();
	}

	@Test
	void rejectsWrongSecret() {
		assertThat(verifier("It's a secret to everybody").isAuthentic(HELLO, digest(HELLO_SIGNATURE))).isFalse();
	}

	@Test
	void rejectsEverythingWithoutSecrets() {
		assertThat(verifier().isAuthentic(HELLO, digest(HELLO_SIGNATURE))).isFalse();
		assertThat(verifier("").isAuthentic(HELLO, digest(HELLO_SIGNATURE))).isFalse();
	}

	@Test
	void rejectsHexEncodedDigestAsMalformed() {
		// A peer integration base64-encodes the hex string; that is
		// never a valid signature.
		String hexThenBase64 = Base64.getEncoder()
			.encodeToString(java.util.HexFormat.of()
				.formatHex(SignatureVerifier.sign("It's a Secret to Everybody", HELLO))
				.getBytes(StandardCharsets.US_ASCII));
		assertThat(SignatureVerifier.decode(hexThenBase64)).isEmpty();
	}

	@Test
	void decodesOnlyBase64Of32Bytes() {
		assertThat(SignatureVerifier.decode(HELLO_SIGNATURE)).hasValueSatisfying((d) -> assertThat(d).hasSize(32));
		assertThat(SignatureVerifier.decode(" " + HELLO_SIGNATURE + " ")).isPresent();
		assertThat(SignatureVerifier.decode(null)).isEmpty();
		assertThat(SignatureVerifier.decode("")).isEmpty();
		assertThat(SignatureVerifier.decode("not base64 at all!")).isEmpty();
		assertThat(SignatureVerifier.decode("AAAA")).isEmpty();
		assertThat(SignatureVerifier.decode("sha256=" + HELLO_SIGNATURE)).isEmpty();
	}

	private static byte[] digest(String signature) {
		return SignatureVerifier.decode(signature).orElseThrow();
	}

	private static SignatureVerifier verifier(String... secrets) {
		return new SignatureVerifier(List.of(source(secrets)));
	}

	private static WebhookSecretSource source(String... secrets) {
		Collection<String> list = List.of(secrets);
		return () -> list;
	}

}
