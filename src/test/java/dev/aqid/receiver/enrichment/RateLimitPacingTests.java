package dev.aqid.receiver.enrichment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import dev.aqid.receiver.emulator.AmiqusEmulator;
import dev.aqid.receiver.emulator.StandaloneEmulator;
import dev.aqid.receiver.support.ExternalPostgres;
import dev.aqid.receiver.support.RunningReceiver;
import dev.aqid.receiver.support.WebhookClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Enrichment paced to an Amiqus rate limit, over real HTTP against the emulator enforcing
 * one (30 calls per 5-second window, as Amiqus's 200 a minute but shorter, to keep the
 * tests short), with the real PostgreSQL: a backlog drains without a {@code 429}, two
 * replicas share the budget without one, and fresh events overtake a replay backlog.
 * Timings are asserted only with wide margins: figures belong to
 * {@code bench/ratelimit.sh}.
 */
class RateLimitPacingTests {

	private static final int LIMIT = 30;

	private static final Duration WINDOW = Duration.ofSeconds(5);

	private static Path databaseDir;

	private static ExternalPostgres database;

	private static AmiqusEmulator amiqus;

	private static RunningReceiver receiver;

	@BeforeAll
	static void start() throws IOException {
		databaseDir = Files.createTempDirectory("rate-limit-pacing");
		database = ExternalPostgres.start(databaseDir.resolve("pg"));
		amiqus = StandaloneEmulator.start(0);
		amiqus.setLatency(Duration.ofMillis(20));
		amiqus.enforceRateLimit(LIMIT, WINDOW);
		receiver = RunningReceiver.start(properties());
	}

	@AfterAll
	static void stop() throws IOException {
		if (receiver != null) {
			receiver.close();
		}
		if (amiqus != null) {
			amiqus.close();
		}
		if (database != null) {
			database.close();
		}
	}

	private static List<String> properties() {
		List<String> properties = new ArrayList<>(database.serviceProperties());
		properties.addAll(List.of("amiqus.api.url=" + amiqus.baseUrl(), "amiqus.api.token=pacing-token",
				"amiqus.api.rate-limit.window=" + WINDOW.toMillis() + "ms", "amiqus.api.rate-limit.slack=200ms",
				"amiqus.enrichment.poll-interval=50ms", "amiqus.enrichment.settle-delay=200ms",
				"amiqus.enrichment.lease=10s"));
		return properties;
	}

	@Test
	void aBacklogDrainsAtTheLimitWithoutA429() {
		long refusedBefore = amiqus.rateLimitedRequests();
		List<Long> events = deliver(receiver.client(), 10_001, 3 * LIMIT);
		long started = System.nanoTime();

		awaitEnriched(events, Duration.ofSeconds(120));

		Duration took = Duration.ofNanos(System.nanoTime() - started);
		// Three windows' worth of calls: the bound is 15 s; the margin is for a loaded
		// machine, the point is that no call was refused.
		assertThat(amiqus.rateLimitedRequests() - refusedBefore).as("429s").isZero();
		assertThat(took).isLessThan(Duration.ofSeconds(90));
	}

	@Test
	void twoReplicasShareTheBudgetWithoutA429() {
		long refusedBefore = amiqus.rateLimitedRequests();
		try (RunningReceiver second = RunningReceiver.start(properties())) {
			List<Long> events = new ArrayList<>(deliver(receiver.client(), 20_001, 2 * LIMIT));
			events.addAll(deliver(second.client(), 30_001, 2 * LIMIT));

			awaitEnriched(events, Duration.ofSeconds(120));

			assertThat(amiqus.rateLimitedRequests() - refusedBefore).as("429s").isZero();
			assertThat(enrichedBy(second)).as("the second replica took its share").isPositive();
		}
	}

	@Test
	void freshEventsOvertakeAReplayBacklog() {
		List<Long> earlier = deliver(receiver.client(), 40_001, 3 * LIMIT);
		awaitEnriched(earlier, Duration.ofSeconds(120));
		long refusedBefore = amiqus.rateLimitedRequests();

		assertThat(receiver.context().getBean(EnrichmentReplay.class).replay(earlier)).isEqualTo(earlier.size());
		List<Long> fresh = deliver(receiver.client(), 50_001, 1);
		awaitEnriched(fresh, Duration.ofSeconds(60));
		long replaysPending = pending(earlier);

		// Three windows' worth of replays were queued first; the fresh event went ahead.
		assertThat(replaysPending).as("replayed events still pending when the fresh one was enriched").isPositive();
		awaitEnriched(earlier, Duration.ofSeconds(120));
		assertThat(amiqus.rateLimitedRequests() - refusedBefore).as("429s").isZero();
	}

	private static List<Long> deliver(WebhookClient client, long firstRecord, int count) {
		amiqus.putRecordsAndClients(firstRecord, count);
		List<Long> ids = new ArrayList<>();
		for (long record = firstRecord; record < firstRecord + count; record++) {
			ids.add(client.newEvent("record.updated",
					"{\"record\":{\"id\":" + record + ",\"type\":\"client\"},\"client\":{\"id\":" + record + "}}"));
		}
		return ids;
	}

	private static void awaitEnriched(List<Long> events, Duration atMost) {
		await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> pending(events) == 0);
		assertThat(count(events, "enriched")).isEqualTo(events.size());
	}

	private static long pending(List<Long> events) {
		return count(events, "pending");
	}

	private static long count(List<Long> events, String status) {
		String ids = events.stream().map(String::valueOf).collect(Collectors.joining(","));
		Long count = jdbc().queryForObject(
				"select count(*) from events where enrichment_status = ? and id in (" + ids + ")", Long.class, status);
		return (count != null) ? count : 0;
	}

	private static double enrichedBy(RunningReceiver replica) {
		return replica.context()
			.getBean(MeterRegistry.class)
			.find("receiver.enrichment.events")
			.tag("outcome", "enriched")
			.counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum();
	}

	private static JdbcTemplate jdbc() {
		return receiver.context().getBean(JdbcTemplate.class);
	}

}
