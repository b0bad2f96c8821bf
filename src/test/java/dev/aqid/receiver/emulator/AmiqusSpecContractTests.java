package dev.aqid.receiver.emulator;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.aqid.receiver.amiqus.AmiqusApiProperties;
import dev.aqid.receiver.amiqus.AmiqusClient;
import dev.aqid.receiver.amiqus.Webhook;
import dev.aqid.receiver.amiqus.WebhookRequest;
import dev.aqid.receiver.support.AmiqusSpec;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Holds the Amiqus client and the emulator to Amiqus's own OpenAPI description
 * ({@code src/test/resources/amiqus-openapi.json}, a copy of the one Amiqus publishes),
 * so that neither can drift from Amiqus unnoticed: every request the client makes is an
 * operation the description has, with query parameters and values it declares; every
 * answer the emulator gives validates against the schema documented for its status.
 */
class AmiqusSpecContractTests {

	private static final String TOKEN = "spec-token";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final String FORM_REFERENCE = "2f0e8c9a-0000-4000-8000-00000000abcd";

	private final AmiqusSpec spec = AmiqusSpec.load();

	private final AmiqusEmulator emulator = StandaloneEmulator.start(0);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private HttpServer receiver;

	@BeforeEach
	void startReceiver() throws IOException {
		// Where the emulator delivers, so that its delivery log has answered deliveries.
		this.receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.receiver.createContext("/", (exchange) -> {
			byte[] answer = "{\"event_id\":\"1\",\"duplicate\":false}".getBytes();
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(202, answer.length);
			exchange.getResponseBody().write(answer);
			exchange.close();
		});
		this.receiver.start();
	}

	@AfterEach
	void stop() {
		this.emulator.close();
		this.receiver.stop(0);
	}

	@Test
	void everyRequestTheClientMakesIsAnOperationAmiqusDocuments() {
		seedEntities();
		AmiqusClient client = new AmiqusClient(RestClient.builder(),
				new AmiqusApiProperties(URI.create(this.emulator.baseUrl()), TOKEN, Duration.ofSeconds(2),
						Duration.ofSeconds(5)),
				new SimpleMeterRegistry(), Clock.systemUTC());
		Map<String, Runnable> calls = new LinkedHashMap<>();
		calls.put("status", client::status);
		calls.put("record", () -> client.record(5001));
		calls.put("recordSteps", () -> client.recordSteps(5001));
		calls.put("client", () -> client.client(1001));
		calls.put("clientForm", () -> client.clientForm(1001, FORM_REFERENCE));
		calls.put("organisation", () -> client.organisation(12));
		calls.put("amiqusCase", () -> client.amiqusCase(89));
		calls.put("webhooks", () -> client.webhooks(1, 100));
		calls.put("allWebhooks", client::allWebhooks);
		List<Webhook> created = new ArrayList<>();
		calls.put("createWebhook", () -> created
			.add(client.createWebhook(new WebhookRequest(receiverUrl(), List.of("record.*", "client.created"), true))));
		calls.put("webhook", () -> client.webhook(created.get(0).id()));
		calls.put("updateWebhook", () -> client.updateWebhook(created.get(0).id(),
				new WebhookRequest(null, List.of("record.finished"), false)));
		calls.put("webhookDeliveries", () -> client.webhookDeliveries(created.get(0).id(), 1, 100));
		calls.put("deleteWebhook", () -> client.deleteWebhook(created.get(0).id()));
		// A new method on the client must be added here, so that its requests are checked
		// too.
		assertThat(calls.keySet()).containsExactlyInAnyOrderElementsOf(publicCallsOf(AmiqusClient.class));

		this.emulator.clearRequests();
		calls.values().forEach(Runnable::run);

		List<ApiRequest> requests = this.emulator.requests();
		assertThat(requests).hasSizeGreaterThanOrEqualTo(calls.size());
		List<String> problems = new ArrayList<>();
		for (ApiRequest request : requests) {
			URI uri = URI.create(request.path());
			this.spec.operation(request.method(), uri.getPath())
				.ifPresentOrElse((operation) -> problems.addAll(operation.queryProblems(uri.getRawQuery())),
						() -> problems.add(request.method() + " " + uri.getPath() + " is not in Amiqus's API"));
		}
		assertThat(problems).isEmpty();
	}

	@Test
	void theSpecCheckRefusesWhatAmiqusDoesNotOffer() {
		// The check above can fail: paths, methods, parameters and values Amiqus lacks.
		assertThat(this.spec.operation("GET", "/records/1/reviews")).isEmpty();
		assertThat(this.spec.operation("DELETE", "/records/1")).isEmpty();
		assertThat(this.spec.operation("GET", "/records/1").orElseThrow().queryProblems("expand=steps"))
			.singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
			.contains("expand=steps");
		assertThat(this.spec.operation("GET", "/webhooks").orElseThrow().queryProblems("page=1&per_page=100"))
			.singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
			.contains("per_page");
		assertThat(this.spec.operation("GET", "/records/1/steps").orElseThrow().queryProblems("expand=check,review"))
			.isEmpty();
		JsonNode wrongWebhook = json.readTree("{\"object\":\"webhook\",\"id\":\"not a number\"}");
		assertThat(this.spec.operation("GET", "/webhooks/1").orElseThrow().answerProblems(200, wrongWebhook))
			.isNotEmpty();
	}

