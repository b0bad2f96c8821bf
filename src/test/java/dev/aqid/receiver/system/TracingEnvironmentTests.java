package dev.aqid.receiver.system;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where traces go, from the names operators use; without any of them tracing is off and
 * its auto-configuration is left out.
 */
class TracingEnvironmentTests {

	@Test
	void readsTheEndpointFromOpenTelemetrysVariables() {
		assertThat(endpointFrom(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/")))
			.isEqualTo("http://collector:4318/v1/traces");
		assertThat(endpointFrom(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318",
				"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://traces:4318/custom")))
			.isEqualTo("http://traces:4318/custom");
		assertThat(endpointFrom(Map.of("management.otlp.tracing.endpoint", "http://boot3:4318/v1/traces")))
			.isEqualTo("http://boot3:4318/v1/traces");
		assertThat(endpointFrom(Map.of(TracingEnvironment.ENDPOINT, "http://boot:4318/v1/traces",
				"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")))
			.isEqualTo("http://boot:4318/v1/traces");
		assertThat(endpointFrom(Map.of())).isNull();
	}

	@Test
	void leavesTracingAutoConfigurationOutWithoutAnEndpoint() {
		String[] candidates = {
				"org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
				"org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration",
				"org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration",
				"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration", null };
		TracingSwitch off = new TracingSwitch();
		off.setEnvironment(new MockEnvironment());
		assertThat(off.match(candidates, null)).containsExactly(false, false, false, true, true);
		TracingSwitch on = new TracingSwitch();
		on.setEnvironment(new MockEnvironment().withProperty("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"));
		assertThat(on.match(candidates, null)).containsExactly(true, true, true, true, true);
	}

	private static String endpointFrom(Map<String, Object> properties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().remove("systemEnvironment");
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		new TracingEnvironment().postProcessEnvironment(environment, new SpringApplication());
		assertThat(TracingEnvironment.tracingOn(environment)).isEqualTo(!properties.isEmpty());
		return environment.getProperty(TracingEnvironment.ENDPOINT);
	}

}
