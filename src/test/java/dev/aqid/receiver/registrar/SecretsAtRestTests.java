package dev.aqid.receiver.registrar;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import dev.aqid.receiver.amiqus.Webhook;
import dev.aqid.receiver.emulator.AmiqusEmulator;
import dev.aqid.receiver.emulator.StandaloneEmulator;
import dev.aqid.receiver.support.RunningReceiver;
import dev.aqid.receiver.support.WebhookClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The learned webhook secret at rest: stored in plain text without
 * {@code RECEIVER_ENCRYPTION_KEY}, encrypted on the first start with a key (and still
 * accepted for signatures), and a wrong key stops start-up with a message naming the
 * variable, never the secret. Read from the table directly, as a database dump would.
 */
class SecretsAtRestTests {

	static final String KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

	static final String OTHER_KEY = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=";

	static final AmiqusEmulator amiqus = StandaloneEmulator.start(0);

	@TempDir
	Path dataDir;

	@AfterAll
	static void stopEmulator() {
		amiqus.close();
	}

	@Test
	void plainSecretsAreEncryptedOnTheFirstStartWithAKeyAndAWrongKeyStopsStartUp() {
		String ourUrl = "http://127.0.0.1:9/webhooks/amiqus/" + UUID.randomUUID();
		String[] common = { "amiqus.api.token=at-rest-token", "amiqus.api.url=" + amiqus.baseUrl(),
				"amiqus.registrar.url=" + ourUrl, "amiqus.registrar.interval=1h", "amiqus.enrichment.enabled=false" };

		String learned;
		try (RunningReceiver plain = RunningReceiver.onDataDir(this.dataDir, common)) {
			JdbcTemplate jdbc = plain.context().getBean(JdbcTemplate.class);
			await("the registrar learned the secret").atMost(Duration.ofSeconds(60))
				.until(() -> jdbc.queryForObject("select count(*) from subscription where secret is not null",
						Long.class) == 1);
			learned = amiqus.webhooks()
				.stream()
				.filter((webhook) -> webhook.url().equals(ourUrl))
				.map(Webhook::secret)
				.findFirst()
				.orElseThrow();
			assertThat(jdbc.queryForObject("select secret from subscription", String.class))
				.as("without a key, plain text")
				.isEqualTo(learned);
		}

		try (RunningReceiver encrypted = RunningReceiver.onDataDir(this.dataDir,
				with(common, "receiver.encryption.key=" + KEY))) {
			JdbcTemplate jdbc = encrypted.context().getBean(JdbcTemplate.class);
			String stored = jdbc.queryForObject("select secret from subscription", String.class);
			assertThat(stored).startsWith("enc:v1:").doesNotContain(learned);
			byte[] body = WebhookClient.recordEvent("record.updated", 4401, 4402).getBytes(StandardCharsets.UTF_8);
			Map<String, String> headers = new LinkedHashMap<>();
			headers.put("Content-Type", "application/json");
			headers.put("X-AQID-Signature", WebhookClient.sign(learned, body));
			headers.put("X-AQID-Delivery-Id", UUID.randomUUID().toString());
			await("a delivery signed with the learned secret accepted").atMost(Duration.ofSeconds(30))
				.until(() -> encrypted.client().post(body, headers).status() == 202);
			assertThat(jdbc.queryForObject("select secret from subscription", String.class)).startsWith("enc:v1:");
		}

		assertThatThrownBy(
				() -> RunningReceiver.onDataDir(this.dataDir, with(common, "receiver.encryption.key=" + OTHER_KEY))
					.close())
			.hasStackTraceContaining("cannot be decrypted with RECEIVER_ENCRYPTION_KEY")
			.satisfies((ex) -> assertThat(stackTrace(ex)).doesNotContain(learned).doesNotContain(OTHER_KEY));
	}

	private static String[] with(String[] common, String extra) {
		String[] all = java.util.Arrays.copyOf(common, common.length + 1);
		all[common.length] = extra;
		return all;
	}

	private static String stackTrace(Throwable ex) {
		java.io.StringWriter out = new java.io.StringWriter();
		ex.printStackTrace(new java.io.PrintWriter(out));
		return out.toString();
	}

}
