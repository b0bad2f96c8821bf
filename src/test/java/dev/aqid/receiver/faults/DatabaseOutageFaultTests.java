package dev.aqid.receiver.faults;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;

import dev.aqid.receiver.emulator.AmiqusEmulator;
import dev.aqid.receiver.support.ExternalPostgres;
import dev.aqid.receiver.support.FaultReport;
import dev.aqid.receiver.support.RetryingSender;
import dev.aqid.receiver.support.RunningReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The external PostgreSQL goes away for a few seconds in the middle of a burst: every
 * delivery is answered 202 (stored) or 503 (Amiqus retries), within Amiqus's 5 s, never
 * 500; nothing acknowledged is lost or stored twice; the same running instance takes
 * deliveries again and enriches everything once the database is back.
 */
@ExtendWith(OutputCaptureExtension.class)
class DatabaseOutageFaultTests {

	private static final int DELIVERIES = 2000;

	private static final Duration OUTAGE = Duration.ofSeconds(3);

	private static final String API_TOKEN = "tok-outage-" + UUID.randomUUID();

	@TempDir
	Path databaseDir;

	private ExternalPostgres database;

	@AfterEach
	void stopDatabase() throws IOException {
		if (this.database != null) {
			this.database.stop();
		}
	}

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void answersOnly202Or503AndLosesNothingWhenTheDatabaseGoesAwayMidBurst(CapturedOutput output) throws Exception {
		this.database = ExternalPostgres.start(this.databaseDir.resolve("pg"));
		long firstRecordId = 3_000_000 + (System.nanoTime() % 1_000_000) * 1000;
		try (AmiqusEmulator amiqus = FaultDeliveries.amiqus(API_TOKEN, firstRecordId, DELIVERIES);
				RunningReceiver receiver = RunningReceiver
					.start(Stream.concat(this.database.serviceProperties().stream(),
							Stream.of("receiver.data-dir=" + this.databaseDir.resolve("unused"),
									"amiqus.api.url=" + amiqus.baseUrl(), "amiqus.api.token=" + API_TOKEN,
									// Events claimed when the database went away
									// come back after the lease: a short lease
									// keeps the test short.
									"amiqus.enrichment.lease=15s"))
						.toList());
				RetryingSender sender = new RetryingSender(receiver.port(), DELIVERIES, 16,
						(index) -> FaultDeliveries.recordUpdated(firstRecordId, index), Duration.ofMillis(200))) {
			sender.start(Duration.ofSeconds(150));

			sender.awaitAcknowledged(DELIVERIES / 4, Duration.ofSeconds(120));
			this.database.close();
			int acknowledgedWhenDown = sender.acknowledgedCount();
			long downAt = System.nanoTime();
			Thread.sleep(OUTAGE.toMillis());
			// On a busy machine the first 503 may take a few seconds (pool and store
			// timeouts): keep the database down until the outage has been felt.
			await("a 503 while the database is down").atMost(Duration.ofSeconds(15))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> sender.answersByStatus().getOrDefault(503, 0L) > 0);
			this.database.startAgain();
			Duration outage = Duration.ofMillis((System.nanoTime() - downAt) / 1_000_000);
			int acknowledgedWhenBack = sender.acknowledgedCount();
			sender.awaitDone(Duration.ofSeconds(160));

			assertThat(acknowledgedWhenDown).as("acknowledged before the outage").isLessThan(DELIVERIES);
			assertThat(sender.acknowledgedCount()).as("acknowledged after the database came back, same instance")
				.isGreaterThan(acknowledgedWhenBack)
				.isEqualTo(DELIVERIES);
			assertThat(receiver.context().isActive()).isTrue();
			assertThat(sender.answersByStatus()).as("answers by status").containsOnlyKeys(202, 503);
			assertThat(sender.noAnswer()).as("attempts not answered within 5 s").isZero();
			assertThat(sender.slowestAnswer(503)).as("slowest 503").isLessThan(Duration.ofSeconds(5));

			JdbcTemplate jdbc = receiver.context().getBean(JdbcTemplate.class);
			await("every stored event enriched").atMost(Duration.ofSeconds(90))
				.pollInterval(Duration.ofMillis(500))
				.until(() -> FaultDeliveries.enriched(jdbc, sender) == DELIVERIES);

			FaultReport report = FaultReport.measure("database outage mid-burst", jdbc, sender.deliveryIds(),
					sender.acknowledged(),
					"database down %.1f s after %d acknowledged; answers %s (slowest 503 %d ms, slowest 202 %d ms), %d without answer; %d Amiqus reads"
						.formatted(outage.toMillis() / 1000.0, acknowledgedWhenDown, sender.answersByStatus(),
								sender.slowestAnswer(503).toMillis(), sender.slowestAnswer(202).toMillis(),
								sender.noAnswer(), amiqus.entityReads()))
				.write();
			assertThat(report.lost()).as("acknowledged but not stored").isZero();
			assertThat(report.duplicates()).as("stored more than once").isZero();
			assertThat(report.stored()).as("stored").isEqualTo(DELIVERIES);
			assertThat(report.enriched()).as("enriched").isEqualTo(DELIVERIES);
			assertThat(amiqus.unauthorizedRequests()).isZero();
		}
		assertThat(FaultDeliveries.leaks(output.getAll(), API_TOKEN)).as("leaked into the log").isEmpty();
	}

}
