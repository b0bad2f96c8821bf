package dev.aqid.receiver.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.aqid.receiver.faults.FaultyAmiqusApi.Answer;
import dev.aqid.receiver.support.FaultReport;
import dev.aqid.receiver.support.RetryingSender;
import dev.aqid.receiver.support.RunningReceiver;
import dev.aqid.receiver.support.WebhookClient;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Enrichment while the Amiqus API misbehaves: a burst of signed deliveries goes in
 * through the real endpoint while the API stand-in answers a quarter of the calls with a
 * fault chosen at random (seeded: {@code -Dfaults.seed=...} replays a run). Every event
 * must end enriched, skipped (its record is gone) or failed with a reason; none may stay
 * pending or leased, and the token and secret never reach the log.
 */
@ExtendWith(OutputCaptureExtension.class)
class AmiqusApiFaultTests {

	private static final long SEED = Long.getLong("faults.seed", 20240507L);

	private static final int DELIVERIES = 300;

	private static final long FIRST_RECORD = 70_000;

	private static final int MAX_ATTEMPTS = 4;

	private static final String TOKEN = "amiqus-fault-token-" + UUID.randomUUID();

	/** The faults keep coming for at most this long after the burst was acknowledged. */
	private static final Duration FAULT_WINDOW = Duration.ofSeconds(45);

	/** Then the API is healthy, and everything must settle within this. */
	private static final Duration SETTLE_DEADLINE = Duration.ofSeconds(45);

	@Test
	void everyEventSettlesWhileTheApiFailsInEveryWay(CapturedOutput output) throws Exception {
		long started = System.nanoTime();
		try (FaultyAmiqusApi amiqus = new FaultyAmiqusApi(SEED, TOKEN);
				RunningReceiver receiver = RunningReceiver.onDataDir(
						Path.of("target", "test-db", "faults-amiqus-" + UUID.randomUUID()),
						"amiqus.api.url=" + amiqus.baseUrl(), "amiqus.api.token=" + TOKEN,
						"amiqus.api.connect-timeout=1s", "amiqus.api.read-timeout=2s", "amiqus.enrichment.workers=4",
						"amiqus.enrichment.batch-size=5", "amiqus.enrichment.poll-interval=50ms",
						"amiqus.enrichment.settle-delay=100ms", "amiqus.enrichment.backoff-min=200ms",
						"amiqus.enrichment.backoff-max=1s", "amiqus.enrichment.max-attempts=" + MAX_ATTEMPTS);
				RetryingSender sender = new RetryingSender(receiver.port(), DELIVERIES, 12,
						(i) -> WebhookClient.recordEvent("record.updated", FIRST_RECORD + i, 5),
						Duration.ofMillis(100))) {
			JdbcTemplate jdbc = receiver.context().getBean(JdbcTemplate.class);
			long running = System.nanoTime();
			sender.start(Duration.ofSeconds(60)).awaitDone(Duration.ofSeconds(90));
			assertThat(sender.acknowledgedCount()).as("every delivery acknowledged").isEqualTo(DELIVERIES);
			String[] ids = sender.deliveryIds().toArray(String[]::new);

			long acknowledged = System.nanoTime();
			boolean settledUnderFaults = awaitSettled(jdbc, ids, FAULT_WINDOW);
			amiqus.heal();
			boolean settled = settledUnderFaults || awaitSettled(jdbc, ids, SETTLE_DEADLINE);

			Map<String, Long> byStatus = jdbc
				.queryForList("select enrichment_status from events where delivery_id = any(?)", String.class,
						(Object) ids)
				.stream()
				.collect(Collectors.groupingBy((status) -> status, Collectors.counting()));
			Map<Answer, Long> injected = amiqus.counts();
			FaultReport report = FaultReport.measure("Amiqus API faults during enrichment", jdbc, sender.deliveryIds(),
					sender.acknowledged(),
					"seed %d; %s; injected %s; calls while paused by 429: %d; settled %s; start-up %d s, burst acknowledged in %d s, settled %d s later"
						.formatted(SEED, byStatus, injected, amiqus.callsWhilePaused(),
								settledUnderFaults ? "under faults" : "after healing", seconds(started, running),
								seconds(running, acknowledged), seconds(acknowledged, System.nanoTime())))
				.write();

			assertThat(settled).as("no event left pending or leased; statuses " + byStatus).isTrue();
			assertThat(report.stored()).isEqualTo(DELIVERIES);
			assertThat(report.duplicates()).isZero();
			assertThat(report.lost()).isZero();
			assertThat(byStatus.keySet()).isSubsetOf("enriched", "skipped", "failed");
			assertThat(injected).as("every kind of fault happened")
				.allSatisfy((answer, count) -> assertThat(count).as(answer.name()).isPositive());
			assertThat(amiqus.callsWhilePaused()).as("calls while a 429's Retry-After had not passed").isZero();
			assertThat(amiqus.wrongToken()).as("calls without our token").isZero();

			List<Map<String, Object>> events = jdbc.queryForList(
					"select record_id, enrichment_status, last_error, enrichment_attempts from events where delivery_id = any(?)",
					(Object) ids);
			assertThat(events).hasSize(DELIVERIES).allSatisfy((event) -> {
				long recordId = ((Number) event.get("record_id")).longValue();
				String status = (String) event.get("enrichment_status");
				String lastError = (String) event.get("last_error");
				if (amiqus.gone(recordId)) {
					assertThat(status).as("record %d is gone", recordId).isEqualTo("skipped");
					assertThat(lastError).contains("not found");
				}
				else if (status.equals("failed")) {
					assertThat(lastError).as("why record %d failed", recordId).isNotBlank();
					assertThat(event.get("enrichment_attempts")).isEqualTo(MAX_ATTEMPTS);
				}
				else {
					assertThat(status).as("record %d", recordId).isEqualTo("enriched");
					assertThat(amiqus.requests("/api/v2/records/" + recordId)).isPositive();
				}
			});
			assertThat(byStatus.getOrDefault("enriched", 0L)).as("most records enriched despite the faults")
				.isGreaterThan(DELIVERIES / 2);
		}
		assertThat(output).as("the log shows enrichment at work").contains("enrichment worker");
		assertThat(output.getAll()).doesNotContain(TOKEN).doesNotContain(WebhookClient.SECRET);
	}

	private static long seconds(long fromNanos, long toNanos) {
		return Duration.ofNanos(toNanos - fromNanos).toSeconds();
	}

	/**
	 * Whether every event settled in time; false lets the report say how many did not.
	 */
	private static boolean awaitSettled(JdbcTemplate jdbc, String[] ids, Duration timeout) {
		try {
			await().atMost(timeout)
				.pollInterval(Duration.ofMillis(250))
				.until(() -> jdbc.queryForObject(
						"select count(*) from events where delivery_id = any(?) and (enrichment_status = 'pending' or lease_owner is not null)",
						Long.class, (Object) ids), (open) -> open != null && open == 0);
			return true;
		}
		catch (ConditionTimeoutException ex) {
			return false;
		}
	}

}
