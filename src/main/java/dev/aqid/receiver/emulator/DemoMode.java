package dev.aqid.receiver.emulator;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.aqid.receiver.registrar.SubscriptionSynced;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * While demo mode is on, the emulator is served by this service's own server (see
 * {@link EmulatorConfiguration}); once the registrar has subscribed us there and learned
 * the secret, this sends the demo scenario through real HTTP to this service's own
 * webhook endpoint: a client is created, a record is created for it, the record finishes.
 */
@Component
@ConditionalOnBooleanProperty("amiqus.demo.active")
class DemoMode {

	private static final Logger log = LoggerFactory.getLogger(DemoMode.class);

	private final AmiqusEmulator emulator;

	private final int serverPort;

	private final String apiKey;

	private final AtomicBoolean scenarioSent = new AtomicBoolean();

	DemoMode(AmiqusEmulator emulator, Environment environment) {
		this.emulator = emulator;
		this.serverPort = environment.getProperty("server.port", Integer.class, 8080);
		String keys = environment.getProperty("receiver.api.keys", "");
		String first = keys.contains(",") ? keys.substring(0, keys.indexOf(',')).trim() : keys.trim();
		// Only the built-in demo key is printed: a key the operator set stays out of the
		// log.
		this.apiKey = DemoModeEnvironment.API_KEY.equals(first) ? first : "<one of RECEIVER_API_KEYS>";
		log.warn("""
				Operator console: http://localhost:{}/console (sign in with the key: {})
				==================================================================================
				  DEMO MODE: no AMIQUS_API_TOKEN is set.
				  The Amiqus API is a built-in emulator at {}; nothing leaves this machine.
				  Set AMIQUS_API_TOKEN (and AMIQUS_REGISTRAR_URL) to talk to the real Amiqus.
				==================================================================================""", this.serverPort,
				this.apiKey, environment.getProperty("amiqus.api.url"));
	}

	AmiqusEmulator emulator() {
		return this.emulator;
	}

	/**
	 * The registrar subscribed us at the emulator and we accept the webhook's secret:
	 * send the scenario, once, off the registrar's thread.
	 */
	@EventListener
	void sendScenarioOnceSubscribed(SubscriptionSynced synced) {
		if (this.scenarioSent.compareAndSet(false, true)) {
			Thread sender = new Thread(this::sendScenario, "demo-scenario");
			sender.setDaemon(true);
			sender.start();
		}
	}

	private void sendScenario() {
		List<DeliveryResult> results = this.emulator.demoScenario();
		long accepted = results.stream().filter(DeliveryResult::isSuccess).count();
		String base = "http://localhost:" + this.serverPort;
		log.warn("""

				==================================================================================
				  DEMO MODE: the emulator sent {} signed deliveries (client.created, record.created,
				  record.finished); this service accepted {}. Enrichment follows within seconds.
				  Look at the results in the operator console: {}/console (key: {}), or
				    curl -H 'Authorization: Bearer {}' {}/api/events
				    curl -H 'Authorization: Bearer {}' {}/api/subscription
				    curl {}/actuator/health
				==================================================================================""", results.size(),
				accepted, base, this.apiKey, this.apiKey, base, this.apiKey, base, base);
	}

}
