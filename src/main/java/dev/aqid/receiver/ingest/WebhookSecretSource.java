package dev.aqid.receiver.ingest;

import java.util.Collection;

/**
 * Supplies shared secrets that a delivery's signature may be made with. Asked on every
 * delivery, so a source may change its answer at any time (the registrar learns secrets
 * from the Amiqus API while the service runs).
 */
public interface WebhookSecretSource {

	Collection<String> secrets();

}
