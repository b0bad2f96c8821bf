package dev.aqid.receiver.emulator;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.aqid.receiver.amiqus.AmiqusApiProperties;
import dev.aqid.receiver.amiqus.AmiqusClient;
import dev.aqid.receiver.amiqus.AmiqusSignature;
import dev.aqid.receiver.amiqus.Page;
import dev.aqid.receiver.amiqus.Webhook;
import dev.aqid.receiver.amiqus.WebhookDelivery;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deliveries as a receiver gets them and as the delivery log keeps them.
 */
class AmiqusEmulatorDeliveryTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final AmiqusEmulator emulator = StandaloneEmulator.start(0);

	private final AmiqusClient client = new AmiqusClient(RestClient.builder(),
			new AmiqusApiProperties(URI.create(this.emulator.baseUrl()), null, Duration.ofSeconds(2),
					Duration.ofSeconds(5)),
			new SimpleMeterRegistry(), Clock.systemUTC());

	private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

	private HttpServer receiver;

	private String receiverUrl;

	@BeforeEach
	void startReceiver() throws IOException {
		this.receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.receiver.createContext("/webhooks/amiqus", (exchange) -> {
			byte[] body = exchange.getRequestBody().readAllBytes();
			this.received.add(new Received(exchange.getRequestHeaders(), body));
			byte[] answer = "{\"event_id\":\"42\",\"duplicate\":false}".getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(202, answer.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(answer);
			}
		});
		this.receiver.start();
		this.receiverUrl = "http://127.0.0.1:" + this.receiver.getAddress().getPort() + "/webhooks/amiqus";
	}

	@AfterEach
	void stop() {
		this.receiver.stop(0);
		this.emulator.close();
	}

	@Test
	void signsTheExactBytesWithTheWebhooksSecret() throws Exception {
		Webhook webhook = this.emulator.addWebhook(this.receiverUrl, List.of("record.*"), true);

		List<DeliveryResult> results = this.emulator.send("record.finished",
				"{\"record\":{\"id\":4567,\"type\":\"client\"},\"client\":{\"id\":123},\"case\":null}");

		assertThat(results).singleElement().satisfies((result) -> {
			assertThat(result.webhookId()).isEqualTo(webhook.id());
			assertThat(result.status()).isEqualTo(202);
			assertThat(result.isSuccess()).isTrue();
			assertThat(result.responseBody()).contains("\"event_id\":\"42\"");
		});
		Received delivery = this.received.remove();
		assertThat(delivery.headers().getFirst("X-AQID-Signature"))
			.isEqualTo(AmiqusSignature.sign(webhook.secret(), delivery.body()));
		assertThat(delivery.headers().getFirst("X-AQID-Delivery-Id")).isEqualTo(results.get(0).deliveryId());
		assertThat(delivery.headers().getFirst("X-AQID-Delivery-Attempt")).isEqualTo("1");
		assertThat(delivery.headers().getFirst("Content-Type")).isEqualTo("application/json");
		assertThat(delivery.headers().getFirst("User-Agent")).isEqualTo("Amiqus AmiqusID/emulator");
		JsonNode payload = json.readTree(delivery.body());
		assertThat(payload.path("webhook").path("uuid").asString()).isEqualTo(webhook.uuid());
		assertThat(payload.path("webhook").path("events").get(0).asString()).isEqualTo("record.*");
		assertThat(payload.path("webhook").path("created_at").asString()).isNotBlank();
		assertThat(payload.path("trigger").path("alias").asString()).isEqualTo("record.finished");
		assertThat(payload.path("trigger").path("triggered_at").asString()).endsWith("Z");
		assertThat(payload.path("data").path("record").path("id").asLong()).isEqualTo(4567);
		assertThat(payload.path("data").path("case").isNull()).isTrue();
	}

	@Test
	void logsEachDeliveryWithItsRequestAndOurResponse() {
		Webhook webhook = this.emulator.addWebhook(this.receiverUrl, List.of("*"), true);
		DeliveryResult result = this.emulator.send("client.created", "{\"client\":{\"id\":123}}").get(0);

		WebhookDelivery logged = this.client.webhookDeliveries(webhook.id(), 1, 10).data().get(0);

		assertThat(logged.uuid()).isEqualTo(result.deliveryId());
		assertThat(logged.deliveryId()).isEqualTo(result.deliveryId());
		assertThat(logged.event()).isEqualTo("client.created");
		assertThat(logged.attempts()).isEqualTo(1);
		assertThat(logged.lastSentAt()).isNotNull();
		assertThat(logged.signature()).isEqualTo(this.received.remove().headers().getFirst("X-AQID-Signature"));
		assertThat(logged.request().path("url").asString()).isEqualTo(this.receiverUrl);
		assertThat(logged.requestBody().path("data").path("client").path("id").asLong()).isEqualTo(123);
		assertThat(logged.responseStatus()).isEqualTo(202);
		assertThat(logged.response().path("body").asString()).contains("\"event_id\":\"42\"");
	}

	@Test
	void logsAnUnreachableDeliveryWithStatusZeroNewestFirst() throws IOException {
		Webhook webhook = this.emulator.addWebhook(closedPortUrl(), List.of("*"), true);

		DeliveryResult first = this.emulator.send("record.created", "{\"record\":{\"id\":1}}").get(0);
		DeliveryResult second = this.emulator.send("record.finished", "{\"record\":{\"id\":1}}").get(0);

		assertThat(first.status()).isZero();
		assertThat(first.isSuccess()).isFalse();
		assertThat(first.responseBody()).isNull();
		Page<WebhookDelivery> log = this.client.webhookDeliveries(webhook.id(), 1, 10);
		assertThat(log.total()).isEqualTo(2);
		assertThat(log.data()).extracting(WebhookDelivery::deliveryId)
			.containsExactly(second.deliveryId(), first.deliveryId());
		WebhookDelivery newest = log.data().get(0);
		assertThat(newest.event()).isEqualTo("record.finished");
		assertThat(newest.responseStatus()).isZero();
		assertThat(newest.response().path("error").asString()).isNotBlank();
		assertThat(newest.requestBody().path("trigger").path("alias").asString()).isEqualTo("record.finished");
		assertThat(this.client.webhookDeliveries(webhook.id(), 2, 1).data()).extracting(WebhookDelivery::uuid)
			.containsExactly(first.deliveryId());
	}

	@Test
	void deliversToMatchingEnabledWebhooksOnly() {
		Webhook everything = this.emulator.addWebhook(this.receiverUrl, List.of("*"), true);
		Webhook clients = this.emulator.addWebhook(this.receiverUrl, List.of("client.*"), true);
		Webhook exact = this.emulator.addWebhook(this.receiverUrl, List.of("client.created", "record.finished"), true);
		Webhook records = this.emulator.addWebhook(this.receiverUrl, List.of("record.*"), true);
		Webhook disabled = this.emulator.addWebhook(this.receiverUrl, List.of("*"), false);
		this.emulator.disableWebhook(records.id());

		assertThat(this.emulator.send("client.created", "{}")).extracting(DeliveryResult::webhookId)
			.containsExactly(everything.id(), clients.id(), exact.id());
		assertThat(this.emulator.send("client.updated", "{}")).extracting(DeliveryResult::webhookId)
			.containsExactly(everything.id(), clients.id());
		assertThat(this.emulator.send("record.finished", "{}")).extracting(DeliveryResult::webhookId)
			.containsExactly(everything.id(), exact.id());
		assertThat(this.emulator.send("clients.created", "{}")).extracting(DeliveryResult::webhookId)
			.containsExactly(everything.id());
		assertThat(this.received).hasSize(8);
		assertThat(this.client.webhookDeliveries(disabled.id(), 1, 10).data()).isEmpty();
		assertThat(this.client.webhookDeliveries(records.id(), 1, 10).data()).isEmpty();
	}

	@Test
	void pingsEveryEnabledWebhook() throws Exception {
		Webhook webhook = this.emulator.addWebhook(this.receiverUrl, List.of("record.finished"), true);
		this.emulator.addWebhook(this.receiverUrl, List.of("*"), false);

		assertThat(this.emulator.sendPing()).singleElement()
			.satisfies((result) -> assertThat(result.webhookId()).isEqualTo(webhook.id()));
		Received ping = this.received.remove();
		JsonNode body = json.readTree(ping.body());
		assertThat(body.path("event").asString()).isEqualTo("ping");
		assertThat(body.path("data").get(0).asString()).isEqualTo("ping");
		assertThat(body.path("sent_at").asString()).isNotBlank();
		assertThat(ping.headers().getFirst("X-AQID-Signature"))
			.isEqualTo(AmiqusSignature.sign(webhook.secret(), ping.body()));
	}

	@Test
	void demoScenarioCreatesAClientAndARecordThatFinishes() throws Exception {
		this.emulator.addWebhook(this.receiverUrl, List.of("*"), true);

		List<DeliveryResult> results = this.emulator.demoScenario();

		assertThat(results).hasSize(3).allSatisfy((result) -> assertThat(result.status()).isEqualTo(202));
		List<JsonNode> payloads = List.of(json.readTree(this.received.remove().body()),
				json.readTree(this.received.remove().body()), json.readTree(this.received.remove().body()));
		assertThat(payloads).extracting((payload) -> payload.path("trigger").path("alias").asString())
			.containsExactly("client.created", "record.created", "record.finished");
		long clientId = payloads.get(0).path("data").path("client").path("id").asLong();
		long recordId = payloads.get(2).path("data").path("record").path("id").asLong();
		assertThat(payloads.get(2).path("data").path("record").path("type").asString()).isEqualTo("client");
		assertThat(payloads.get(2).path("data").path("client").path("id").asLong()).isEqualTo(clientId);
		assertThat(this.client.client(clientId).path("name").path("last_name").asString()).isEqualTo("Person");
		assertThat(this.client.client(clientId).path("email").asString()).endsWith("@example.com");
		assertThat(this.client.record(recordId).path("status").asString()).isEqualTo("complete");
		assertThat(this.client.record(recordId).path("client").asLong()).isEqualTo(clientId);
		assertThat(this.client.recordSteps(recordId)).hasSize(2)
			.allSatisfy((step) -> assertThat(step.path("check").path("status").asString()).isEqualTo("accepted"));
		// As at Amiqus: a record names its steps' checks by id; the steps expand them.
		assertThat(this.client.record(recordId).path("steps"))
			.allSatisfy((step) -> assertThat(step.path("check").isIntegralNumber()).isTrue());
	}

	@Test
	void sendsNothingWithoutSubscriptions() {
		assertThat(this.emulator.send("record.finished", "{}")).isEmpty();
		assertThat(this.emulator.demoScenario()).isEmpty();
	}

	private static String closedPortUrl() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		return "http://127.0.0.1:" + port + "/webhooks/amiqus";
	}

	private record Received(Headers headers, byte[] body) {

		Received {
			Headers copy = new Headers();
			copy.putAll(headers);
			headers = copy;
		}

	}

}
