package dev.aqid.receiver.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import dev.aqid.receiver.ReceiverApplication;
import dev.aqid.receiver.support.FreePort;
import dev.aqid.receiver.support.RunningReceiver;
import dev.aqid.receiver.support.WebhookClient;
import dev.aqid.receiver.support.WebhookClient.Answer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The embedded default: data that survives restarts (and crashes), one instance per data
 * directory, durable settings.
 */
class EmbeddedDatabaseTests {

	@TempDir
	Path dataDir;

	@Test
	void keepsEventsAndDedupeAcrossARestart() {
		String deliveryId = UUID.randomUUID().toString();
		String body = WebhookClient.recordEvent("record.finished", 1, 2);
		String eventId;
		try (RunningReceiver first = RunningReceiver.onDataDir(this.dataDir)) {
			eventId = first.client().deliver(body, deliveryId).eventId();
		}

		try (RunningReceiver restarted = RunningReceiver.onDataDir(this.dataDir)) {
			Answer redelivery = restarted.client().deliver(body, deliveryId);

			assertThat(redelivery.status()).isEqualTo(202);
			assertThat(redelivery.duplicate()).isTrue();
			assertThat(redelivery.eventId()).isEqualTo(eventId);
		}
	}

	@Test
	void refusesASecondInstanceOnTheSameDataDirectory() {
		try (RunningReceiver first = RunningReceiver.onDataDir(this.dataDir)) {
			assertThatThrownBy(() -> RunningReceiver.onDataDir(this.dataDir).close())
				.hasRootCauseInstanceOf(EmbeddedPostgresServer.DataDirectoryInUse.class)
				.rootCause()
				.hasMessageContaining("is in use by another running instance")
				.hasMessageContaining(this.dataDir.toString());

			assertThat(first.client().deliver(WebhookClient.recordEvent("record.updated", 3, 4), null).status())
				.as("the first instance keeps working")
				.isEqualTo(202);
		}
	}

	@Test
	void runsPostgresWithDurableCommits() {
		try (RunningReceiver receiver = RunningReceiver.onDataDir(this.dataDir)) {
			JdbcTemplate jdbc = receiver.context().getBean(JdbcTemplate.class);

			assertThat(jdbc.queryForObject("show fsync", String.class)).isEqualTo("on");
			assertThat(jdbc.queryForObject("show synchronous_commit", String.class)).isEqualTo("on");
			assertThat(jdbc.queryForObject("show server_version_num", Integer.class)).isBetween(170000, 179999);
			assertThat(this.dataDir.resolve("pg/PG_VERSION")).exists();
		}
	}

	@Test
	void recoversTheDataDirectoryOfAnInstanceThatWasKilled() throws Exception {
		int port = FreePort.find();
		Process crashed = startInOwnJvm(port);
		String deliveryId = UUID.randomUUID().toString();
		String body = WebhookClient.recordEvent("record.created", 5, 6);
		try {
			Answer stored = awaitDelivery(new WebhookClient(port), body, deliveryId);
			assertThat(stored.status()).isEqualTo(202);
			crashed.destroyForcibly().waitFor();
			assertThat(Files.readAllLines(this.dataDir.resolve("pg/postmaster.pid")))
				.as("the killed instance leaves its PostgreSQL running")
				.isNotEmpty();

			try (RunningReceiver restarted = RunningReceiver.onDataDir(this.dataDir)) {
				Answer redelivery = restarted.client().deliver(body, deliveryId);

				assertThat(redelivery.duplicate()).isTrue();
				assertThat(redelivery.eventId()).isEqualTo(stored.eventId());
			}
		}
		finally {
			crashed.destroyForcibly();
			stopPostgresLeftIn(this.dataDir.resolve("pg"));
		}
	}

	private static void stopPostgresLeftIn(Path cluster) throws IOException {
		Path pidFile = cluster.resolve("postmaster.pid");
		if (Files.exists(pidFile)) {
			ProcessHandle.of(Long.parseLong(Files.readAllLines(pidFile).get(0).trim()))
				.ifPresent(ProcessHandle::destroy);
		}
	}

	private Process startInOwnJvm(int port) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(ReceiverApplication.class.getName());
		command.add("--server.port=" + port);
		command.add("--receiver.data-dir=" + this.dataDir);
		command.add("--amiqus.webhook.secrets=" + WebhookClient.SECRET);
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.dataDir.resolve("killed-instance.log").toFile())
			.start();
	}

	/**
	 * Delivers once the instance in its own JVM listens (until then delivering throws).
	 */
	private static Answer awaitDelivery(WebhookClient client, String body, String deliveryId) {
		return await("the instance in its own JVM answering").atMost(Duration.ofSeconds(90))
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(250))
			.ignoreExceptions()
			.until(() -> client.deliver(body, deliveryId), Objects::nonNull);
	}

}
