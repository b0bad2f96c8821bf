package dev.aqid.receiver.system;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Tracing is off unless an OTLP endpoint is set ({@link TracingEnvironment}): then
 * Micrometer Tracing's and OpenTelemetry's auto-configurations are left out entirely. No
 * tracer, no span, no propagation and nothing written down, rather than a tracer whose
 * spans go nowhere ({@code management.tracing.export.enabled=false} alone still creates
 * one, and with it a trace id for every request).
 */
class TracingSwitch implements AutoConfigurationImportFilter, EnvironmentAware {

	private static final String[] TRACING = { "org.springframework.boot.micrometer.tracing.",
			"org.springframework.boot.opentelemetry." };

	private @Nullable Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public boolean[] match(@Nullable String[] autoConfigurationClasses,
			AutoConfigurationMetadata autoConfigurationMetadata) {
		boolean on = this.environment != null && TracingEnvironment.tracingOn(this.environment);
		boolean[] matches = new boolean[autoConfigurationClasses.length];
		for (int i = 0; i < autoConfigurationClasses.length; i++) {
			matches[i] = on || !isTracing(autoConfigurationClasses[i]);
		}
		return matches;
	}

	private static boolean isTracing(@Nullable String autoConfiguration) {
		if (autoConfiguration == null) {
			return false;
		}
		for (String prefix : TRACING) {
			if (autoConfiguration.startsWith(prefix)) {
				return true;
			}
		}
		return false;
	}

}
