package dev.aqid.receiver.system;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Tracing is off by default and on once an OTLP endpoint is set
 * ({@code MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT}): one setting, not two.
 * An explicit {@code management.tracing.export.enabled} still wins, since this source
 * comes last.
 */
class TracingEnvironment implements EnvironmentPostProcessor {

	static final String ENDPOINT = "management.opentelemetry.tracing.export.otlp.endpoint";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		boolean endpointSet = StringUtils.hasText(environment.getProperty(ENDPOINT));
		environment.getPropertySources()
			.addLast(new MapPropertySource("tracingDefault", Map.of("management.tracing.export.enabled", endpointSet)));
	}

}
