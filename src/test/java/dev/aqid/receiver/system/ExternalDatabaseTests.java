package dev.aqid.receiver.system;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.aqid.receiver.support.ExternalPostgres;
import dev.aqid.receiver.support.RunningReceiver;
import dev.aqid.receiver.support.WebhookClient;
import dev.aqid.receiver.support.WebhookClient.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code SPRING_DATASOURCE_URL} set the service uses that PostgreSQL (here one the
 * test starts and stops on its own) and starts none of its own; while it is down,
 * deliveries are answered 503, never 2xx, and service resumes without a restart.
 */
class ExternalDatabaseTests {

	@TempDir
	Path databaseDir;

	private ExternalPostgres database;

	@AfterEach
	void stopDatabase() throws IOException {
		if (this.database != null) {
			this.database.close();
		}
	}

	@Test
	void usesTheConfiguredDatabaseAndAnswers503WhileItIsDown() throws Exception {
		this.database = ExternalPostgres.start(this.databaseDir.resolve("pg"));
		List<String> properties = new ArrayList<>(this.database.serviceProperties());
		properties.add("receiver.data-dir=" + this.databaseDir.resolve("unused"));
		try (RunningReceiver receiver = RunningReceiver.start(properties)) {
			assertThat(receiver.context().getBeansOfType(EmbeddedPostgresServer.class)).isEmpty();
			assertThat(this.databaseDir.resolve("unused")).doesNotExist();
			WebhookClient client = receiver.client();
			assertThat(client.deliver(WebhookClient.recordEvent("record.created", 1, 2), null).status()).isEqualTo(202);

			this.database.stop();
			String deliveryId = UUID.randomUUID().toString();
			String body = WebhookClient.recordEvent("record.finished", 3, 4);
			long started = System.nanoTime();
			Answer duringOutage = client.deliver(body, deliveryId);
			Duration answeredIn = Duration.ofNanos(System.nanoTime() - started);

			assertThat(duringOutage.status()).isEqualTo(503);
			assertThat(duringOutage.contentType()).isEqualTo("application/problem+json");
			assertThat(answeredIn).as("inside Amiqus's 5 s limit").isLessThan(Duration.ofSeconds(5));

			this.database.startAgain();
			Answer afterRecovery = awaitStatus(client, body, deliveryId, 202);

			assertThat(afterRecovery.duplicate()).as("the 503 stored nothing").isFalse();
		}
	}

	private static Answer awaitStatus(WebhookClient client, String body, String deliveryId, int status) {
		return await("a " + status + " answer").atMost(Duration.ofSeconds(30))
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(200))
			.until(() -> client.deliver(body, deliveryId), (answer) -> answer.status() == status);
	}

}
