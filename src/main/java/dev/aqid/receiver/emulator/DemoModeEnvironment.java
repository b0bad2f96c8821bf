package dev.aqid.receiver.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Demo mode (the contract: no {@code AMIQUS_API_TOKEN}): serves the built-in emulator
 * from this service's own server under {@code /emulator/api/v2} and points the Amiqus
 * client there, subscribes the registrar to this service's own endpoint, and opens the
 * query API with the key {@code demo} unless keys are configured, and forwards settled
 * events to the demo's own destination ({@link DemoDestinationController}) unless
 * destinations are configured. With a token set nothing changes.
 * {@code amiqus.demo.enabled=false} turns demo mode off (the tests do).
 * <p>
 * Demo mode runs only on the embedded database with no configured webhook secret: a
 * deployment that names its own PostgreSQL or its own secrets is a real one whose token
 * went missing, and must never get fake events or the well-known key. There a missing
 * token means receiving only, said once and loudly by {@link ReceivingOnlyNotice}.
 */
class DemoModeEnvironment implements EnvironmentPostProcessor {

	static final String TOKEN = "demo-token";

	static final String API_KEY = "demo";

	/** Set when there is no token and demo mode does not run: why not. */
	static final String DECLINED = "amiqus.demo.declined-because";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (StringUtils.hasText(environment.getProperty("amiqus.api.token"))
				|| StringUtils.hasText(environment.getProperty("amiqus.oauth.client-id"))
				|| StringUtils.hasText(environment.getProperty("amiqus.oauth.client-secret"))
				|| StringUtils.hasText(environment.getProperty("amiqus.oauth.refresh-token"))) {
			// Credentials of the operator's own (an OAuth client counts as a token).
			return;
		}
		String declined = declinedBecause(environment);
		if (declined != null) {
			environment.getPropertySources()
				.addFirst(new MapPropertySource("demoModeDeclined", Map.of(DECLINED, declined)));
			return;
		}
		Map<String, Object> demo = new HashMap<>();
		demo.put("amiqus.demo.active", true);
		demo.put(EmulatorConfiguration.ENABLED, true);
		int serverPort = environment.getProperty("server.port", Integer.class, 8080);
		if (serverPort == 0) {
			serverPort = freePort();
			demo.put("server.port", serverPort);
		}
		// The emulator is served by this service's own server, beside /webhooks/amiqus.
		demo.put("amiqus.api.url", "http://127.0.0.1:" + serverPort + AmiqusAnswers.BASE_PATH);
		demo.put("amiqus.api.token", TOKEN);
		if (!StringUtils.hasText(environment.getProperty("amiqus.registrar.url"))) {
			demo.put("amiqus.registrar.url", "http://127.0.0.1:" + serverPort + "/webhooks/amiqus");
		}
		if (!StringUtils.hasText(environment.getProperty("receiver.destinations[0].url"))) {
			// Forwarding to the demo's own internal system, so a newcomer sees a push.
			demo.put("receiver.destinations[0].url", "http://127.0.0.1:" + serverPort + DemoDestinationController.PATH);
			demo.put("receiver.destinations[0].name", "demo");
			demo.put("receiver.destinations[0].secret", DemoDestinationController.SECRET);
		}
		if (!StringUtils.hasText(environment.getProperty("receiver.api.keys"))) {
			demo.put("receiver.api.keys", API_KEY);
		}
		environment.getPropertySources().addFirst(new MapPropertySource("demoMode", demo));
	}

	private static String declinedBecause(ConfigurableEnvironment environment) {
		if (!environment.getProperty("amiqus.demo.enabled", Boolean.class, true)) {
			return "AMIQUS_DEMO_ENABLED is false";
		}
		if (StringUtils.hasText(environment.getProperty("spring.datasource.url"))) {
			return "SPRING_DATASOURCE_URL names a database of your own";
		}
		if (StringUtils.hasText(environment.getProperty("amiqus.webhook.secrets"))) {
			return "AMIQUS_WEBHOOK_SECRETS is set";
		}
		return null;
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No free port for the demo", ex);
		}
	}

}
