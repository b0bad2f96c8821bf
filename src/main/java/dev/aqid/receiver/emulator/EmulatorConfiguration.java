package dev.aqid.receiver.emulator;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The emulated Amiqus API as Spring MVC, registered only when
 * {@code amiqus.emulator.enabled} is true: demo mode sets it
 * ({@link DemoModeEnvironment}), and {@link StandaloneEmulator} runs it on a port of its
 * own for tests and the benchmark. State, sending and the demo scenario are beans of
 * their own; the controllers, the filter and the error mapping serve them under
 * {@link AmiqusAnswers#BASE_PATH}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(EmulatorConfiguration.ENABLED)
@Import({ EmulatorEntitiesController.class, EmulatorWebhooksController.class, EmulatorOAuthController.class,
		EmulatorErrors.class })
class EmulatorConfiguration {

	static final String ENABLED = "amiqus.emulator.enabled";

	@Bean
	EmulatorState emulatorState(ObjectProvider<Clock> clock) {
		return new EmulatorState(clock.getIfAvailable(Clock::systemUTC));
	}

	@Bean
	WebhookSender emulatorWebhookSender(EmulatorState state) {
		return new WebhookSender(state);
	}

	@Bean
	AmiqusEmulator amiqusEmulator(EmulatorState state, WebhookSender sender) {
		return new AmiqusEmulator(state, sender, new DemoScenario(state, sender));
	}

	@Bean
	FilterRegistrationBean<EmulatorApiFilter> emulatorApiFilter(EmulatorState state) {
		FilterRegistrationBean<EmulatorApiFilter> registration = new FilterRegistrationBean<>(
				new EmulatorApiFilter(state));
		registration.addUrlPatterns(AmiqusAnswers.BASE_PATH + "/*");
		return registration;
	}

	/**
	 * The base URL is known once the server (the service's own in demo mode) listens; a
	 * management server on a port of its own does not serve the emulator.
	 */
	@Bean
	ApplicationListener<WebServerInitializedEvent> emulatorBaseUrl(AmiqusEmulator emulator) {
		return (event) -> {
			if (event.getApplicationContext().getServerNamespace() == null) {
				emulator.servedAt("http://127.0.0.1:" + event.getWebServer().getPort() + AmiqusAnswers.BASE_PATH);
			}
		};
	}

}
