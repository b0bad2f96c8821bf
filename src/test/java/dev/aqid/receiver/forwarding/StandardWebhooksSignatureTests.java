package dev.aqid.receiver.forwarding;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The signing against the Standard Webhooks reference libraries' published test vector.
 */
class StandardWebhooksSignatureTests {

	static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

	static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";

	static final long TIMESTAMP = 1614265330L;

	static final String PAYLOAD = "{\"test\": 2432232314}";

	static final String EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

	@Test
	void reproducesTheSpecsTestVector() {
		assertThat(StandardWebhooksSignature.sign(StandardWebhooksSignature.key(SECRET), ID, TIMESTAMP, PAYLOAD))
			.isEqualTo(EXPECTED);
	}

	@Test
	void signsOncePerSecretWhileRotating() {
		String other = "whsec_" + java.util.Base64.getEncoder().encodeToString("another key".getBytes());
		String header = StandardWebhooksSignature.header(StandardWebhooksSignature.keys(SECRET + "  " + other), ID,
				TIMESTAMP, PAYLOAD);
		List<String> signatures = List.of(header.split(" "));
		assertThat(signatures).hasSize(2).first().isEqualTo(EXPECTED);
		assertThat(signatures.get(1)).startsWith("v1,").isNotEqualTo(EXPECTED);
	}

	@Test
	void changesWithTheBodyTheIdAndTheTimestamp() {
		byte[] key = StandardWebhooksSignature.key(SECRET);
		assertThat(StandardWebhooksSignature.sign(key, ID, TIMESTAMP, "{\"test\": 2432232315}")).isNotEqualTo(EXPECTED);
		assertThat(StandardWebhooksSignature.sign(key, ID + "x", TIMESTAMP, PAYLOAD)).isNotEqualTo(EXPECTED);
		assertThat(StandardWebhooksSignature.sign(key, ID, TIMESTAMP + 1, PAYLOAD)).isNotEqualTo(EXPECTED);
	}

	@Test
	void refusesSecretsThatAreNotWhsecBase64() {
		assertThatIllegalArgumentException().isThrownBy(() -> StandardWebhooksSignature.key("MfKQ9r8GKYqrTwjUPD8I"))
			.withMessageContaining("whsec_");
		assertThatIllegalArgumentException().isThrownBy(() -> StandardWebhooksSignature.key("whsec_not base64!"))
			.withMessageContaining("base64");
		assertThatIllegalArgumentException().isThrownBy(() -> StandardWebhooksSignature.key("whsec_"));
	}

}
