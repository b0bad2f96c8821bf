package dev.aqid.receiver.amiqus;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookTests {

	private static final String SECRET = "58585568aa4dc44c733bc244495fc1f2de3c2d2f56287c265274ab806f74bb34";

	@Test
	void hidesTheSecretFromToString() {
		Webhook webhook = Webhook.from(AmiqusJson.parse(("""
				{"object":"webhook","id":2154,"uuid":"e4085749","url":"https://r.example.com/hook","secret":"%s",
				 "events":["*"],"is_enabled":true}""".formatted(SECRET)).getBytes()));

		assertThat(webhook.secret()).isEqualTo(SECRET);
		assertThat(webhook.toString()).doesNotContain(SECRET)
			.contains("2154", "e4085749", "https://r.example.com/hook");
	}

	@Test
	void readsAWebhookWithMissingAndOddFields() {
		Webhook webhook = Webhook.from(AmiqusJson
			.parse("{\"id\":\"17\",\"events\":\"*\",\"is_enabled\":null,\"created_at\":\"yesterday\"}".getBytes()));

		assertThat(webhook.id()).isEqualTo(17);
		assertThat(webhook.events()).isEmpty();
		assertThat(webhook.enabled()).isFalse();
		assertThat(webhook.createdAt()).isNull();
		assertThat(webhook.secret()).isNull();
	}

	@Test
	void writesOnlyTheFieldsOfARequestThatAreSet() {
		JsonNode full = AmiqusJson.MAPPER
			.valueToTree(new WebhookRequest("https://r.example.com/hook", List.of("record.*"), false));
		JsonNode patch = AmiqusJson.MAPPER.valueToTree(WebhookRequest.ofEnabled(true));

		assertThat(full.propertyNames()).containsExactlyInAnyOrder("url", "events", "is_enabled");
		assertThat(full.path("is_enabled").booleanValue()).isFalse();
		assertThat(patch.propertyNames()).containsExactly("is_enabled");
	}

	@Test
	void hidesTheTokenFromThePropertiesToString() {
		AmiqusApiProperties properties = new AmiqusApiProperties(null, "tok-123", null, null);

		assertThat(properties.toString()).doesNotContain("tok-123").contains("id.amiqus.co");
		assertThat(properties.url()).isEqualTo(URI.create("https://id.amiqus.co/api/v2"));
		assertThat(properties.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
		assertThat(properties.readTimeout()).isEqualTo(Duration.ofSeconds(10));
	}

}
