package dev.aqid.receiver.ingest;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.modulith.test.ApplicationModuleTest;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ingest module on its own (with the system module, which provides the embedded
 * PostgreSQL): it stores deliveries and shows them through its public API without any
 * other module present.
 */
@ApplicationModuleTest(extraIncludes = "system")
@TestPropertySource(properties = { "receiver.data-dir=target/test-db/ingest-module-${random.uuid}",
		"amiqus.webhook.secrets=ingest-module-test-secret" })
class IngestModuleTests {

	@Autowired
	DeliveryIngestion ingestion;

	@Autowired
	EventStream events;

	@Test
	void storesADeliveryOnceAndShowsItPendingEnrichment() {
		String body = "{\"webhook\":{\"uuid\":\"" + UUID.randomUUID()
				+ "\"},\"trigger\":{\"alias\":\"record.finished\",\"triggered_at\":\"2024-05-07T12:30:45Z\"},"
				+ "\"data\":{\"record\":{\"id\":4711}}}";
		IncomingDelivery delivery = new IncomingDelivery(body.getBytes(StandardCharsets.UTF_8), "module-test-1", 1,
				"application/json", IncomingDelivery.Source.WEBHOOK);

		StoredEvent first = this.ingestion.ingest(delivery);
		StoredEvent again = this.ingestion.ingest(delivery);

		assertThat(first.duplicate()).isFalse();
		assertThat(again.duplicate()).isTrue();
		assertThat(again.eventId()).isEqualTo(first.eventId());
		EventView stored = this.events.find(first.eventId()).orElseThrow();
		assertThat(stored.alias()).isEqualTo("record.finished");
		assertThat(stored.enrichment().status()).isEqualTo(EnrichmentStatus.pending);
		assertThat(this.ingestion.holdsPayload(body, stored.receivedAt().minusSeconds(1))).isTrue();
	}

}
