package dev.aqid.receiver.forwarding;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.aqid.receiver.support.ApiClient;
import dev.aqid.receiver.support.WebhookClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Destinations that misbehave beside one that does not, each a real HTTP server: one that
 * hangs (never answers within the read timeout), one that is slow, and one that fails and
 * then recovers, whose circuit breaker opens and closes. The fast destination takes every
 * event; the others take one alias each. Enrichment runs against a WireMock Amiqus that
 * knows no object, so events settle as skipped.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "receiver.data-dir=target/test-db/forwarding-isolation-${random.uuid}",
				"amiqus.webhook.secrets=" + WebhookClient.SECRET, "amiqus.api.token=test-token",
				"receiver.api.keys=" + ApiClient.KEY, "amiqus.api.read-timeout=2s",
				"amiqus.enrichment.poll-interval=50ms", "amiqus.enrichment.settle-delay=50ms",
				"receiver.forwarding.poll-interval=50ms", "receiver.forwarding.backoff-min=100ms",
				"receiver.forwarding.backoff-max=300ms", "receiver.forwarding.read-timeout=3s",
				"receiver.forwarding.circuit.window=4", "receiver.forwarding.circuit.open-for=3s" })
class DestinationIsolationTests {

	static final String SECRET = StandardWebhooksSignatureTests.SECRET;

	static final Duration READ_TIMEOUT = Duration.ofSeconds(3);

	static final Duration OPEN_FOR = Duration.ofSeconds(3);

	static final WireMockServer amiqus = new WireMockServer(options().dynamicPort());

	static final TestDestination hangs = new TestDestination();

	static final TestDestination slow = new TestDestination();

	static final TestDestination flaky = new TestDestination();

	static final TestDestination fast = new TestDestination();

	static final AtomicBoolean flakyDown = new AtomicBoolean(true);

	static {
		amiqus.start();
		hangs.answer((request) -> true, (request) -> TestDestination.after(Duration.ofSeconds(60), 204));
		slow.answer((request) -> true, (request) -> TestDestination.after(Duration.ofSeconds(1), 204));
		flaky.answer((request) -> true, (request) -> flakyDown.get() ? 503 : 204);
	}

	@DynamicPropertySource
	static void endpoints(DynamicPropertyRegistry registry) {
		registry.add("amiqus.api.url", () -> amiqus.baseUrl() + "/api/v2");
		destination(registry, 0, "fast", fast, "*", 3);
		destination(registry, 1, "hangs", hangs, "client.updated", 3);
		destination(registry, 2, "slow", slow, "client.created", 3);
		// Without the circuit breaker its attempts would run out while it is down.
		destination(registry, 3, "flaky", flaky, "record.updated", 3);
	}

	private static void destination(DynamicPropertyRegistry registry, int n, String name, TestDestination destination,
			String events, int maxAttempts) {
		registry.add("receiver.destinations[" + n + "].url", () -> destination.url("/" + name));
		registry.add("receiver.destinations[" + n + "].name", () -> name);
		registry.add("receiver.destinations[" + n + "].events", () -> events);
		registry.add("receiver.destinations[" + n + "].secret", () -> SECRET);
		registry.add("receiver.destinations[" + n + "].max-attempts", () -> maxAttempts);
	}

	@AfterAll
	static void stop() {
		amiqus.stop();
		hangs.close();
		slow.close();
		flaky.close();
		fast.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	MeterRegistry registry;

	WebhookClient webhooks;

	ApiClient api;

	@BeforeEach
	void setUp() {
		this.webhooks = new WebhookClient(this.port);
		this.api = ApiClient.withKey(this.port);
	}

	@Test
	void aHangingDestinationTimesOutWhileTheFastOneKeepsDelivering() {
		List<Long> events = new ArrayList<>();
		long sent = System.nanoTime();
		for (int i = 0; i < 5; i++) {
			events.add(deliver("client.updated", "{\"client\":{\"id\":" + uniqueId() + "}}"));
		}

		for (long event : events) {
			awaitDelivered(fast, "fast", event, Duration.ofSeconds(30));
		}
		long slowest = events.stream()
			.mapToLong((event) -> firstDelivered(fast, "fast", event).receivedNanos() - sent)
			.max()
			.orElseThrow();
		assertThat(Duration.ofNanos(slowest))
			.as("every event at the fast destination before the hanging one's " + "first attempt could even time out")
			.isLessThan(READ_TIMEOUT);

		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(lastError(events.get(0), "hangs")).isEqualTo("no answer within PT3S"));
		assertThat(outboxStatus(events.get(0), "hangs")).isEqualTo("pending");
		assertThat(events).allSatisfy((event) -> assertThat(outboxStatus(event, "fast")).isEqualTo("delivered"));
	}

