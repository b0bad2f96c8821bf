package dev.aqid.receiver.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties over generated input: a body verifies only with its own signature and
 * secret, and no body, however malformed, makes the parser fail.
 */
class SignatureAndParsingPropertyTests {

	private final DeliveryParser parser = new DeliveryParser(JsonMapper.builder().build());

	@Property(tries = 300)
	void verifiesABodyWithItsOwnSignature(@ForAll @Size(max = 2048) byte[] body,
			@ForAll @StringLength(min = 1, max = 80) String secret) {
		byte[] digest = SignatureVerifier
			.decode(Base64.getEncoder().encodeToString(SignatureVerifier.sign(secret, body)))
			.orElseThrow();

		assertThat(verifier(secret).isAuthentic(body, digest)).isTrue();
	}

	@Property(tries = 300)
	void refusesABodyWithAnyBitChanged(@ForAll @Size(min = 1, max = 1024) byte[] body,
			@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int position, @ForAll @IntRange(max = 7) int bit) {
		String secret = "It's a Secret to Everybody";
		byte[] digest = SignatureVerifier.sign(secret, body);
		byte[] tampered = body.clone();
		tampered[position % tampered.length] ^= (byte) (1 << bit);

		assertThat(verifier(secret).isAuthentic(tampered, digest)).isFalse();
	}

	@Property(tries = 300)
	void refusesADigestWithAnyBitChanged(@ForAll @Size(max = 1024) byte[] body,
			@ForAll @IntRange(max = 31) int position, @ForAll @IntRange(max = 7) int bit) {
		String secret = "whsec-rotation-2";
		byte[] digest = SignatureVerifier.sign(secret, body);
		digest[position] ^= (byte) (1 << bit);

		assertThat(verifier(secret).isAuthentic(body, digest)).isFalse();
	}

	@Property(tries = 500)
	void neverFailsToParseArbitraryBytes(@ForAll @Size(max = 4096) byte[] body) {
		assertThat(this.parser.parse(body)).isNotNull();
	}

	@Property(tries = 500)
	void neverFailsToParseJsonLikeText(@ForAll("jsonLike") String body) {
		DeliveryContent content = this.parser.parse(body.getBytes(StandardCharsets.UTF_8));

		assertThat(content).isNotNull();
		if (content.alias() != null) {
			assertThat(content.alias()).hasSizeLessThanOrEqualTo(255).doesNotContain("\u0000");
		}
	}

	@Provide
	Arbitrary<String> jsonLike() {
		Arbitrary<String> fragments = Arbitraries.of("{", "}", "[", "]", ":", ",", "\"trigger\"", "\"alias\"",
				"\"data\"", "\"record\"", "\"id\"", "\"client\"", "\"triggered_at\"", "\"2024-05-07T12:30:45Z\"", "1",
				"-1", "1e400", "99999999999999999999", "null", "true", "\"\\u0000\"", "\"record.updated\"", " ");
		return fragments.list().ofMaxSize(60).map((parts) -> String.join("", parts));
	}

	private static SignatureVerifier verifier(String secret) {
		return new SignatureVerifier(List.of(() -> List.of(secret)));
	}

}
