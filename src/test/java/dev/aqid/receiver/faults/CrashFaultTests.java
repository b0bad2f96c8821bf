package dev.aqid.receiver.faults;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.aqid.receiver.emulator.AmiqusEmulator;
import dev.aqid.receiver.support.FaultReport;
import dev.aqid.receiver.support.FreePort;
import dev.aqid.receiver.support.RetryingSender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code kill -9} of the service in the middle of a burst, twice: what was acknowledged
 * must be stored, once, and enriched after the restart; Amiqus's retries fill in the
 * rest. The service runs in its own JVM (on the embedded PostgreSQL in a temporary data
 * directory, on fixed ports so that a restart is the same service to the sender) and is
 * killed with SIGKILL, so no shutdown hook, no graceful stop and no lease release runs.
 */
class CrashFaultTests {

	private static final int DELIVERIES = 1000;

	private static final int KILLS = 2;

	/**
	 * SIGKILL: what a JVM killed by {@code Process.destroyForcibly} exits with on Linux.
	 */
	private static final int KILLED_BY_SIGKILL = 128 + 9;

	private static final String API_TOKEN = "tok-crash-" + UUID.randomUUID();

	@TempDir
	Path dataDir;

	private ReceiverProcesses receivers;

	@BeforeEach
	void prepare() {
		this.receivers = new ReceiverProcesses(this.dataDir);
	}

	@AfterEach
	void stopEverything() throws Exception {
		this.receivers.close();
	}

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void keepsEveryAcknowledgedDeliveryThroughKillsDuringABurstAndEnrichesThemAll() throws Exception {
		int port = FreePort.find();
		int databasePort = FreePort.find();
		long firstRecordId = 7_000_000 + (System.nanoTime() % 1_000_000) * 1000;
		try (AmiqusEmulator amiqus = FaultDeliveries.amiqus(API_TOKEN, firstRecordId, DELIVERIES);
				RetryingSender sender = new RetryingSender(port, DELIVERIES, 16,
						(index) -> FaultDeliveries.recordUpdated(firstRecordId, index), Duration.ofMillis(200))) {
			Process instance = start(port, databasePort, amiqus);
			FaultDeliveries.awaitReady(port, Duration.ofSeconds(120));
			sender.start(Duration.ofSeconds(180));

			List<Integer> acknowledgedWhenKilled = new ArrayList<>();
			List<Duration> outages = new ArrayList<>();
			for (int kill = 1; kill <= KILLS; kill++) {
				int threshold = DELIVERIES * (kill == 1 ? 25 : 55) / 100;
				sender.awaitAcknowledged(threshold, Duration.ofSeconds(150));
				int exitCode = instance.destroyForcibly().waitFor();
				// Counted once the process is gone: later acknowledgements
				// come from a later instance.
				acknowledgedWhenKilled.add(sender.acknowledgedCount());
				assertThat(exitCode).as("killed with SIGKILL").isEqualTo(KILLED_BY_SIGKILL);
				long killedAt = System.nanoTime();
				instance = start(port, databasePort, amiqus);
				sender.awaitAcknowledged(acknowledgedWhenKilled.get(kill - 1) + 1, Duration.ofSeconds(150));
				outages.add(Duration.ofMillis((System.nanoTime() - killedAt) / 1_000_000));
			}
			sender.awaitDone(Duration.ofSeconds(200));

			assertThat(acknowledgedWhenKilled.get(0)).as("acknowledged before the first kill")
				.isGreaterThanOrEqualTo(DELIVERIES / 4)
				.isLessThan(DELIVERIES);
			assertThat(acknowledgedWhenKilled.get(1)).as("acknowledged by the restarted instance before it was killed")
				.isGreaterThan(acknowledgedWhenKilled.get(0))
				.isLessThan(DELIVERIES);
			assertThat(sender.acknowledgedCount()).as("every delivery acknowledged in the end").isEqualTo(DELIVERIES);

			JdbcTemplate jdbc = new JdbcTemplate(new SimpleDriverDataSource(new org.postgresql.Driver(),
					"jdbc:postgresql://localhost:" + databasePort + "/postgres", "postgres", ""));
			await("every stored event enriched").atMost(Duration.ofSeconds(90))
				.pollInterval(Duration.ofMillis(500))
				.until(() -> FaultDeliveries.enriched(jdbc, sender) == DELIVERIES);

			FaultReport report = FaultReport.measure("kill -9 during a burst", jdbc, sender.deliveryIds(),
					sender.acknowledged(),
					"%d kills (SIGKILL) at %s acknowledged, down %s until the restart acknowledged; answers %s, %d without answer, %d attempts; %d Amiqus reads"
						.formatted(KILLS, acknowledgedWhenKilled, outages, sender.answersByStatus(), sender.noAnswer(),
								sender.attempts(), amiqus.entityReads()))
				.write();
			assertThat(report.lost()).as("acknowledged but not stored").isZero();
			assertThat(report.duplicates()).as("stored more than once").isZero();
			assertThat(report.stored()).as("stored").isEqualTo(DELIVERIES);
			assertThat(report.enriched()).as("enriched").isEqualTo(DELIVERIES);
			assertThat(amiqus.unauthorizedRequests()).isZero();

			instance.destroy();
			assertThat(instance.waitFor(60, TimeUnit.SECONDS)).as("the last instance stops on SIGTERM").isTrue();
		}
		for (Path log : this.receivers.logs()) {
			FaultDeliveries.read(log)
				.lines()
				.filter((line) -> line.contains("Started ReceiverApplication") || line.contains("left running"))
				.forEach(System.out::println);
			assertThat(FaultDeliveries.leaks(FaultDeliveries.read(log), API_TOKEN)).as("leaked into " + log).isEmpty();
		}
		assertThat(FaultDeliveries.read(this.receivers.logs().get(1)))
			.as("the restart found the killed instance's PostgreSQL")
			.contains("left running on");
	}

	private Process start(int port, int databasePort, AmiqusEmulator amiqus) throws IOException {
		// A crashed instance's claims come back after the lease: a short lease keeps the
		// test short.
		return this.receivers.start(port, databasePort, List.of("--amiqus.api.url=" + amiqus.baseUrl(),
				"--amiqus.api.token=" + API_TOKEN, "--amiqus.enrichment.lease=15s"), Map.of());
	}

}
