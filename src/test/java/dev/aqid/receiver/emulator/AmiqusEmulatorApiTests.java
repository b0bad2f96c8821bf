package dev.aqid.receiver.emulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.aqid.receiver.amiqus.AmiqusApiProperties;
import dev.aqid.receiver.amiqus.AmiqusClient;
import dev.aqid.receiver.amiqus.AmiqusNotFound;
import dev.aqid.receiver.amiqus.AmiqusRateLimited;
import dev.aqid.receiver.amiqus.AmiqusServerError;
import dev.aqid.receiver.amiqus.AmiqusUnauthorized;
import dev.aqid.receiver.amiqus.AmiqusValidationFailed;
import dev.aqid.receiver.amiqus.Page;
import dev.aqid.receiver.amiqus.Webhook;
import dev.aqid.receiver.amiqus.WebhookRequest;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The emulated API as the service's own {@link AmiqusClient} sees it.
 */
class AmiqusEmulatorApiTests {

	private static final String RECEIVER_URL = "https://receiver.example.com/webhooks/amiqus";

	private static final JsonMapper json = JsonMapper.builder().build();

	private final AmiqusEmulator emulator = StandaloneEmulator.start(0);

	private final AmiqusClient client = client("any-token");

	@AfterEach
	void stop() {
		this.emulator.close();
	}

	@Test
	void managesWebhooksFromCreateToDelete() {
		Webhook created = this.client
			.createWebhook(new WebhookRequest(RECEIVER_URL, List.of("record.*", "client.created"), true));

		assertThat(created.id()).isPositive();
		assertThat(created.uuid()).hasSize(36);
		assertThat(created.secret()).hasSize(40);
		assertThat(created.events()).containsExactly("record.*", "client.created");
		assertThat(created.enabled()).isTrue();
		assertThat(created.createdAt()).isNotNull().isEqualTo(created.updatedAt());
		assertThat(this.client.allWebhooks()).containsExactly(created);

		Webhook patched = this.client.updateWebhook(created.id(), WebhookRequest.ofEnabled(false));

		assertThat(patched.enabled()).isFalse();
		assertThat(patched.url()).isEqualTo(RECEIVER_URL);
		assertThat(patched.events()).isEqualTo(created.events());
		assertThat(patched.secret()).isEqualTo(created.secret());
		assertThat(this.client.webhook(created.id())).isEqualTo(patched);
		assertThat(this.emulator.webhook(created.id())).contains(patched);

		this.client.deleteWebhook(created.id());

		assertThatExceptionOfType(AmiqusNotFound.class).isThrownBy(() -> this.client.webhook(created.id()))
			.satisfies((ex) -> assertThat(ex.errorMessage()).isEqualTo("Webhook not found"));
		assertThatExceptionOfType(AmiqusNotFound.class).isThrownBy(() -> this.client.deleteWebhook(created.id()));
		assertThat(this.client.allWebhooks()).isEmpty();
	}

	@Test
	void listsWebhooksOverSeveralPages() {
		for (int i = 1; i <= 25; i++) {
			this.emulator.addWebhook("https://receiver.example.com/hook/" + i, List.of("*"), true);
		}

		Page<Webhook> first = this.client.webhooks(1, 10);
		Page<Webhook> last = this.client.webhooks(3, 10);
		List<Webhook> walked = Page.all((number) -> this.client.webhooks(number, 10));

		assertThat(first.total()).isEqualTo(25);
		assertThat(first.count()).isEqualTo(10);
		assertThat(first.totalPages()).isEqualTo(3);
		assertThat(first.next()).isEqualTo(this.emulator.baseUrl() + "/webhooks?limit=10&page=2");
		assertThat(first.hasNext()).isTrue();
		assertThat(last.count()).isEqualTo(5);
		assertThat(last.hasNext()).isFalse();
		assertThat(walked).hasSize(25).extracting(Webhook::url).endsWith("https://receiver.example.com/hook/25");
		assertThat(walked).isEqualTo(this.emulator.webhooks());
		assertThat(this.client.allWebhooks()).hasSize(25);
	}

