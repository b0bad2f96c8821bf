package dev.aqid.receiver.query;

import java.util.List;
import java.util.UUID;

import dev.aqid.receiver.support.ApiClient;
import dev.aqid.receiver.support.RunningReceiver;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With no {@code RECEIVER_API_KEYS} the query API refuses everything, whatever is sent,
 * while receiving and health stay up.
 */
class EmptyApiKeysTests {

	@Test
	void refusesEveryQueryWhenNoKeyIsConfigured() {
		try (RunningReceiver receiver = RunningReceiver.start(
				List.of("receiver.data-dir=target/test-db/no-api-keys-" + UUID.randomUUID(), "receiver.api.keys="))) {
			for (String authorization : List.of("Bearer ", "Bearer " + ApiClient.KEY, "Bearer anything")) {
				QueryApiSecurityTests.assertUnauthorized(
						ApiClient.withAuthorization(receiver.port(), authorization).get("/api/events"),
						"No API keys are configured");
			}
			QueryApiSecurityTests.assertUnauthorized(
					ApiClient.withAuthorization(receiver.port(), null).get("/actuator/prometheus"),
					"No API keys are configured");
			assertThat(ApiClient.withAuthorization(receiver.port(), null).get("/actuator/health").status())
				.isEqualTo(200);
			assertThat(receiver.client()
				.deliver("{\"trigger\":{\"alias\":\"ping\"}}", UUID.randomUUID().toString())
				.status()).isEqualTo(202);
		}
	}

}
