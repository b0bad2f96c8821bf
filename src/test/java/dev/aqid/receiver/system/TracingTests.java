package dev.aqid.receiver.system;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.sun.net.httpserver.HttpServer;
import dev.aqid.receiver.support.WebhookClient;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With an OTLP endpoint set, one trace runs from the webhook request (continuing the
 * sender's {@code traceparent}) through storage, across the events table to the Amiqus
 * call its enrichment makes and across the outbox to the POST that forwards it, and the
 * spans reach an OTLP/HTTP collector. The collector is a JDK HTTP server that keeps each
 * export's protobuf bytes; one WireMock is both the Amiqus API and the destination, and
 * sees the trace in the {@code traceparent} of our calls.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		"receiver.data-dir=target/test-db/tracing-${random.uuid}", "amiqus.webhook.secrets=" + WebhookClient.SECRET,
		"amiqus.api.token=test-token", "amiqus.enrichment.poll-interval=50ms", "amiqus.enrichment.settle-delay=0s",
		"receiver.forwarding.poll-interval=50ms", "management.opentelemetry.tracing.export.schedule-delay=100ms" })
class TracingTests {

	static final String DESTINATION_SECRET = "whsec_dHJhY2luZy10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVm";

	static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

	static final WireMockServer stub = new WireMockServer(options().dynamicPort());

	static final Collector collector = new Collector();

	static {
		stub.start();
		stub.stubFor(get(urlPathEqualTo("/api/v2/clients/4242"))
			.willReturn(okJson("{\"object\":\"client\",\"id\":4242,\"status\":\"active\"}")));
		stub.stubFor(post(urlPathEqualTo("/crm")).willReturn(aResponse().withStatus(204)));
	}

	@DynamicPropertySource
	static void endpoints(DynamicPropertyRegistry registry) {
		registry.add("amiqus.api.url", () -> stub.baseUrl() + "/api/v2");
		// A list binds from one property source: the whole destination here.
		registry.add("receiver.destinations[0].url", () -> stub.baseUrl() + "/crm");
		registry.add("receiver.destinations[0].name", () -> "crm");
		registry.add("receiver.destinations[0].secret", () -> DESTINATION_SECRET);
		registry.add("management.opentelemetry.tracing.export.otlp.endpoint", collector::url);
	}

	@AfterAll
	static void stop() {
		stub.stop();
		collector.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	ApplicationContext context;

	@Test
	void oneTraceRunsFromTheWebhookRequestThroughEnrichmentToTheForwardedPost() {
		assertThat(this.context.getBeanProvider(Tracer.class).getIfAvailable()).isNotNull();
		byte[] body = "{\"trigger\":{\"alias\":\"client.updated\",\"triggered_at\":\"2024-05-07T12:30:45Z\"},\"data\":{\"client\":{\"id\":4242}}}"
			.getBytes(StandardCharsets.UTF_8);

		WebhookClient.Answer answer = new WebhookClient(this.port).post(body,
				Map.of("X-AQID-Signature", WebhookClient.sign(WebhookClient.SECRET, body), "X-AQID-Delivery-Id",
						"trace-1", "traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01"));

		assertThat(answer.status()).isEqualTo(202);
		assertThat(this.jdbc.queryForObject("select trace_parent from events where id = ?", String.class,
				Long.valueOf(answer.eventId())))
			.as("the sender's trace is continued and stored with the event")
			.startsWith("00-" + TRACE_ID + "-")
			.doesNotContain("00f067aa0ba902b7");
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			List<LoggedRequest> calls = stub.findAll(getRequestedFor(urlPathEqualTo("/api/v2/clients/4242")));
			assertThat(calls).singleElement()
				.satisfies((call) -> assertThat(call.getHeader("traceparent")).startsWith("00-" + TRACE_ID + "-"));
		});
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			List<LoggedRequest> forwarded = stub.findAll(postRequestedFor(urlPathEqualTo("/crm")));
			assertThat(forwarded).singleElement()
				.satisfies((post) -> assertThat(post.getHeader("traceparent")).startsWith("00-" + TRACE_ID + "-"));
		});
		byte[] traceId = HexFormat.of().parseHex(TRACE_ID);
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			List<byte[]> exports = collector.exports();
			for (String span : List.of("http post /webhooks/amiqus", "store delivery", "enrich client", "http get",
					"forward crm")) {
				assertThat(exports).as("an export with the span %s in the incoming trace", span)
					.anySatisfy((export) -> {
						assertThat(contains(export, span.getBytes(StandardCharsets.UTF_8))).isTrue();
						assertThat(contains(export, traceId)).isTrue();
					});
			}
		});
	}

	private static boolean contains(byte[] haystack, byte[] needle) {
		outer: for (int i = 0; i <= haystack.length - needle.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return true;
		}
		return false;
	}

	/**
	 * An OTLP/HTTP collector: accepts {@code POST /v1/traces} (protobuf) and keeps each
	 * body.
	 */
	static final class Collector implements AutoCloseable {

		private final HttpServer server;

		private final List<byte[]> exports = new CopyOnWriteArrayList<>();

		Collector() {
			try {
				this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			this.server.createContext("/v1/traces", (exchange) -> {
				ByteArrayOutputStream body = new ByteArrayOutputStream();
				exchange.getRequestBody().transferTo(body);
				this.exports.add(body.toByteArray());
				exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
				exchange.sendResponseHeaders(200, -1);
				exchange.close();
			});
			this.server.start();
		}

		String url() {
			return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/v1/traces";
		}

		List<byte[]> exports() {
			return List.copyOf(this.exports);
		}

		@Override
		public void close() {
			this.server.stop(0);
		}

	}

}
