package dev.aqid.receiver.faults;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.aqid.receiver.emulator.AmiqusEmulator;
import dev.aqid.receiver.forwarding.TestDestination;
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
 * {@code kill -9} of the service while it forwards a stream of events about a few records
 * to a real receiver, twice: every event must arrive at least once, a duplicate only ever
 * under the same {@code webhook-id}, and the events about one record in the order they
 * were received. The service runs in its own JVM on the embedded PostgreSQL in a
 * temporary data directory and is killed with SIGKILL (no graceful stop, no lease
 * released); the receiver and the Amiqus emulator live in the test's JVM and keep
 * running. The receiver answers the first attempt of every tenth event with a 503, so
 * retries are under way when the kills come.
 */
class ForwardingFaultTests {

	private static final int EVENTS = 300;

	private static final int RECORDS = 5;

	private static final int KILLED_BY_SIGKILL = 128 + 9;

	private static final String API_TOKEN = "tok-forwarding-" + UUID.randomUUID();

	private static final String SECRET = "whsec_" + java.util.Base64.getEncoder()
		.encodeToString("forwarding fault test key 32 b!!".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

	private static final Pattern EVENT_ID = Pattern.compile("\"event_id\":\"?(\\d+)");

	@TempDir
	Path dataDir;

	private ReceiverProcesses receivers;

	@BeforeEach
	void prepare() {
		this.receivers = new ReceiverProcesses(this.dataDir);
	}

	@AfterEach
	void stopEverything() throws Exception {
		// The instances' logs outlive the temporary directory, for a look after a
		// failure.
		this.receivers.keepLogsIn(Path.of("target", "forwarding-fault-logs"));
		this.receivers.close();
	}

	@Test
	@Timeout(value = 6, unit = TimeUnit.MINUTES)
	void deliversEveryEventAtLeastOnceInOrderPerRecordThroughKillsMidStream() throws Exception {
		int port = FreePort.find();
		int databasePort = FreePort.find();
		long firstRecordId = 8_000_000 + (System.nanoTime() % 1_000_000) * 1000;
		Set<String> refusedOnce = ConcurrentHashMap.newKeySet();
		try (AmiqusEmulator amiqus = FaultDeliveries.amiqus(API_TOKEN, firstRecordId, RECORDS);
				TestDestination receiver = new TestDestination();
				RetryingSender sender = new RetryingSender(port, EVENTS, 4,
						(index) -> recordUpdated(firstRecordId + index % RECORDS, index), Duration.ofMillis(200))) {
			receiver.answer((request) -> eventId(request.id()) % 10 == 0 && refusedOnce.add(request.id()),
					(request) -> 503);
			Process instance = start(port, databasePort, amiqus, receiver);
			FaultDeliveries.awaitReady(port, Duration.ofSeconds(120));
			sender.start(Duration.ofSeconds(240));

			List<Integer> receivedWhenKilled = new ArrayList<>();
			for (int kill = 1; kill <= 2; kill++) {
				int threshold = EVENTS * (kill == 1 ? 25 : 55) / 100;
				await("forwarded before kill " + kill + " (" + threshold + " events)").atMost(Duration.ofSeconds(150))
					.pollInterval(Duration.ofMillis(20))
					.until(() -> distinctIds(receiver) >= threshold);
				assertThat(instance.destroyForcibly().waitFor()).as("killed with SIGKILL").isEqualTo(KILLED_BY_SIGKILL);
				receivedWhenKilled.add(distinctIds(receiver));
				instance = start(port, databasePort, amiqus, receiver);
			}
			sender.awaitDone(Duration.ofSeconds(240));
			assertThat(sender.acknowledgedCount()).as("every event acknowledged in the end").isEqualTo(EVENTS);

			JdbcTemplate jdbc = new JdbcTemplate(new SimpleDriverDataSource(new org.postgresql.Driver(),
					"jdbc:postgresql://localhost:" + databasePort + "/postgres", "postgres", ""));
			Map<Long, Long> recordOf = new LinkedHashMap<>();
			jdbc.query("select id, record_id from events where delivery_id = any(?) order by id", (rs) -> {
				recordOf.put(rs.getLong("id"), rs.getLong("record_id"));
			}, (Object) sender.deliveryIds().toArray(String[]::new));
			assertThat(recordOf).as("stored").hasSize(EVENTS);

			await("every event delivered").atMost(Duration.ofSeconds(120))
				.pollInterval(Duration.ofMillis(500))
				.until(() -> recordOf.keySet()
					.stream()
					.allMatch((event) -> receiver.requests(webhookId(event))
						.stream()
						.anyMatch(TestDestination.Request::delivered)));

			List<TestDestination.Request> requests = receiver.requests();
			Set<String> ids = new HashSet<>();
			for (TestDestination.Request request : requests) {
				ids.add(request.id());
				assertThat(bodyEventId(request.body())).as("the body under " + request.id())
					.isEqualTo(eventId(request.id()));
			}
			assertThat(ids).as("one webhook-id per event, nothing else")
				.containsExactlyInAnyOrderElementsOf(
						recordOf.keySet().stream().map(ForwardingFaultTests::webhookId).toList());

			Map<Long, List<Long>> firstArrivals = new HashMap<>();
			Set<String> seen = new HashSet<>();
			for (TestDestination.Request request : requests) {
				if (seen.add(request.id())) {
					long event = eventId(request.id());
					firstArrivals.computeIfAbsent(recordOf.get(event), (record) -> new ArrayList<>()).add(event);
				}
			}
			assertThat(firstArrivals).hasSize(RECORDS);
			firstArrivals
				.forEach((record, events) -> assertThat(events).as("events about record " + record).isSorted());

			long duplicates = requests.stream().filter(TestDestination.Request::delivered).count() - EVENTS;
			System.out.printf(
					"Forwarding through 2 kills (SIGKILL) at %s events received: %d requests, "
							+ "%d delivered more than once, %d refused once on purpose%n",
					receivedWhenKilled, requests.size(), duplicates, refusedOnce.size());
			assertThat(receivedWhenKilled.get(1)).isLessThan(EVENTS);
		}
		for (Path log : this.receivers.logs()) {
			String text = FaultDeliveries.read(log);
			assertThat(FaultDeliveries.leaks(text, API_TOKEN)).as("leaked into " + log).isEmpty();
			assertThat(text).as("the destination secret in " + log).doesNotContain(SECRET);
		}
	}

	/**
	 * A {@code record.updated} about the record, its body told apart by the index (the
	 * service answers an identical body as a duplicate of the first).
	 */
	private static String recordUpdated(long recordId, int index) {
		return """
				{"webhook":{"uuid":"5c1d7a0e-1111-4222-8333-944445555666","created_at":"2024-05-07T12:00:00Z","events":["*"]},\
				"trigger":{"triggered_at":"2024-05-07T12:30:45Z","alias":"record.updated"},\
				"data":{"record":{"id":%d,"type":"client"},"client":{"id":%d},"case":null,"sequence":%d,"note":"%s"}}"""
			.formatted(recordId, recordId, index, FaultDeliveries.BODY_MARKER);
	}

	private static int distinctIds(TestDestination receiver) {
		return (int) receiver.requests().stream().map(TestDestination.Request::id).distinct().count();
	}

	private static String webhookId(long event) {
		return "evt_" + event + "_sink";
	}

	private static long eventId(String webhookId) {
		return Long.parseLong(webhookId.substring("evt_".length(), webhookId.lastIndexOf('_')));
	}

	private static long bodyEventId(String body) {
		Matcher matcher = EVENT_ID.matcher(body);
		assertThat(matcher.find()).as("an event_id in the body").isTrue();
		return Long.parseLong(matcher.group(1));
	}

	private Process start(int port, int databasePort, AmiqusEmulator amiqus, TestDestination receiver)
			throws IOException {
		// A killed instance's claims come back after the lease: short leases keep the
		// test short.
		return this.receivers.start(port, databasePort,
				List.of("--amiqus.api.url=" + amiqus.baseUrl(), "--amiqus.api.token=" + API_TOKEN,
						"--amiqus.enrichment.lease=15s", "--receiver.forwarding.lease=10s",
						"--receiver.forwarding.poll-interval=50ms", "--receiver.forwarding.backoff-min=100ms",
						"--receiver.forwarding.backoff-max=500ms", "--receiver.destinations[0].name=sink",
						"--receiver.destinations[0].url=" + receiver.url("/sink"),
						"--receiver.destinations[0].secret=" + SECRET),
				Map.of());
	}

}
