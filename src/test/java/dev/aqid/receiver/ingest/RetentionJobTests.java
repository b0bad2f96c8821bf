package dev.aqid.receiver.ingest;

import java.util.UUID;

import dev.aqid.receiver.support.ReceiverServerTest;
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

}
