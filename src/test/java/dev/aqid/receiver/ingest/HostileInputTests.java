package dev.aqid.receiver.ingest;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.aqid.receiver.support.ReceiverServerTest;
import dev.aqid.receiver.support.WebhookClient;
import dev.aqid.receiver.support.WebhookClient.Answer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A corpus of odd and hostile deliveries with the answer each must get. None may be
 * answered 5xx, none unsigned may be stored, and no log line may show a body or secret.
 */
@ReceiverServerTest
@ExtendWith(OutputCaptureExtension.class)
class HostileInputTests {

	/** In every body below: must never appear in a log line. */
	private static final String MARKER = "PERSONAL-DATA-" + UUID.randomUUID();

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	@Autowired
	JdbcTemplate jdbc;

	WebhookClient client;

	@BeforeEach
	void setUp() {
		this.client = new WebhookClient(this.port);
	}

	@Test
	void answersEveryUnsignedOrMissignedDeliveryWith404AndStoresNothing(CapturedOutput output) {
		byte[] body = json("{\"trigger\":{\"alias\":\"record.updated\"},\"note\":\"" + MARKER + "\"}");
		String valid = WebhookClient.sign(WebhookClient.SECRET, body);
		Map<String, Map<String, String>> corpus = new LinkedHashMap<>();
		corpus.put("no signature", Map.of());
		corpus.put("empty signature", Map.of("X-AQID-Signature", ""));
		corpus.put("not base64", Map.of("X-AQID-Signature", "%%%not-base64%%%"));
		corpus.put("base64 of too few bytes", Map.of("X-AQID-Signature", "AAAAAAAA"));
		corpus.put("hex digest", Map.of("X-AQID-Signature", "a".repeat(64)));
		corpus.put("prefixed", Map.of("X-AQID-Signature", "sha256=" + valid));
		corpus.put("url-safe alphabet of a digest with + or /",
				Map.of("X-AQID-Signature", valid.replace('+', '-').replace('/', '_') + "x"));
		corpus.put("signed with another secret", Map.of("X-AQID-Signature", WebhookClient.sign("guess", body)));
		corpus.put("secret as signature", Map.of("X-AQID-Signature", WebhookClient.SECRET));
		corpus.put("very long header", Map.of("X-AQID-Signature", "A".repeat(6000)));

		double rejectedBefore = rejected();
		corpus.forEach((name, headers) -> {
			Answer answer = this.client.post(body, headers);
			assertThat(answer.status()).as(name).isEqualTo(404);
		});
		assertThat(storedWithMarker()).isZero();
		assertThat(rejected() - rejectedBefore).as("the metric counts every refusal").isEqualTo(corpus.size());
		assertThat(output.getAll().lines().filter((line) -> line.contains("Refused a webhook delivery")))
			.as("at most one line a minute per reason (missing, malformed, mismatch), not one per forgery")
			.hasSizeLessThanOrEqualTo(3);
		assertThat(output.getAll()).doesNotContain(MARKER).doesNotContain(WebhookClient.SECRET);
	}

	@Test
	void storesEveryOddButSignedDeliveryAndNeverAnswers5xx(CapturedOutput output) {
		List<byte[]> corpus = List.of(json("{\"note\":\"" + MARKER + "\"," + "\"deep\":" + "[".repeat(3000) + "]"
			.repeat(3000) + "}"), json("{\"trigger\":{\"alias\":\"record.updated\"},"
					+ "\"data\":{\"record\":{\"id\":1e400},\"client\":{\"id\":-99999999999999999999999}},\"note\":\""
					+ MARKER + "\"}"),
				bytes(new byte[] { (byte) 0xff, (byte) 0xfe, (byte) 0xc3, 0x28 }, MARKER),
				json("{\"trigger\":{\"alias\":\"" + "x".repeat(5000) + "\"},\"note\":\"" + MARKER + "\"}"),
				json("{\"trigger\":{\"alias\":{\"nested\":true}},\"data\":{\"record\":{\"id\":\"abc\",\"type\":7}},"
						+ "\"note\":\"" + MARKER + "\"}"),
				json("[\"" + MARKER + "\"]"), json("\"" + MARKER + "\""), json("{\"note\":\"" + MARKER + "\"}{}"),
				json("{\"note\":\"" + MARKER + "\",\"text\":\"\\ud800 lone surrogate\"}"));
		for (byte[] body : corpus) {
			Map<String, String> headers = Map.of("Content-Type", "text/plain; charset=binary", "X-AQID-Signature",
					WebhookClient.sign(WebhookClient.SECRET, body), "X-AQID-Delivery-Id", UUID.randomUUID().toString());
			assertThat(this.client.post(body, headers).status()).isEqualTo(202);
			assertThat(this.client.postChunked(body, headers).status()).as("the same, chunked: a redelivery")
				.isEqualTo(202);
		}
		assertThat(storedWithMarker()).isEqualTo(corpus.size());
		assertThat(output.getAll()).doesNotContain(MARKER).doesNotContain(WebhookClient.SECRET);
	}

	private int storedWithMarker() {
		return this.jdbc.queryForObject("select count(*) from events where position(? in raw_body) > 0", Integer.class,
				(Object) MARKER.getBytes(StandardCharsets.UTF_8));
	}

	private static byte[] json(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] bytes(byte[] prefix, String text) {
		byte[] rest = text.getBytes(StandardCharsets.UTF_8);
		byte[] all = new byte[prefix.length + rest.length];
		System.arraycopy(prefix, 0, all, 0, prefix.length);
		System.arraycopy(rest, 0, all, prefix.length, rest.length);
		return all;
	}

	private double rejected() {
		return this.meters.find("receiver.deliveries")
			.tag("outcome", "rejected")
			.counters()
			.stream()
			.mapToDouble(io.micrometer.core.instrument.Counter::count)
			.sum();
	}

}
