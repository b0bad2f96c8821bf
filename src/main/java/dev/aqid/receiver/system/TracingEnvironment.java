package dev.aqid.receiver.system;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Where traces go, read from the names operators use: Spring Boot's own
 * {@code management.opentelemetry.tracing.export.otlp.endpoint}, else OpenTelemetry's
 * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} (the full URL), else Boot 3's
 * {@code management.otlp.tracing.endpoint}, else OpenTelemetry's
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} (a base URL: {@code /v1/traces} is appended, as its
 * specification says for OTLP/HTTP). Whichever is set becomes Boot's property; without
 * any, tracing stays off altogether ({@link TracingSwitch}).
 */
class TracingEnvironment implements EnvironmentPostProcessor {

	static final String ENDPOINT = "management.opentelemetry.tracing.export.otlp.endpoint";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (StringUtils.hasText(environment.getProperty(ENDPOINT))) {
			return;
		}
		String endpoint = aliased(environment);
		if (endpoint != null) {
			environment.getPropertySources()
				.addLast(new MapPropertySource("otlpTracingEndpoint", Map.of(ENDPOINT, endpoint)));
		}
	}

	private static @Nullable String aliased(Environment environment) {
		String traces = environment.getProperty("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
		if (StringUtils.hasText(traces)) {
			return traces.trim();
		}
		String boot3 = environment.getProperty("management.otlp.tracing.endpoint");
		if (StringUtils.hasText(boot3)) {
			return boot3.trim();
		}
		String base = environment.getProperty("OTEL_EXPORTER_OTLP_ENDPOINT");
		if (StringUtils.hasText(base)) {
			String trimmed = base.trim();
			return (trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed) + "/v1/traces";
		}
		return null;
	}

	/** Whether an OTLP endpoint for traces is set: tracing is on. */
	static boolean tracingOn(Environment environment) {
		return StringUtils.hasText(environment.getProperty(ENDPOINT)) || aliased(environment) != null;
	}

}