	@Test
	void everyAnswerTheEmulatorGivesConformsToTheSchemaAmiqusDocuments() throws Exception {
		Webhook webhook = this.emulator.addWebhook(receiverUrl(), List.of("*"), true);
		this.emulator.demoScenario();
		this.emulator.sendPing();
		long clientId = 1001;
		long recordId = 5001;
		List<Exchange> exchanges = new ArrayList<>();
		exchanges.add(call("GET", "/status", null));
		exchanges.add(call("GET", "/clients/" + clientId, null));
		exchanges.add(call("GET", "/records/" + recordId + "?expand=client", null));
		exchanges.add(call("GET", "/records/" + recordId + "/steps?expand=check,form,document,review&page=1&limit=100",
				null));
		exchanges.add(call("GET", "/webhooks?page=1&limit=100", null));
		exchanges.add(call("GET", "/webhooks/" + webhook.id(), null));
		exchanges.add(call("GET", "/webhooks/" + webhook.id() + "/deliveries?page=1&limit=100", null));
		exchanges.add(call("POST", "/webhooks",
				"{\"url\":\"" + receiverUrl() + "\",\"events\":[\"record.finished\"],\"is_enabled\":true}"));
		exchanges.add(call("PATCH", "/webhooks/" + webhook.id(), "{\"events\":[\"record.*\",\"client.*\"]}"));
		// Errors: each the emulator's own body, in the shape Amiqus documents.
		exchanges.add(call("GET", "/clients/999999", null));
		exchanges.add(call("GET", "/records/999999", null));
		// Amiqus documents no 404 for these two (the description lists only 200 and 403
		// for a record's steps, only 200 for a client's form), yet an unknown record or
		// form cannot answer 200. The emulator answers 404 as Amiqus does for every other
		// unknown id, so its body is held to the 404 the description shares between
		// operations rather than dropped.
		exchanges.add(call("GET", "/records/999999/steps", null).withSharedErrorShape());
		exchanges.add(call("GET", "/clients/" + clientId + "/forms/" + FORM_REFERENCE, null).withSharedErrorShape());
		exchanges.add(call("GET", "/organisations/999999", null));
		exchanges.add(call("GET", "/cases/999999", null));
		exchanges.add(call("GET", "/webhooks/999999", null));
		exchanges.add(call("POST", "/webhooks", "{\"url\":\"not a url\",\"events\":[\"recrod.finished\"]}"));
		this.emulator.requireToken(TOKEN);
		exchanges.add(call("GET", "/clients/" + clientId, null, "wrong-token"));
		exchanges.add(call("GET", "/webhooks", null, "wrong-token"));

		List<String> problems = new ArrayList<>();
		for (Exchange exchange : exchanges) {
			URI uri = URI.create(exchange.path());
			AmiqusSpec.Operation operation = this.spec.operation(exchange.method(), uri.getPath()).orElseThrow();
			if (exchange.status() == 204) {
				assertThat(exchange.body()).as(exchange.toString()).isEmpty();
				assertThat(operation.documents(204)).as(exchange.toString()).isTrue();
				continue;
			}
			if (exchange.sharedErrorShape()) {
				assertThat(operation.documents(exchange.status())).as(exchange.toString()).isFalse();
				problems.addAll(this.spec.sharedAnswerProblems(exchange.status(), json.readTree(exchange.body())));
				continue;
			}
			problems.addAll(operation.answerProblems(exchange.status(), json.readTree(exchange.body())));
		}
		assertThat(problems).isEmpty();
		// Every kind of answer was among them, so the check above covered each.
		assertThat(exchanges.stream().map(Exchange::status).collect(Collectors.toSet())).contains(200, 201, 204, 401,
				404, 422);
	}

	private void seedEntities() {
		this.emulator.demoScenario();
		this.emulator.putForm(1001, FORM_REFERENCE, "{\"object\":\"form\",\"reference\":\"" + FORM_REFERENCE + "\"}");
		this.emulator.putOrganisation(12, "{\"object\":\"organisation\",\"id\":12}");
		this.emulator.putCase(89, "{\"object\":\"case\",\"id\":89,\"client\":1001,\"items\":[]}");
	}

	private Exchange call(String method, String path, String body) throws Exception {
		return call(method, path, body, null);
	}

	private Exchange call(String method, String path, String body, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.emulator.baseUrl() + path))
			.timeout(Duration.ofSeconds(5))
			.header("Accept", "application/json")
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		return new Exchange(method, path, response.statusCode(), response.body(), false);
	}

	private String receiverUrl() {
		return "http://127.0.0.1:" + this.receiver.getAddress().getPort() + "/webhooks/amiqus";
	}

	private static Set<String> publicCallsOf(Class<?> type) {
		return Arrays.stream(type.getDeclaredMethods())
			.filter((method) -> Modifier.isPublic(method.getModifiers()) && !Modifier.isStatic(method.getModifiers()))
			.map(Method::getName)
			// Rate-limit state and pacing, not calls to Amiqus.
			.filter((name) -> !Set.of("rateLimit", "awaitTurn", "turnsWithin").contains(name))
			.collect(Collectors.toCollection(TreeSet::new));
	}

	/**
	 * One request and its answer.
	 *
	 * @param sharedErrorShape whether the answer is an error the operation does not list,
	 * held to the description's shared answer for its status instead
	 */
	private record Exchange(String method, String path, int status, String body, boolean sharedErrorShape) {

		Exchange withSharedErrorShape() {
			return new Exchange(this.method, this.path, this.status, this.body, true);
		}

	}

}
