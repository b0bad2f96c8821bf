package dev.aqid.receiver.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties over generated input: a body verifies only with its own signature and
 * secret, and no body, however malformed, makes the parser fail. Each property runs on
 * hundreds of random samples from a fixed seed, so a failure names the sample that failed
 * and repeats on every run.
 */
class SignatureAndParsingPropertyTests {

	private static final List<String> JSON_FRAGMENTS = List.of("{", "}", "[", "]", ":", ",", "\"trigger\"", "\"alias\"",
			"\"data\"", "\"record\"", "\"id\"", "\"client\"", "\"triggered_at\"", "\"2024-05-07T12:30:45Z\"", "1", "-1",
			"1e400", "99999999999999999999", "null", "true", "\"\\u0000\"", "\"record.updated\"", " ");

	private final DeliveryParser parser = new DeliveryParser(JsonMapper.builder().build());

	@Test
	void verifiesABodyWithItsOwnSignature() {
		forSamples(300, (random) -> {
			byte[] body = bytes(random, 0, 2048);
			String secret = text(random, 1, 80);
			byte[] digest = SignatureVerifier
				.decode(Base64.getEncoder().encodeToString(SignatureVerifier.sign(secret, body)))
				.orElseThrow();

			assertThat(verifier(secret).isAuthentic(body, digest)).isTrue();
		});
	}

	@Test
	void refusesABodyWithAnyBitChanged() {
		forSamples(300, (random) -> {
			String secret = "It's a Secret to Everybody";
			byte[] body = bytes(random, 1, 1024);
			byte[] digest = SignatureVerifier.sign(secret, body);
			byte[] tampered = body.clone();
			tampered[random.nextInt(tampered.length)] ^= (byte) (1 << random.nextInt(8));

			assertThat(verifier(secret).isAuthentic(tampered, digest)).isFalse();
		});
	}

	@Test
	void refusesADigestWithAnyBitChanged() {
		forSamples(300, (random) -> {
			String secret = "whsec-rotation-2";
			byte[] body = bytes(random, 0, 1024);
			byte[] digest = SignatureVerifier.sign(secret, body);
			digest[random.nextInt(32)] ^= (byte) (1 << random.nextInt(8));

			assertThat(verifier(secret).isAuthentic(body, digest)).isFalse();
		});
	}

	@Test
	void neverFailsToParseArbitraryBytes() {
		forSamples(500, (random) -> assertThat(this.parser.parse(bytes(random, 0, 4096))).isNotNull());
	}

	@Test
	void neverFailsToParseJsonLikeText() {
		forSamples(500, (random) -> {
			StringBuilder body = new StringBuilder();
			for (int i = random.nextInt(61); i > 0; i--) {
				body.append(JSON_FRAGMENTS.get(random.nextInt(JSON_FRAGMENTS.size())));
			}
			DeliveryContent content = this.parser.parse(body.toString().getBytes(StandardCharsets.UTF_8));

			assertThat(content).as(body.toString()).isNotNull();
			if (content.alias() != null) {
				assertThat(content.alias()).hasSizeLessThanOrEqualTo(255).doesNotContain("\u0000");
			}
		});
	}

	/** Runs the property on {@code samples} generated inputs, each from its own seed. */
	private static void forSamples(int samples, Consumer<SplittableRandom> property) {
		for (int sample = 0; sample < samples; sample++) {
			try {
				property.accept(new SplittableRandom(sample));
			}
			catch (AssertionError ex) {
				throw new AssertionError("Failed on sample " + sample + " (new SplittableRandom(" + sample + "))", ex);
			}
		}
	}

	private static byte[] bytes(SplittableRandom random, int minLength, int maxLength) {
		byte[] bytes = new byte[random.nextInt(minLength, maxLength + 1)];
		random.nextBytes(bytes);
		return bytes;
	}

	/** Text of any code points, surrogate pairs and control characters included. */
	private static String text(SplittableRandom random, int minLength, int maxLength) {
		StringBuilder text = new StringBuilder();
		int length = random.nextInt(minLength, maxLength + 1);
		while (text.length() < length) {
			int codePoint = random.nextInt(Character.MAX_CODE_POINT + 1);
			if (codePoint < Character.MIN_SURROGATE || codePoint > Character.MAX_SURROGATE) {
				text.appendCodePoint(codePoint);
			}
		}
		return text.toString();
	}

	private static SignatureVerifier verifier(String secret) {
		return new SignatureVerifier(List.of(() -> List.of(secret)));
	}

}
