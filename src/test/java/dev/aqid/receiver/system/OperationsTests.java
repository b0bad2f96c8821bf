package dev.aqid.receiver.system;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import dev.aqid.receiver.support.RunningReceiver;
import dev.aqid.receiver.support.WebhookClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the platform team relies on: probes, metrics, request ids, and a shutdown that
 * finishes the deliveries in flight.
 */
class OperationsTests {

	private static final String KEY = "ops-test-key";

	@TempDir
	Path dataDir;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void reportsProbesMetricsAndRequestIds() throws Exception {
		try (RunningReceiver receiver = RunningReceiver.onDataDir(this.dataDir, "receiver.api.keys=" + KEY)) {
			String base = "http://localhost:" + receiver.port();

			HttpResponse<String> readiness = get(base + "/actuator/health/readiness", null);
			assertThat(readiness.statusCode()).isEqualTo(200);
			assertThat(readiness.body()).contains("\"db\"").contains("\"UP\"");
			assertThat(get(base + "/actuator/health/liveness", null).statusCode()).isEqualTo(200);
			HttpResponse<String> health = get(base + "/actuator/health", null);
			assertThat(health.statusCode()).isEqualTo(200);
			assertThat(health.body()).contains("\"amiqusApi\"").contains("\"enrichment\"");

			receiver.client().deliver(WebhookClient.recordEvent("record.updated", 1, 2), UUID.randomUUID().toString());
			receiver.client().post("x".getBytes(StandardCharsets.UTF_8), java.util.Map.of());
			HttpResponse<String> metrics = get(base + "/actuator/prometheus", KEY);
			assertThat(metrics.body())
				.contains("receiver_deliveries_total{outcome=\"accepted\",reason=\"none\",source=\"webhook\"}")
				.contains("receiver_deliveries_total{outcome=\"rejected\",reason=\"signature_missing\"")
				.contains("receiver_delivery_store_seconds_count")
				.contains("receiver_enrichment_queue_depth")
				.contains("http_server_requests_seconds_count")
				.as("no per-filter Spring Security observations: they cost more than the signature check")
				.doesNotContain("spring_security_");

			HttpResponse<String> withId = this.http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health"))
				.header("X-Request-Id", "support-ticket-42")
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(withId.headers().firstValue("X-Request-Id")).hasValue("support-ticket-42");
			assertThat(health.headers().firstValue("X-Request-Id")).isPresent();
		}
	}

	@Test
	void finishesADeliveryInFlightWhenShuttingDown() throws Exception {
		String deliveryId = UUID.randomUUID().toString();
		byte[] body = WebhookClient.recordEvent("record.finished", 7, 8).getBytes(StandardCharsets.UTF_8);
		int half = body.length / 2;
		RunningReceiver receiver = RunningReceiver.onDataDir(this.dataDir);
		String answer;
		try (Socket socket = new Socket("localhost", receiver.port())) {
			socket.setSoTimeout(30_000);
			OutputStream out = socket.getOutputStream();
			out.write(("POST /webhooks/amiqus HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
					+ "X-AQID-Signature: " + WebhookClient.sign(WebhookClient.SECRET, body) + "\r\n"
					+ "X-AQID-Delivery-Id: " + deliveryId + "\r\nContent-Length: " + body.length
					+ "\r\nConnection: close\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.write(body, 0, half);
			out.flush();
			Thread.sleep(300);

			CompletableFuture<Void> shutdown = CompletableFuture.runAsync(receiver::close);
			await("shutdown waiting for the request in flight").during(Duration.ofMillis(500))
				.atMost(Duration.ofSeconds(5))
				.until(() -> !shutdown.isDone());
			out.write(body, half, body.length - half);
			out.flush();
			InputStream in = socket.getInputStream();
			answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			shutdown.get();
		}
		assertThat(answer).startsWith("HTTP/1.1 202").contains("\"duplicate\":false");

		try (RunningReceiver restarted = RunningReceiver.onDataDir(this.dataDir)) {
			assertThat(restarted.context()
				.getBean(JdbcTemplate.class)
				.queryForObject("select count(*) from events where delivery_id = ?", Integer.class, deliveryId))
				.isEqualTo(1);
		}
	}

	private HttpResponse<String> get(String url, String key) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
		if (key != null) {
			request.header("Authorization", "Bearer " + key);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
