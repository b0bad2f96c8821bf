package dev.aqid.receiver.system;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.aqid.receiver.support.WebhookClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
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
 * With an OTLP endpoint set, one trace runs from the webhook request through storage to
 * the Amiqus calls its enrichment makes, on another thread and after a round trip through
 * the events table, and the spans are exported over OTLP. One WireMock is both the Amiqus
 * API (which sees the trace in the {@code traceparent} header of our calls) and the OTLP
 * collector.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "receiver.data-dir=target/test-db/tracing-${random.uuid}",
				"amiqus.webhook.secrets=" + WebhookClient.SECRET, "amiqus.api.token=test-token",
				"amiqus.enrichment.poll-interval=50ms", "amiqus.enrichment.settle-delay=0s",
				"management.opentelemetry.tracing.export.schedule-delay=100ms" })
class TracingTests {

	static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

	static final WireMockServer stub = new WireMockServer(options().dynamicPort());

	static {
		stub.start();
		stub.stubFor(
				get(urlPathEqualTo("/api/v2/clients/4242")).willReturn(okJson("{\"object\":\"client\",\"id\":4242}")));
		stub.stubFor(post(urlPathEqualTo("/v1/traces")).willReturn(aResponse().withStatus(200)));
	}

	@DynamicPropertySource
	static void endpoints(DynamicPropertyRegistry registry) {
		registry.add("amiqus.api.url", () -> stub.baseUrl() + "/api/v2");
		registry.add("management.opentelemetry.tracing.export.otlp.endpoint", () -> stub.baseUrl() + "/v1/traces");
	}

	@AfterAll
	static void stopStub() {
		stub.stop();
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void continuesTheWebhookRequestsTraceIntoTheAmiqusCallsOfItsEnrichment() {
		byte[] body = "{\"trigger\":{\"alias\":\"client.updated\",\"triggered_at\":\"2024-05-07T12:30:45Z\"},\"data\":{\"client\":{\"id\":4242}}}"
			.getBytes(java.nio.charset.StandardCharsets.UTF_8);

		WebhookClient.Answer answer = new WebhookClient(this.port).post(body,
				Map.of("X-AQID-Signature", WebhookClient.sign(WebhookClient.SECRET, body), "X-AQID-Delivery-Id",
						"trace-1", "traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01"));

		assertThat(answer.status()).isEqualTo(202);
		assertThat(this.jdbc.queryForObject("select trace_parent from events where id = ?", String.class,
				Long.valueOf(answer.eventId())))
			.startsWith("00-" + TRACE_ID + "-");
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			List<LoggedRequest> calls = stub.findAll(getRequestedFor(urlPathEqualTo("/api/v2/clients/4242")));
			assertThat(calls).singleElement()
				.satisfies((call) -> assertThat(call.getHeader("traceparent")).startsWith("00-" + TRACE_ID + "-"));
		});
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(stub.findAll(postRequestedFor(urlPathEqualTo("/v1/traces")))).isNotEmpty());
	}

}
