package dev.aqid.receiver.ingest;

import java.util.UUID;

import dev.aqid.receiver.support.ReceiverServerTest;
import io.micrometer.core.instrument.MeterRegistry;
import dev.aqid.receiver.support.WebhookClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

@ReceiverServerTest
class RetentionJobTests {

	@LocalServerPort
	int port;

	@Autowired
	RetentionJob retention;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	MeterRegistry registry;

	@Test
	void deletesEventsPastTheRetentionPeriodAndKeepsTheRest() {
		WebhookClient client = new WebhookClient(this.port);
		long old = Long
			.parseLong(client.deliver(WebhookClient.recordEvent("record.updated", 1, 2), UUID.randomUUID().toString())
				.eventId());
		long older = Long
			.parseLong(client.deliver(WebhookClient.recordEvent("record.updated", 3, 4), UUID.randomUUID().toString())
				.eventId());
		long recent = Long
			.parseLong(client.deliver(WebhookClient.recordEvent("record.updated", 5, 6), UUID.randomUUID().toString())
				.eventId());
		this.jdbc.update("update events set received_at = now() - interval '91 days' where id = ?", old);
		this.jdbc.update("update events set received_at = now() - interval '400 days' where id = ?", older);
		this.jdbc.update("update events set received_at = now() - interval '89 days' where id = ?", recent);

		long deleted = this.retention.deleteExpired();

		assertThat(deleted).isGreaterThanOrEqualTo(2);
		assertThat(
				this.jdbc.queryForList("select id from events where id in (?, ?, ?)", Long.class, old, older, recent))
			.containsExactly(recent);
	}

	@Test
	void thenDeletesTheSnapshotsThatNoRetainedEventRefersTo() {
		WebhookClient client = new WebhookClient(this.port);
		long expiring = Long.parseLong(client
			.deliver(WebhookClient.recordEvent("record.updated", 88_001, 88_002), UUID.randomUUID().toString())
			.eventId());
		long retained = Long.parseLong(client
			.deliver(WebhookClient.recordEvent("record.updated", 88_101, 88_102), UUID.randomUUID().toString())
			.eventId());
		this.jdbc.update("update events set received_at = now() - interval '91 days' where id = ?", expiring);
		snapshot("record", "88001", 88_002L);
		snapshot("record_steps", "88001", 88_002L);
		snapshot("client", "88002", 88_002L);
		snapshot("record", "88101", 88_102L);
		snapshot("client", "88102", 88_102L);
		snapshot("form", "6f1c2a8e-0000-4000-8000-000000088201", 88_202L);
		double before = snapshotsDeleted();

		this.retention.deleteExpired();

		assertThat(this.jdbc.queryForList(
				"select kind || ':' || entity_id from snapshots where entity_id like '881%' or entity_id like '880%'"
						+ " or entity_id like '%088201'",
				String.class))
			.containsExactlyInAnyOrder("record:88101", "client:88102");
		assertThat(this.jdbc.queryForObject("select count(*) from events where id = ?", Integer.class, retained))
			.isOne();
		assertThat(snapshotsDeleted() - before).isGreaterThanOrEqualTo(4);
	}

	private void snapshot(String kind, String id, Long clientId) {
		this.jdbc.update("insert into snapshots (kind, entity_id, client_id, data, fetched_at) "
				+ "values (?, ?, ?, '{\"id\": 1}', now())", kind, id, clientId);
	}

	private double snapshotsDeleted() {
		return this.registry.get("receiver.retention.deleted").tag("kind", "snapshot").counter().count();
	}

}