	@Test
	void aSlowDestinationDoesNotHoldUpAFastOne() {
		List<Long> events = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			events.add(deliver("client.created", "{\"client\":{\"id\":" + uniqueId() + "}}"));
		}

		for (long event : events) {
			awaitDelivered(slow, "slow", event, Duration.ofSeconds(60));
		}
		long fastDone = events.stream()
			.mapToLong((event) -> firstDelivered(fast, "fast", event).receivedNanos())
			.max()
			.orElseThrow();
		long slowDone = events.stream()
			.mapToLong((event) -> firstDelivered(slow, "slow", event).receivedNanos())
			.max()
			.orElseThrow();
		// Six answers of a second each on two workers: the slow destination takes three
		// seconds or more, and the fast one is done well before.
		assertThat(Duration.ofNanos(slowDone - fastDone)).as("fast done this long before slow")
			.isGreaterThan(Duration.ofSeconds(1));
	}

	@Test
	void aFailingDestinationsCircuitOpensItsRowsWaitAndItClosesOnceTheDestinationRecovers() {
		flakyDown.set(true);
		List<Long> events = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			events.add(deliver("record.updated", "{\"record\":{\"id\":" + uniqueId() + ",\"type\":\"client\"},"
					+ "\"client\":{\"id\":" + uniqueId() + "},\"case\":null}"));
		}

		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> "open".equals(circuit("flaky")));
		long openedAt = System.nanoTime();
		assertThat(this.registry.get("receiver.forwarding.circuit")
			.tag("destination", "flaky")
			.tag("state", "open")
			.gauge()
			.value()).isEqualTo(1);
		assertThat(circuit("fast")).as("another destination's circuit").isEqualTo("closed");
		// Still down for a moment: a call already under way when the circuit opened
		// fails as the others did. Then the destination is back before the probe.
		await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
		flakyDown.set(false);

		for (long event : events) {
			awaitDelivered(flaky, "flaky", event, Duration.ofSeconds(30));
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> "closed".equals(circuit("flaky")));
		TestDestination.Request probe = flaky.requests()
			.stream()
			.filter(TestDestination.Request::delivered)
			.findFirst()
			.orElseThrow();
		assertThat(flaky.requests())
			.filteredOn((request) -> request.receivedNanos() > openedAt + Duration.ofMillis(500).toNanos())
			.as("no call during the cool-down but the probe")
			.allMatch((request) -> request.receivedNanos() >= probe.receivedNanos());
		// Measured from when the test saw the circuit open, a little after it opened.
		assertThat(Duration.ofNanos(probe.receivedNanos() - openedAt)).as("the probe waited for the cool-down")
			.isGreaterThan(OPEN_FOR.minusSeconds(1));
		// The destination has answered; the outbox rows are marked a moment later.
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(events).as("delivered, not failed: waiting while open used up no attempts")
				.allSatisfy((event) -> assertThat(outboxStatus(event, "flaky")).isEqualTo("delivered")));
		Integer attempts = this.jdbc.queryForObject(
				"select max(attempts) from outbox where destination = 'flaky' and event_id = any(?)", Integer.class,
				(Object) events.toArray(Long[]::new));
		assertThat(attempts).isLessThanOrEqualTo(3);
	}

	private String circuit(String name) {
		for (JsonNode destination : this.api.get("/api/destinations").json()) {
			if (destination.path("name").asString().equals(name)) {
				return destination.path("circuit").asString();
			}
		}
		throw new IllegalStateException("no destination " + name);
	}

	private static void awaitDelivered(TestDestination destination, String name, long event, Duration atMost) {
		String id = DeliveryAttempts.webhookId(event, name);
		await().atMost(atMost)
			.pollInterval(Duration.ofMillis(25))
			.until(() -> destination.requests(id).stream().anyMatch(TestDestination.Request::delivered));
	}

	private static TestDestination.Request firstDelivered(TestDestination destination, String name, long event) {
		return destination.requests(DeliveryAttempts.webhookId(event, name))
			.stream()
			.filter(TestDestination.Request::delivered)
			.findFirst()
			.orElseThrow();
	}

	private String outboxStatus(long event, String name) {
		return this.jdbc
			.queryForList("select status from outbox where event_id = ? and destination = ?", String.class, event, name)
			.stream()
			.findFirst()
			.orElse(null);
	}

	private String lastError(long event, String name) {
		List<String> errors = this.jdbc.queryForList(
				"select last_error from outbox where event_id = ? and destination = ?", String.class, event, name);
		return errors.isEmpty() ? null : errors.get(0);
	}

	private long deliver(String alias, String data) {
		return this.webhooks.newEvent(alias, data);
	}

	private static long uniqueId() {
		return ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000_000L);
	}

}
