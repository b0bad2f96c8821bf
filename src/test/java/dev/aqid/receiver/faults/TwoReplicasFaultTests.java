package dev.aqid.receiver.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import dev.aqid.receiver.emulator.AmiqusEmulator;
import dev.aqid.receiver.emulator.StandaloneEmulator;
import dev.aqid.receiver.emulator.ApiRequest;
import dev.aqid.receiver.support.ApiClient;
import dev.aqid.receiver.support.ExternalPostgres;
import dev.aqid.receiver.support.FaultReport;
import dev.aqid.receiver.support.FreePort;
import dev.aqid.receiver.support.RetryingSender;
import dev.aqid.receiver.support.RunningReceiver;
import dev.aqid.receiver.support.WebhookClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two replicas on one PostgreSQL under load, both running the registrar against the
 * project's Amiqus emulator and enriching from it: a thousand deliveries split between
 * them must each be stored once and enriched once (each record fetched exactly once),
 * both replicas must share the enrichment, and exactly one of them leads the registrar
 * throughout, so the subscription is created once.
 */
@ExtendWith(OutputCaptureExtension.class)
class TwoReplicasFaultTests {

	private static final int DELIVERIES_PER_REPLICA = 500;

	private static final long FIRST_RECORD = 80_000;

	/** The public URL behind the load balancer in front of both replicas. */
	private static final String PUBLIC_URL = "http://127.0.0.1:" + FreePort.find() + "/webhooks/amiqus";

	@TempDir
	Path databaseDir;

	@Test
	void oneLeaderAndEveryEventEnrichedExactlyOnce(CapturedOutput output) throws Exception {
		long started = System.nanoTime();
		try (ExternalPostgres database = ExternalPostgres.start(this.databaseDir.resolve("pg"));
				AmiqusEmulator amiqus = StandaloneEmulator.start(0)) {
			for (int i = 0; i < 2 * DELIVERIES_PER_REPLICA; i++) {
				amiqus.putRecord(FIRST_RECORD + i, "{\"object\":\"record\",\"id\":" + (FIRST_RECORD + i) + "}");
			}
			// A little latency, so that both replicas' fetches overlap.
			amiqus.setLatency(Duration.ofMillis(5));
			List<String> properties = new ArrayList<>(database.serviceProperties());
			properties.addAll(List.of("amiqus.api.url=" + amiqus.baseUrl(), "amiqus.api.token=two-replicas-token",
					"amiqus.registrar.url=" + PUBLIC_URL, "amiqus.registrar.interval=2s",
					"receiver.api.keys=" + ApiClient.KEY, "amiqus.enrichment.poll-interval=50ms",
					"amiqus.enrichment.batch-size=10", "amiqus.enrichment.settle-delay=200ms"));
			try (RunningReceiver first = RunningReceiver.start(properties);
					RunningReceiver second = RunningReceiver.start(properties)) {
				long running = System.nanoTime();
				LeaderSampler leaders = new LeaderSampler(first.port(), second.port());
				leaders.awaitOneLeader(Duration.ofSeconds(30));
				awaitSubscribed(amiqus, Duration.ofSeconds(30));
				leaders.start();

				List<RetryingSender> senders = new ArrayList<>();
				try {
					senders.add(sender(first.port(), 0));
					senders.add(sender(second.port(), DELIVERIES_PER_REPLICA));
					for (RetryingSender sender : senders) {
						sender.start(Duration.ofSeconds(120));
					}
					for (RetryingSender sender : senders) {
						sender.awaitDone(Duration.ofSeconds(150));
					}
					long acknowledged = System.nanoTime();
					JdbcTemplate jdbc = first.context().getBean(JdbcTemplate.class);
					List<String> sent = senders.stream().flatMap((sender) -> sender.deliveryIds().stream()).toList();
					List<String> acked = senders.stream().flatMap((sender) -> sender.acknowledged().stream()).toList();
					boolean allEnriched = awaitEnriched(jdbc, sent, Duration.ofSeconds(120));
					// A few more reconcile rounds with the load gone.
					Thread.sleep(4000);
					leaders.stop();

					Map<String, Long> fetchesPerRecord = amiqus.requests()
						.stream()
						.filter((request) -> request.method().equals("GET") && request.path().startsWith("/records/"))
						.collect(Collectors.groupingBy((request) -> request.path().split("\\?", 2)[0],
								Collectors.counting()));
					long created = amiqus.requests().stream().filter(TwoReplicasFaultTests::createsWebhook).count();
					double enrichedByFirst = enrichedCount(first);
					double enrichedBySecond = enrichedCount(second);
					Map<Integer, Long> answers = new java.util.TreeMap<>();
					senders.forEach((sender) -> sender.answersByStatus()
						.forEach((status, count) -> answers.merge(status, count, Long::sum)));
					FaultReport report = FaultReport.measure("two replicas under load", jdbc, sent, acked,
							("enriched by first/second: %.0f/%.0f; records fetched %d (max %d per record); "
									+ "leader samples %d, both leading %d, none leading %d; webhooks created %d; "
									+ "answers %s; start-up %d s, burst acknowledged in %d s, enriched %d s later")
								.formatted(enrichedByFirst, enrichedBySecond, fetchesPerRecord.size(),
										fetchesPerRecord.values().stream().mapToLong(Long::longValue).max().orElse(0),
										leaders.samples.size(), leaders.count(2), leaders.count(0), created, answers,
										seconds(started, running), seconds(running, acknowledged),
										seconds(acknowledged, System.nanoTime())))
						.write();

					assertThat(report.acknowledged()).isEqualTo(2 * DELIVERIES_PER_REPLICA);
					assertThat(report.stored()).isEqualTo(2 * DELIVERIES_PER_REPLICA);
					assertThat(report.duplicates()).isZero();
					assertThat(report.lost()).isZero();
					assertThat(answers).as("every answer a 202").containsOnlyKeys(202);
					assertThat(allEnriched).as("every event enriched").isTrue();
					assertThat(fetchesPerRecord).as("each record fetched exactly once")
						.hasSize(2 * DELIVERIES_PER_REPLICA)
						.allSatisfy((path, count) -> assertThat(count).as(path).isEqualTo(1));
					assertThat(enrichedByFirst + enrichedBySecond).as("events enriched, counted by the replicas")
						.isEqualTo(2 * DELIVERIES_PER_REPLICA);
					assertThat(enrichedByFirst).as("the first replica took its share").isPositive();
					assertThat(enrichedBySecond).as("the second replica took its share").isPositive();
					assertThat(leaders.samples).as("leader samples").hasSizeGreaterThan(10);
					assertThat(leaders.samples).as("exactly one registrar leader in every sample")
						.allSatisfy((leading) -> assertThat(leading).isEqualTo(1));
					assertThat(created).as("subscription created once at Amiqus").isEqualTo(1);
					assertThat(amiqus.webhooks()).filteredOn((webhook) -> PUBLIC_URL.equals(webhook.url()))
						.singleElement()
						.satisfies((webhook) -> assertThat(webhook.enabled()).isTrue());
					assertThat(FaultDeliveries.leaks(output.getAll(), "two-replicas-token"))
						.as("secrets or bodies in the log")
						.isEmpty();
					assertThat(amiqus.webhooks()).as("the secret the registrar learned is not logged")
						.allSatisfy((webhook) -> assertThat(output.getAll()).doesNotContain(webhook.secret()));
				}
				finally {
					leaders.stop();
					senders.forEach(RetryingSender::close);
				}
			}
		}
	}

