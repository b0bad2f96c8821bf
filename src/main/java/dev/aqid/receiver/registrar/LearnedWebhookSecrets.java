package dev.aqid.receiver.registrar;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.aqid.receiver.ingest.WebhookSecretSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The secrets the registrar learned from the Amiqus API, offered to signature
 * verification. Held in memory (verification runs on every delivery) and reloaded from
 * the database by every replica, so a secret the leader learns is accepted everywhere
 * within {@code amiqus.registrar.secret-refresh}, without a restart.
 */
@Component
class LearnedWebhookSecrets implements WebhookSecretSource {

	private static final Logger log = LoggerFactory.getLogger(LearnedWebhookSecrets.class);

	private final SubscriptionStore store;

	private final AtomicReference<List<String>> secrets = new AtomicReference<>(List.of());

	LearnedWebhookSecrets(SubscriptionStore store) {
		this.store = store;
	}

	@Override
	public Collection<String> secrets() {
		return this.secrets.get();
	}

	void refresh() {
		List<String> loaded = this.store.acceptedSecrets();
		List<String> previous = this.secrets.getAndSet(loaded);
		if (!previous.equals(loaded)) {
			log.info("Accepting {} learned webhook secret(s) from the registrar", loaded.size());
		}
	}

}
