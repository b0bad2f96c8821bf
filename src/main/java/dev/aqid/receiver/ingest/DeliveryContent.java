package dev.aqid.receiver.ingest;

import java.time.Instant;

/**
 * What storage keeps from a delivery's body besides its raw bytes: the JSON text when it
 * parses, and the fields the rest of the service filters and enriches by. Every field but
 * {@code json} may be null.
 *
 * @param json the body as text when it is a JSON document, else null
 * @param alias {@code trigger.alias}, else {@code event} (the {@code ping} shape)
 * @param triggeredAt {@code trigger.triggered_at}, else {@code sent_at}
 * @param webhookUuid {@code webhook.uuid}: the subscription that sent it
 * @param recordId {@code data.record.id}
 * @param recordType {@code data.record.type}: {@code client} or {@code organisation}
 * @param clientId {@code data.client.id}
 * @param formReference {@code data.form.reference}
 * @param caseId {@code data.case.id}
 * @param organisationId {@code data.organisation.id}
 */
record DeliveryContent(String json, String alias, Instant triggeredAt, String webhookUuid, Long recordId,
		String recordType, Long clientId, String formReference, Long caseId, Long organisationId) {

	static final DeliveryContent OPAQUE = new DeliveryContent(null, null, null, null, null, null, null, null, null,
			null);

}
