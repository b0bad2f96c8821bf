package dev.aqid.receiver.query;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.aqid.receiver.ingest.EventArrivals;
import dev.aqid.receiver.support.ApiClient;
import dev.aqid.receiver.support.ApiClient.Response;
import dev.aqid.receiver.support.ReceiverServerTest;
import dev.aqid.receiver.support.RunningReceiver;
import dev.aqid.receiver.support.WebhookClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.web.server.LocalServerPort;

import static dev.aqid.receiver.support.ApiClient.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Long polling on {@code GET /api/events?wait=…}, over real HTTP: a waiting request
 * answers as soon as a matching event is stored (also when it was stored through another
 * instance on the same database), answers the empty page when its wait is over, and
 * hundreds of waiting requests hold no Tomcat thread.
 */
@ReceiverServerTest
class LongPollTests {

	@LocalServerPort
	int port;

	@Autowired
	LongPolls longPolls;

	@Autowired
	MeterRegistry meters;

	@Autowired
	JdbcConnectionDetails database;

	WebhookClient webhooks;

	ApiClient api;

	HttpClient http;

	long client;

	long nextRecord = 1;

	@BeforeEach
	void setUp() {
		this.webhooks = new WebhookClient(this.port);
		this.api = ApiClient.withKey(this.port);
		this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		this.client = ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_000_000_000L);
	}

	@Test
	void answersAsSoonAsAMatchingEventIsStored() {
		String cursor = cursorAfter(deliver(this.client));
		int before = this.longPolls.waiting();
		double notifications = notificationsReceived();

		long started = System.nanoTime();
		CompletableFuture<Response> waiting = longPoll(this.port, this.client, cursor, "30s");
		await().atMost(Duration.ofSeconds(20)).until(() -> this.longPolls.waiting() > before);
		String event = deliver(this.client);
		Response answer = waiting.join();
		Duration took = Duration.ofNanos(System.nanoTime() - started);

		assertThat(answer.status()).as(answer.body()).isEqualTo(200);
		assertThat(ids(answer.json())).containsExactly(event);
		assertThat(answer.json().path("next_cursor").asString()).isNotEqualTo(cursor);
		assertThat(took).as("answered when the event arrived, well before the 30 s wait")
			.isLessThan(Duration.ofSeconds(15));
		assertThat(notificationsReceived()).as("the notification counted").isGreaterThan(notifications);
	}

	@Test
	void answersAtOnceWhenAMatchingEventIsAlreadyThere() {
		String cursor = cursorAfter(deliver(this.client));
		String event = deliver(this.client);

		long started = System.nanoTime();
		Response answer = longPoll(this.port, this.client, cursor, "30s").join();

		assertThat(ids(answer.json())).containsExactly(event);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
	}

	@Test
	void answersTheEmptyPageWithTheSameCursorWhenTheWaitIsOver() {
		String cursor = cursorAfter(deliver(this.client));

		long started = System.nanoTime();
		Response answer = longPoll(this.port, this.client, cursor, "700ms").join();
		Duration took = Duration.ofNanos(System.nanoTime() - started);

		assertThat(answer.status()).as(answer.body()).isEqualTo(200);
		assertThat(answer.json().path("data").isArray()).isTrue();
		assertThat(answer.json().path("data")).isEmpty();
		assertThat(answer.json().path("next_cursor").asString()).isEqualTo(cursor);
		assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(700)).isLessThan(Duration.ofSeconds(10));
	}

	@Test
	void keepsWaitingWhileOnlyEventsOutsideItsFiltersArrive() {
		String cursor = cursorAfter(deliver(this.client));
		int before = this.longPolls.waiting();
		long otherClient = this.client + 1;

		CompletableFuture<Response> waiting = longPoll(this.port, this.client, cursor, "30s");
		await().atMost(Duration.ofSeconds(20)).until(() -> this.longPolls.waiting() > before);
		double notifications = notificationsReceived();
		deliver(otherClient);
		await().atMost(Duration.ofSeconds(20)).until(() -> notificationsReceived() > notifications);
		// Time for the re-read, its follow-up and more.
		await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> !waiting.isDone());
		String event = deliver(this.client);
		Response answer = waiting.join();

		assertThat(ids(answer.json())).containsExactly(event);
	}

	@Test
	void exposesWaitingRequestsAndNotificationsAsMetrics() {
		String cursor = cursorAfter(deliver(this.client));
		int before = this.longPolls.waiting();
		CompletableFuture<Response> waiting = longPoll(this.port, this.client, cursor, "30s");
		await().atMost(Duration.ofSeconds(20)).until(() -> this.longPolls.waiting() > before);

		String metrics = this.api.get("/actuator/prometheus").body();
		deliver(this.client);
		waiting.join();

		assertThat(metrics).containsPattern("(?m)^receiver_query_long_polls_waiting(\\{[^}]*})? [1-9]")
			.containsPattern("(?m)^receiver_event_notifications_total(\\{[^}]*})? [1-9]")
			.containsPattern("(?m)^receiver_event_notifications_listening(\\{[^}]*})? 1");
	}

	@Test
	void refusesWaitsThatAreNotDurationsOrTooLong() {
		for (String wait : List.of("abc", "-1", "1.5s", "30 s", "1h", "61s", "2m", "60001ms", "9999999999")) {
			Response response = this.api.get(query("/api/events", "wait", wait));

			assertThat(response.status()).as(wait).isEqualTo(400);
			assertThat(response.contentType()).startsWith("application/problem+json");
			assertThat(response.json().path("detail").asString()).as(wait).contains("wait");
			assertThat(response.json().path("parameter").asString()).isEqualTo("wait");
		}
	}

	@Test
	void acceptsWaitsWithAndWithoutUnits() {
		String cursor = cursorAfter(deliver(this.client));
		for (String wait : List.of("0", "0s", "1", "300ms", "1s")) {
			Response answer = longPoll(this.port, this.client, cursor, wait).join();

			assertThat(answer.status()).as(wait + ": " + answer.body()).isEqualTo(200);
			assertThat(answer.json().path("next_cursor").asString()).isEqualTo(cursor);
		}
		assertThat(this.api.get(query("/api/events", "client_id", this.client, "wait", "1m")).status())
			.as("a minute is the default maximum, and an event is there")
			.isEqualTo(200);
	}

	@Test
	void hundredsOfWaitingRequestsHoldNoRequestThread() {
		int waiters = 300;
		String cursor = cursorAfter(deliver(this.client));
		int before = this.longPolls.waiting();

		List<CompletableFuture<Response>> waiting = new ArrayList<>();
		for (int i = 0; i < waiters; i++) {
			waiting.add(longPoll(this.port, this.client, cursor, "60s"));
		}
		await().atMost(Duration.ofSeconds(60)).until(() -> this.longPolls.waiting() >= before + waiters);
		long started = System.nanoTime();
		Response meanwhile = this.api.get(query("/api/events", "limit", 1));
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		String event = deliver(this.client);

		assertThat(meanwhile.status()).isEqualTo(200);
		assertThat(took).as("an ordinary request beside %d waiting ones (Tomcat has 200 threads)", waiters)
			.isLessThan(Duration.ofSeconds(5));
		CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).orTimeout(50, TimeUnit.SECONDS).join();
		assertThat(waiting).allSatisfy((answer) -> assertThat(ids(answer.join().json())).containsExactly(event));
	}

	@Test
	void wakesWaitersOnAnotherInstanceOfTheSameDatabase() {
		List<String> properties = new ArrayList<>(RunningReceiver.onDatabaseOf(this.database));
		properties.add("receiver.api.keys=" + ApiClient.KEY);
		properties.add("amiqus.demo.enabled=false");
		// No timer wakes its waiters within the test: only the notification can.
		properties.add("receiver.event-arrivals.recheck-interval=10m");
		properties.add("receiver.event-arrivals.follow-up=10m");
		try (RunningReceiver other = RunningReceiver.start(properties)) {
			LongPolls otherPolls = other.context().getBean(LongPolls.class);
			EventArrivals otherArrivals = other.context().getBean(EventArrivals.class);
			await().atMost(Duration.ofSeconds(20)).until(otherArrivals::listening);
			String cursor = cursorAfter(deliver(this.client));

			CompletableFuture<Response> waiting = longPoll(other.port(), this.client, cursor, "30s");
			await().atMost(Duration.ofSeconds(20)).until(() -> otherPolls.waiting() > 0);
			long started = System.nanoTime();
			String event = deliver(this.client);
			Response answer = waiting.join();

			assertThat(ids(answer.json())).containsExactly(event);
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
		}
	}

	private CompletableFuture<Response> longPoll(int port, long clientId, String cursor, String wait) {
		URI uri = URI.create("http://localhost:" + port
				+ query("/api/events", "client_id", clientId, "cursor", cursor, "wait", wait));
		HttpRequest request = HttpRequest.newBuilder(uri)
			.timeout(Duration.ofSeconds(90))
			.header("Authorization", "Bearer " + ApiClient.KEY)
			.GET()
			.build();
		return this.http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
			.thenApply((response) -> new Response(response.statusCode(), response.body(), response.headers().map()));
	}

	private double notificationsReceived() {
		return this.meters.get("receiver.event.notifications").counter().count();
	}

	private String deliver(long clientId) {
		return this.webhooks
			.deliver(WebhookClient.recordEvent("record.updated", this.nextRecord++, clientId),
					UUID.randomUUID().toString())
			.eventId();
	}

	/** The cursor just after the event (which must be the client's last). */
	private String cursorAfter(String eventId) {
		String cursor = null;
		while (true) {
			JsonNode page = this.api.get(query("/api/events", "client_id", this.client, "limit", 100, "cursor", cursor))
				.json();
			if (page.path("data").isEmpty()) {
				assertThat(cursor).isNotNull();
				return cursor;
			}
			cursor = page.path("next_cursor").asString();
			List<String> ids = ids(page);
			if (ids.get(ids.size() - 1).equals(eventId)) {
				return cursor;
			}
		}
	}

	private static List<String> ids(JsonNode page) {
		List<String> ids = new ArrayList<>();
		page.path("data").forEach((event) -> ids.add(event.path("event_id").asString()));
		return ids;
	}

}
