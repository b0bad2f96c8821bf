package dev.aqid.receiver.ingest;

import java.util.Collection;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The secrets from {@code AMIQUS_WEBHOOK_SECRETS}, blanks dropped.
 */
@Component
class ConfiguredWebhookSecrets implements WebhookSecretSource {

	private static final Logger log = LoggerFactory.getLogger(ConfiguredWebhookSecrets.class);

	private final List<String> secrets;

	ConfiguredWebhookSecrets(IngestProperties properties) {
		this.secrets = properties.secrets().stream().map(String::trim).filter((secret) -> !secret.isEmpty()).toList();
		if (this.secrets.isEmpty()) {
			log.warn("AMIQUS_WEBHOOK_SECRETS is empty: deliveries verify only against secrets the registrar learns");
		}
		else {
			log.info("Accepting webhook signatures made with {} configured secret(s)", this.secrets.size());
		}
	}

	@Override
	public Collection<String> secrets() {
		return this.secrets;
	}

}
