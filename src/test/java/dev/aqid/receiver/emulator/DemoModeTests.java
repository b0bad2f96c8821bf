package dev.aqid.receiver.emulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import dev.aqid.receiver.support.RunningReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Demo mode end to end: with no Amiqus token the service runs the emulator, the registrar
 * subscribes there, and the scenario's signed deliveries arrive over real HTTP, are
 * verified with the learned secret, stored and enriched.
 */
class DemoModeTests {

	@TempDir
	Path dataDir;

	@Test
	void showsTheWholeFlowWithoutAToken() throws Exception {
		try (RunningReceiver demo = RunningReceiver.onDataDir(this.dataDir, "amiqus.demo.enabled=true",
				"amiqus.webhook.secrets=")) {
			JdbcTemplate jdbc = demo.context().getBean(JdbcTemplate.class);

			await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(200))
				.untilAsserted(() -> assertThat(jdbc.queryForList(
						"select alias from events where enrichment_status = 'enriched' order by id", String.class))
					.containsExactly("client.created", "record.created", "record.finished"));
			assertThat(jdbc.queryForList("select distinct source from events", String.class))
				.as("delivered live, verified with the learned secret, not backfilled")
				.containsExactly("webhook");
			HttpResponse<String> events = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://localhost:" + demo.port() + "/api/events"))
					.header("Authorization", "Bearer demo")
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(events.statusCode()).isEqualTo(200);
			assertThat(events.body()).contains("\"client.created\"", "\"record.created\"", "\"record.finished\"");
			assertThat(jdbc.queryForList("select kind from snapshots order by kind", String.class))
				.containsExactly("client", "record", "record_steps");
			assertThat(
					jdbc.queryForObject("select data ->> 'status' from snapshots where kind = 'record'", String.class))
				.isEqualTo("complete");
			assertThat(demo.context().getBean(DemoMode.class).emulator().webhooks()).singleElement()
				.satisfies((webhook) -> assertThat(webhook.url()).endsWith(demo.port() + "/webhooks/amiqus"));
		}
	}

	@Test
	void staysOffWhenATokenIsSet() {
		try (RunningReceiver real = RunningReceiver.onDataDir(this.dataDir, "amiqus.demo.enabled=true",
				"amiqus.api.token=a-real-token", "amiqus.api.url=http://127.0.0.1:9/api/v2",
				"amiqus.enrichment.enabled=false")) {
			assertThat(real.context().getBeansOfType(DemoMode.class)).isEmpty();
			assertThat(real.context().getEnvironment().getProperty("amiqus.api.url"))
				.isEqualTo("http://127.0.0.1:9/api/v2");
			assertThat(real.context().getEnvironment().getProperty("amiqus.registrar.url")).isNull();
		}
	}

}