	@Test
	void refusesWebhookWithoutUrlOrEvents() {
		assertThatExceptionOfType(AmiqusValidationFailed.class)
			.isThrownBy(() -> this.client.createWebhook(new WebhookRequest(null, List.of("*"), true)))
			.satisfies(
					(ex) -> assertThat(ex.fieldErrors()).containsEntry("url", List.of("The url field is required.")));
		assertThatExceptionOfType(AmiqusValidationFailed.class)
			.isThrownBy(() -> this.client.createWebhook(new WebhookRequest("ftp://example.com/x", List.of(), null)))
			.satisfies((ex) -> assertThat(ex.fieldErrors()).containsOnlyKeys("url", "events"));
		assertThat(this.emulator.webhooks()).isEmpty();
	}

	@Test
	void demandsTheTokenWhenOneIsRequired() {
		this.emulator.requireToken("right-token");

		assertThatExceptionOfType(AmiqusUnauthorized.class).isThrownBy(() -> client("wrong-token").status())
			.satisfies((ex) -> assertThat(ex.errorMessage()).isEqualTo("Unauthenticated."));
		assertThatExceptionOfType(AmiqusUnauthorized.class).isThrownBy(() -> client(null).allWebhooks());
		assertThat(client("right-token").status()).isNull();
	}

	@Test
	void countsTheRequestsRefusedForTheirToken() {
		this.emulator.requireToken("right-token");

		assertThatExceptionOfType(AmiqusUnauthorized.class).isThrownBy(() -> client("wrong-token").status());
		assertThatExceptionOfType(AmiqusUnauthorized.class).isThrownBy(() -> client(null).record(1));
		client("right-token").status();
		this.emulator.failNext(1, 401);
		assertThatExceptionOfType(AmiqusUnauthorized.class).isThrownBy(() -> client("right-token").status());

		assertThat(this.emulator.unauthorizedRequests()).as("refused for their token, not injected").isEqualTo(2);
		this.emulator.reset();
		assertThat(this.emulator.unauthorizedRequests()).isZero();
	}

	@Test
	void servesNumberedRecordsAndClientsAndCountsTheReadsServed() {
		this.emulator.putRecordsAndClients(500, 3);

		assertThat(this.client.record(500).path("client").path("id").asLong()).isEqualTo(500);
		assertThat(this.client.record(502).path("id").asLong()).isEqualTo(502);
		assertThat(this.client.client(501).path("id").asLong()).isEqualTo(501);
		assertThatExceptionOfType(AmiqusNotFound.class).isThrownBy(() -> this.client.record(503));
		assertThatExceptionOfType(AmiqusNotFound.class).isThrownBy(() -> this.client.client(499));
		this.client.status();

		assertThat(this.emulator.entityReads()).as("reads answered 200").isEqualTo(3);
		this.emulator.reset();
		assertThat(this.emulator.entityReads()).isZero();
	}

	@Test
	void servesTheEntitiesPutAndAnswers404ForOthers() {
		this.emulator.putClient(123, "{\"object\":\"client\",\"id\":123}");
		this.emulator.putRecord(4567, "{\"object\":\"record\",\"id\":4567,\"client\":123}");
		this.emulator.putRecordSteps(4567, "[{\"id\":1},{\"id\":2},{\"id\":3}]");
		this.emulator.putForm(123, "2f0e8c9a-0000-4000-8000-00000000abcd", "{\"object\":\"client_form\"}");
		this.emulator.putOrganisation(12, "{\"object\":\"organisation\",\"name\":\"Example Ltd\"}");
		this.emulator.putCase(89, "{\"object\":\"case\",\"id\":89}");

		assertThat(this.client.client(123).path("id").asLong()).isEqualTo(123);
		assertThat(this.client.record(4567).path("client").asLong()).isEqualTo(123);
		assertThat(this.client.recordSteps(4567)).extracting((step) -> step.path("id").asInt())
			.containsExactly(1, 2, 3);
		assertThat(this.client.clientForm(123, "2f0e8c9a-0000-4000-8000-00000000abcd").path("object").asString())
			.isEqualTo("client_form");
		assertThat(this.client.organisation(12).path("name").asString()).isEqualTo("Example Ltd");
		assertThat(this.client.amiqusCase(89).path("id").asLong()).isEqualTo(89);
		assertThat(this.emulator.requests()).extracting(ApiRequest::path)
			.contains("/records/4567?expand=client",
					"/records/4567/steps?expand=check,form,document,review&page=1&limit=100");

		assertThatExceptionOfType(AmiqusNotFound.class).isThrownBy(() -> this.client.record(1))
			.satisfies((ex) -> assertThat(ex.errorMessage()).isEqualTo("Record not found"));
		assertThatExceptionOfType(AmiqusNotFound.class).isThrownBy(() -> this.client.recordSteps(1));
		assertThatExceptionOfType(AmiqusNotFound.class).isThrownBy(() -> this.client.clientForm(123, "other"))
			.satisfies((ex) -> assertThat(ex.errorMessage()).isEqualTo("Form not found"));
		assertThatExceptionOfType(AmiqusNotFound.class).isThrownBy(() -> this.client.organisation(13))
			.satisfies((ex) -> assertThat(ex.errorMessage()).isEqualTo("Organisation not found"));
		assertThatExceptionOfType(AmiqusNotFound.class).isThrownBy(() -> this.client.amiqusCase(90))
			.satisfies((ex) -> assertThat(ex.errorMessage()).isEqualTo("Case not found"));

		this.emulator.removeClient(123);

		assertThatExceptionOfType(AmiqusNotFound.class).isThrownBy(() -> this.client.client(123))
			.satisfies((ex) -> assertThat(ex.errorMessage()).isEqualTo("Client not found"));
		assertThatExceptionOfType(AmiqusNotFound.class)
			.isThrownBy(() -> this.client.clientForm(123, "2f0e8c9a-0000-4000-8000-00000000abcd"));
	}

