package dev.aqid.receiver.amiqus;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookDeliveryTests {

	@Test
	void findsHeadersListedAsNameValuePairs() {
		WebhookDelivery delivery = delivery(
				"""
						{"uuid":"u","event":"ping","attempts":"1",
						 "request":{"headers":[{"name":"X-Aqid-Delivery-Id","value":"d-7"},{"key":"User-Agent","value":["Amiqus"]}]}}""");

		assertThat(delivery.deliveryId()).isEqualTo("d-7");
		assertThat(delivery.requestHeader("user-agent")).isEqualTo("Amiqus");
		assertThat(delivery.requestHeader("X-Missing")).isNull();
		assertThat(delivery.attempts()).isEqualTo(1);
	}

	@Test
	void parsesABodyLoggedAsJsonText() {
		WebhookDelivery delivery = delivery("""
				{"request":{"body":"{\\"event\\":\\"ping\\",\\"data\\":[\\"ping\\"]}"}}""");

		assertThat(delivery.requestBody().path("event").asString()).isEqualTo("ping");
	}

	@Test
	void keepsABodyThatIsNotJsonAsText() {
		WebhookDelivery delivery = delivery("{\"request\":{\"body\":\"not json\"}}");

		assertThat(delivery.requestBody().asString()).isEqualTo("not json");
	}

	@Test
	void leavesBodiesOutOfToString() {
		WebhookDelivery delivery = delivery("""
				{"uuid":"u-1","event":"record.updated","request":{"headers":{"X-AQID-Signature":"sig=="},
				 "body":{"data":{"record":{"id":1}}}},"response":{"status":500,"body":"stack trace"}}""");

		assertThat(delivery.toString()).contains("u-1", "record.updated").doesNotContain("sig==", "stack trace");
		assertThat(delivery.responseStatus()).isEqualTo(500);
	}

	private static WebhookDelivery delivery(String json) {
		return WebhookDelivery.from(AmiqusJson.parse(json.getBytes(StandardCharsets.UTF_8)));
	}

}