	private static RetryingSender sender(int port, int offset) {
		return new RetryingSender(port, DELIVERIES_PER_REPLICA, 8,
				(i) -> WebhookClient.recordEvent("record.updated", FIRST_RECORD + offset + i, 7),
				Duration.ofMillis(200));
	}

	private static boolean createsWebhook(ApiRequest request) {
		return request.method().equals("POST") && request.path().split("\\?", 2)[0].equals("/webhooks");
	}

	private static double enrichedCount(RunningReceiver receiver) {
		return receiver.context()
			.getBean(MeterRegistry.class)
			.get("receiver.enrichment.events")
			.tag("outcome", "enriched")
			.counter()
			.count();
	}

	private static void awaitSubscribed(AmiqusEmulator amiqus, Duration timeout) {
		await("a webhook subscribed at Amiqus").atMost(timeout)
			.pollInterval(Duration.ofMillis(200))
			.until(() -> amiqus.webhooks().stream().anyMatch((webhook) -> PUBLIC_URL.equals(webhook.url())));
	}

	/**
	 * Whether every delivery got enriched in time; false lets the report say how many
	 * did.
	 */
	private static boolean awaitEnriched(JdbcTemplate jdbc, List<String> deliveryIds, Duration timeout) {
		Object ids = deliveryIds.toArray(String[]::new);
		try {
			await().atMost(timeout)
				.pollInterval(Duration.ofMillis(250))
				.until(() -> jdbc.queryForObject(
						"select count(*) from events where delivery_id = any(?) and enrichment_status = 'enriched'",
						Long.class, ids), (enriched) -> enriched != null && enriched == deliveryIds.size());
			return true;
		}
		catch (ConditionTimeoutException ex) {
			return false;
		}
	}

	private static long seconds(long fromNanos, long toNanos) {
		return Duration.ofNanos(toNanos - fromNanos).toSeconds();
	}

	/**
	 * Asks both replicas, every few hundred milliseconds, whether they lead the
	 * registrar, and keeps how many said yes.
	 */
	private static final class LeaderSampler {

		private final ApiClient[] replicas;

		final List<Integer> samples = new CopyOnWriteArrayList<>();

		private volatile boolean sampling;

		private Thread thread;

		LeaderSampler(int... ports) {
			this.replicas = java.util.Arrays.stream(ports).mapToObj(ApiClient::withKey).toArray(ApiClient[]::new);
		}

		int sample() {
			int leading = 0;
			for (ApiClient replica : this.replicas) {
				ApiClient.Response view = replica.get("/api/subscription");
				assertThat(view.status()).isEqualTo(200);
				if (view.json().path("this_instance_leads").asBoolean()) {
					leading++;
				}
			}
			return leading;
		}

		void awaitOneLeader(Duration timeout) {
			// Two leaders in any sample fail at once: the condition throws,
			// and Awaitility does not ignore that. No leader yet polls on.
			await("one replica leading the registrar").atMost(timeout)
				.pollInterval(Duration.ofMillis(200))
				.until(this::sample, (leading) -> {
					if (leading > 1) {
						throw new AssertionError(leading + " replicas lead the registrar");
					}
					return leading == 1;
				});
		}

		void start() {
			this.sampling = true;
			this.thread = new Thread(() -> {
				while (this.sampling) {
					try {
						this.samples.add(sample());
						Thread.sleep(300);
					}
					catch (InterruptedException ex) {
						return;
					}
					catch (RuntimeException | AssertionError ex) {
						this.samples.add(-1);
					}
				}
			}, "leader-sampler");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		long count(int leading) {
			return this.samples.stream().filter((sample) -> sample == leading).count();
		}

		void stop() throws InterruptedException {
			this.sampling = false;
			if (this.thread != null) {
				this.thread.join(10_000);
			}
		}

	}

}