	@Test
	void stepsOfARecordWithoutAnyAreAnEmptyList() {
		this.emulator.putRecord(7, "{\"id\":7}");

		assertThat(this.client.recordSteps(7)).isEmpty();
	}

	@Test
	void injectedServerErrorsMapToTheClientsExceptions() {
		this.emulator.failNext(2, 500);

		assertThatExceptionOfType(AmiqusServerError.class).isThrownBy(this.client::status);
		assertThatExceptionOfType(AmiqusServerError.class).isThrownBy(this.client::allWebhooks)
			.satisfies((ex) -> assertThat(ex.isTransient()).isTrue());
		assertThat(this.client.status()).isNull();
	}

	@Test
	void injectedRateLimitingSaysWhenToRetry() {
		this.emulator.failNext(1, 429);

		assertThatExceptionOfType(AmiqusRateLimited.class).isThrownBy(() -> this.client.client(1))
			.satisfies((ex) -> assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(1)));
		assertThat(this.client.rateLimit().remaining()).isZero();
	}

	@Test
	void sendsRateLimitHeadersOnEveryAnswer() {
		this.client.status();
		int remaining = this.client.rateLimit().remaining();
		assertThatExceptionOfType(AmiqusNotFound.class).isThrownBy(() -> this.client.client(1));

		assertThat(this.client.rateLimit().limit()).isEqualTo(200);
		assertThat(this.client.rateLimit().remaining()).isBetween(remaining - 1, 199);
	}

	@Test
	void enforcesALimitPerWindowThatOpensAtTheFirstRequest() {
		this.emulator.enforceRateLimit(3, Duration.ofSeconds(2));

		for (int expected = 2; expected >= 0; expected--) {
			this.client.status();
			assertThat(this.client.rateLimit().limit()).isEqualTo(3);
			assertThat(this.client.rateLimit().remaining()).isEqualTo(expected);
		}
		assertThatExceptionOfType(AmiqusRateLimited.class).isThrownBy(this.client::status).satisfies((ex) -> {
			assertThat(ex.retryAfter()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
			assertThat(this.client.rateLimit().remaining()).isZero();
			assertThat(this.client.rateLimit().reset()).isNotNull();
		});
		assertThat(this.emulator.rateLimitedRequests()).isEqualTo(1);

		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(200))
			.ignoreExceptionsInstanceOf(AmiqusRateLimited.class)
			.untilAsserted(() -> {
				this.client.status();
				assertThat(this.client.rateLimit().remaining()).isEqualTo(2);
			});
	}

	@Test
	void delaysAnswersByTheLatencySet() {
		this.emulator.setLatency(Duration.ofMillis(300));
		long started = System.nanoTime();

		this.client.status();

		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

	@Test
	void testSwitchesChangeWhatTheApiShows() {
		Webhook webhook = this.emulator.addWebhook(RECEIVER_URL, List.of("*"), true);

		this.emulator.disableWebhook(webhook.id());
		this.emulator.setWebhookEvents(webhook.id(), List.of("record.finished"));

		Webhook read = this.client.webhook(webhook.id());
		assertThat(read.enabled()).isFalse();
		assertThat(read.events()).containsExactly("record.finished");
		assertThat(this.client.updateWebhook(webhook.id(), WebhookRequest.ofEnabled(true)).enabled()).isTrue();
		assertThat(this.emulator.removeWebhook(webhook.id())).isTrue();
		assertThat(this.client.allWebhooks()).isEmpty();
		assertThat(this.emulator.requests()).extracting(ApiRequest::method).containsExactly("GET", "PATCH", "GET");
		this.emulator.clearRequests();
		assertThat(this.emulator.requests()).isEmpty();
	}

	@Test
	void unknownPathsAndWebhooksAre404() {
		assertThatExceptionOfType(AmiqusNotFound.class).isThrownBy(() -> this.client.webhookDeliveries(99, 1, 10))
			.satisfies((ex) -> assertThat(ex.errorMessage()).isEqualTo("Webhook not found"));
		assertThatExceptionOfType(AmiqusNotFound.class)
			.isThrownBy(() -> this.client.updateWebhook(99, WebhookRequest.ofEnabled(true)));
		JsonNode status = this.client.status();
		assertThat(status).isNull();
	}

	@Test
	void answersPathsOutsideTheApiAndIdsThatAreNoNumbersInAmiqussErrorShape() throws Exception {
		for (String path : List.of("/records/abc", "/records/1/reviews", "/nothing/here", "/webhooks/1/other")) {
			HttpResponse<String> answer = get(path);

			assertThat(answer.statusCode()).as(path).isEqualTo(404);
			assertThat(answer.body()).as(path).isEqualTo("{\"error\":\"Not found\"}");
			assertThat(answer.headers().firstValue("X-RateLimit-Remaining")).as(path).isPresent();
		}
	}

	@Test
	void linksThePagesOfAListToTheSameRequest() throws Exception {
		for (int i = 0; i < 3; i++) {
			this.emulator.addWebhook(RECEIVER_URL, List.of("*"), true);
		}

		JsonNode page = json.readTree(get("/webhooks?page=2&limit=1").body());

		assertThat(page.path("current_page").asInt()).isEqualTo(2);
		assertThat(page.path("links").path("next").asString())
			.isEqualTo(this.emulator.baseUrl() + "/webhooks?limit=1&page=3");
		assertThat(page.path("links").path("previous").asString())
			.isEqualTo(this.emulator.baseUrl() + "/webhooks?limit=1&page=1");
	}

	@Test
	void namesEachInvalidFieldByItsPathAsAmiqusDoes() throws Exception {
		JsonNode blankEvent = json
			.readTree(post("/webhooks", "{\"url\":\"" + RECEIVER_URL + "\",\"events\":[\"*\",\" \"]}").body());
		JsonNode notABoolean = json.readTree(
				post("/webhooks", "{\"url\":\"" + RECEIVER_URL + "\",\"events\":[\"*\"],\"is_enabled\":\"maybe\"}")
					.body());
		JsonNode blankUrl = json.readTree(post("/webhooks", "{\"url\":\" \",\"events\":[\"*\"]}").body());

		assertThat(blankEvent.properties()).singleElement()
			.satisfies((field) -> assertThat(field.getKey()).isEqualTo("events.1"))
			.satisfies((field) -> assertThat(field.getValue().get(0).asString())
				.isEqualTo("The events.1 field must be a string."));
		assertThat(notABoolean.path("is_enabled").get(0).asString())
			.isEqualTo("The is enabled field must be true or false.");
		assertThat(blankUrl.path("url").size()).as("said once").isEqualTo(1);
		assertThat(blankUrl.path("url").get(0).asString()).isEqualTo("The url field is required.");
		assertThat(get("/webhooks?enabled=maybe").statusCode()).isEqualTo(422);
		assertThat(this.emulator.webhooks()).isEmpty();
	}

	private HttpResponse<String> post(String path, String body) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(this.emulator.baseUrl() + path))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(String path) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(this.emulator.baseUrl() + path)).build(),
					HttpResponse.BodyHandlers.ofString());
	}

	private AmiqusClient client(String token) {
		AmiqusApiProperties properties = new AmiqusApiProperties(URI.create(this.emulator.baseUrl()), token,
				Duration.ofSeconds(2), Duration.ofSeconds(5));
		return new AmiqusClient(RestClient.builder(), properties, new SimpleMeterRegistry(), Clock.systemUTC());
	}

}
