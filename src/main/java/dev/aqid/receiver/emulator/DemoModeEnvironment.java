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
 * Demo mode (the contract: no {@code AMIQUS_API_TOKEN}): points the Amiqus client at the
 * built-in emulator, subscribes the registrar to this service's own endpoint, and opens
 * the query API with the key {@code demo} unless keys are configured. With a token set
 * nothing changes. {@code amiqus.demo.enabled=false} turns demo mode off (the tests do).
 */
class DemoModeEnvironment implements EnvironmentPostProcessor {

	static final String TOKEN = "demo-token";

	static final String API_KEY = "demo";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (StringUtils.hasText(environment.getProperty("amiqus.api.token"))
				|| !environment.getProperty("amiqus.demo.enabled", Boolean.class, true)) {
			return;
		}
		int emulatorPort = portOrFree(environment.getProperty("amiqus.demo.emulator-port", Integer.class, 0));
		Map<String, Object> demo = new HashMap<>();
		demo.put("amiqus.demo.active", true);
		demo.put("amiqus.demo.emulator-port", emulatorPort);
		demo.put("amiqus.api.url", "http://127.0.0.1:" + emulatorPort + "/api/v2");
		demo.put("amiqus.api.token", TOKEN);
		int serverPort = environment.getProperty("server.port", Integer.class, 8080);
		if (serverPort == 0) {
			serverPort = portOrFree(0);
			demo.put("server.port", serverPort);
		}
		if (!StringUtils.hasText(environment.getProperty("amiqus.registrar.url"))) {
			demo.put("amiqus.registrar.url", "http://127.0.0.1:" + serverPort + "/webhooks/amiqus");
		}
		if (!StringUtils.hasText(environment.getProperty("receiver.api.keys"))) {
			demo.put("receiver.api.keys", API_KEY);
		}
		environment.getPropertySources().addFirst(new MapPropertySource("demoMode", demo));
	}

	private static int portOrFree(int port) {
		if (port != 0) {
			return port;
		}
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No free port for the demo's Amiqus emulator", ex);
		}
	}

}
