package dev.aqid.receiver.system;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import dev.aqid.receiver.support.ReceiverServerTest;
import dev.aqid.receiver.support.WebhookClient;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tracing is off by default: with no OTLP endpoint there is no tracer at all (not a
 * tracer exporting nowhere), and nothing about a trace is written down, even when the
 * sender sends a {@code traceparent}.
 */
@ReceiverServerTest
class TracingOffTests {

	@Autowired
	ApplicationContext context;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	EventTracing tracing;

	@LocalServerPort
	int port;

	@Test
	void withoutAnEndpointThereIsNoTracerAndNoTraceParentIsStored() {
		assertThat(this.context.getBeanNamesForType(Tracer.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(OpenTelemetry.class)).isEmpty();
		assertThat(this.tracing.enabled()).isFalse();

		byte[] body = WebhookClient.recordEvent("record.updated", 9101, 9102).getBytes(StandardCharsets.UTF_8);
		WebhookClient.Answer answer = new WebhookClient(this.port).post(body,
				Map.of("X-AQID-Signature", WebhookClient.sign(WebhookClient.SECRET, body), "X-AQID-Delivery-Id",
						UUID.randomUUID().toString(), "traceparent",
						"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));

		assertThat(answer.status()).isEqualTo(202);
		assertThat(this.jdbc.queryForObject("select trace_parent from events where id = ?", String.class,
				Long.valueOf(answer.eventId())))
			.isNull();
	}

}
