package dev.aqid.receiver.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.aqid.receiver.ingest.EventArrivals;
import dev.aqid.receiver.support.ApiClient;
import dev.aqid.receiver.support.ExternalPostgres;
import dev.aqid.receiver.support.RunningReceiver;
import dev.aqid.receiver.support.WebhookClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static dev.aqid.receiver.support.ApiClient.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A long-polling request across a database restart: the instance's listening connection
 * breaks, waiters fall back to re-checking on a timer (their failed re-reads do not
 * answer them), the connection comes back by itself, and the outage is logged once when
 * it starts and once when it ends, not once per attempt.
 */
@ExtendWith(OutputCaptureExtension.class)
class LongPollFaultTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final long CLIENT = 4_242_424_242L;

	@TempDir
	Path databaseDir;

	private ExternalPostgres database;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private long nextRecord = 1;

	@AfterEach
	void stopDatabase() throws IOException {
		if (this.database != null) {
			this.database.stop();
		}
	}

	@Test
	@Timeout(value = 4, unit = TimeUnit.MINUTES)
	void aWaiterGetsAnEventStoredAcrossADatabaseRestartAndNotificationsResume(CapturedOutput output) throws Exception {
		this.database = ExternalPostgres.start(this.databaseDir.resolve("pg"));
		List<String> properties = new ArrayList<>(this.database.serviceProperties());
		properties.addAll(List.of("receiver.data-dir=" + this.databaseDir.resolve("unused"),
				"receiver.api.keys=" + ApiClient.KEY, "receiver.event-arrivals.recheck-interval=10m",
				"receiver.event-arrivals.follow-up=10m", "receiver.event-arrivals.fallback-interval=1s",
				"receiver.event-arrivals.max-reconnect-delay=2s"));
		try (RunningReceiver receiver = RunningReceiver.start(properties)) {
			EventArrivals arrivals = receiver.context().getBean(EventArrivals.class);
			WebhookClient webhooks = receiver.client();
			await().atMost(Duration.ofSeconds(20)).until(arrivals::listening);
			String cursor = cursorAfter(receiver.port(), deliver(webhooks));

			CompletableFuture<JsonNode> acrossRestart = longPoll(receiver.port(), cursor);
			Thread.sleep(500);
			this.database.stop();
			await("the listening connection noticed").atMost(Duration.ofSeconds(30)).until(() -> !arrivals.listening());
			// Several fallback rounds whose re-reads fail: the waiter keeps waiting.
			Thread.sleep(3000);
			assertThat(acrossRestart).as("still waiting while the database is down").isNotDone();
			this.database.startAgain();
			String stored = deliver(webhooks);
			JsonNode answer = acrossRestart.get(30, TimeUnit.SECONDS);

			assertThat(ids(answer)).containsExactly(stored);
			await("listening again").atMost(Duration.ofSeconds(30)).until(arrivals::listening);

			// With the timers far off, only a notification can wake this one.
			String next = answer.path("next_cursor").asString();
			CompletableFuture<JsonNode> afterRestart = longPoll(receiver.port(), next);
			Thread.sleep(500);
			long sent = System.nanoTime();
			String later = deliver(webhooks);
			JsonNode laterAnswer = afterRestart.get(30, TimeUnit.SECONDS);

			assertThat(ids(laterAnswer)).containsExactly(later);
			assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(15));
		}
		assertThat(count(output.getAll(), "the connection that listens for new events"))
			.as("one WARN line for the outage")
			.isEqualTo(1);
		assertThat(count(output.getAll(), "Listening for new events again")).as("one INFO line when it ends")
			.isEqualTo(1);
	}

	private String deliver(WebhookClient webhooks) {
		String body = WebhookClient.recordEvent("record.updated", this.nextRecord++, CLIENT);
		String deliveryId = UUID.randomUUID().toString();
		AtomicReference<String> eventId = new AtomicReference<>();
		// Right after a restart the pool may still hand out a dead connection: a 503,
		// and Amiqus would deliver again.
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
			WebhookClient.Answer answer = webhooks.deliver(body, deliveryId);
			if (answer.status() == 202) {
				eventId.set(answer.eventId());
				return true;
			}
			return false;
		});
		return eventId.get();
	}

	private String cursorAfter(int port, String eventId) {
		ApiClient api = ApiClient.withKey(port);
		JsonNode page = api.get(query("/api/events", "client_id", CLIENT, "limit", 100)).json();
		assertThat(ids(page)).endsWith(eventId);
		return page.path("next_cursor").asString();
	}

	private CompletableFuture<JsonNode> longPoll(int port, String cursor) {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://localhost:" + port
					+ query("/api/events", "client_id", CLIENT, "cursor", cursor, "wait", "60s")))
			.timeout(Duration.ofSeconds(90))
			.header("Authorization", "Bearer " + ApiClient.KEY)
			.build();
		return this.http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply((response) -> {
			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			return JSON.readTree(response.body());
		});
	}

	private static List<String> ids(JsonNode page) {
		List<String> ids = new ArrayList<>();
		page.path("data").forEach((event) -> ids.add(event.path("event_id").asString()));
		return ids;
	}

	private static int count(String log, String phrase) {
		Matcher matcher = Pattern.compile(Pattern.quote(phrase)).matcher(log);
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

}
