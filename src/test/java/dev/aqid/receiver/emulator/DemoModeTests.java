package dev.aqid.receiver.emulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import java.util.ArrayList;
import java.util.List;

import dev.aqid.receiver.support.ExternalPostgres;
import dev.aqid.receiver.support.RunningReceiver;
import dev.aqid.receiver.support.WebhookClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Demo mode end to end: with no Amiqus token the service runs the emulator, the registrar
 * subscribes there, and the scenario's signed deliveries arrive over real HTTP, are
 * verified with the learned secret, stored and enriched. It never runs where the operator
 * named a database or secrets of their own: there a missing token means receiving only.
 */
@ExtendWith(OutputCaptureExtension.class)
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
			assertThat(demo.context().getEnvironment().getProperty("amiqus.api.url"))
				.as("the emulator is served by the service's own server")
				.isEqualTo("http://127.0.0.1:" + demo.port() + "/emulator/api/v2");
			assertThat(emulatorStatus(demo)).as("open without an API key, as Amiqus's API is to us").isEqualTo(204);
			DemoDestinationController destination = demo.context().getBean(DemoDestinationController.class);
			await().atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(200))
				.untilAsserted(() -> assertThat(destination.received()).as("forwarded to the demo's destination")
					.extracting(DemoDestinationController.Received::type)
					.containsExactlyInAnyOrder("client.created", "record.created", "record.finished"));
			assertThat(destination.received()).allMatch(DemoDestinationController.Received::verified);
		}
	}

	@Test
	void neverRunsOnADatabaseOfTheOperatorsOwn(CapturedOutput output) throws Exception {
		try (ExternalPostgres database = ExternalPostgres.start(this.dataDir.resolve("pg"))) {
			List<String> properties = new ArrayList<>(database.serviceProperties());
			properties.add("amiqus.demo.enabled=true");
			try (RunningReceiver receiver = RunningReceiver.start(properties)) {
				assertReceivingOnly(receiver, output, "SPRING_DATASOURCE_URL");
			}
		}
	}

	@Test
	void neverRunsWhenWebhookSecretsAreConfigured(CapturedOutput output) throws Exception {
		// RunningReceiver configures a webhook secret, as a real deployment does.
		try (RunningReceiver receiver = RunningReceiver.onDataDir(this.dataDir, "amiqus.demo.enabled=true")) {
			assertReceivingOnly(receiver, output, "AMIQUS_WEBHOOK_SECRETS");
		}
	}

	private static void assertReceivingOnly(RunningReceiver receiver, CapturedOutput output, String because)
			throws Exception {
		ConfigurableApplicationContext context = receiver.context();
		assertThat(context.getBeansOfType(DemoMode.class)).isEmpty();
		assertThat(context.getBeansOfType(AmiqusEmulator.class)).as("no emulator served").isEmpty();
		assertThat(emulatorStatus(receiver)).isEqualTo(404);
		assertThat(context.getEnvironment().getProperty("amiqus.api.token")).isNull();
		assertThat(context.getEnvironment().getProperty("amiqus.registrar.url")).isNull();
		assertThat(context.getEnvironment().getProperty("receiver.api.keys")).isEmpty();
		HttpResponse<String> withDemoKey = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + receiver.port() + "/api/events"))
				.header("Authorization", "Bearer demo")
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(withDemoKey.statusCode()).as("the well-known demo key opens nothing").isEqualTo(401);
		assertThat(receiver.client().deliver(WebhookClient.recordEvent("record.created", 1, 2), null).status())
			.as("still receiving")
			.isEqualTo(202);
		assertThat(context.getBean(JdbcTemplate.class).queryForObject("select count(*) from events", Long.class))
			.as("no demo scenario, only the delivery sent here")
			.isEqualTo(1);
		String log = output.getAll();
		assertThat(log).contains("RECEIVING ONLY: no AMIQUS_API_TOKEN is set", "enrichment and the registrar", because);
		assertThat(log.split("RECEIVING ONLY", -1)).as("said once").hasSize(2);
		assertThat(log).doesNotContain("DEMO MODE");
	}

	@Test
	void staysOffWhenATokenIsSet() {
		try (RunningReceiver real = RunningReceiver.onDataDir(this.dataDir, "amiqus.demo.enabled=true",
				"amiqus.api.token=a-real-token", "amiqus.api.url=http://127.0.0.1:9/api/v2",
				"amiqus.enrichment.enabled=false")) {
			assertThat(real.context().getBeansOfType(DemoMode.class)).isEmpty();
			assertThat(real.context().getBeansOfType(AmiqusEmulator.class)).isEmpty();
			assertThat(real.context().getEnvironment().getProperty("amiqus.api.url"))
				.isEqualTo("http://127.0.0.1:9/api/v2");
			assertThat(real.context().getEnvironment().getProperty("amiqus.registrar.url")).isNull();
		}
	}

	private static int emulatorStatus(RunningReceiver receiver) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + receiver.port() + "/emulator/api/v2/status"))
				.build(), HttpResponse.BodyHandlers.discarding())
			.statusCode();
	}

}
