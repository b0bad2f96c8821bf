package dev.aqid.receiver.amiqus;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import org.springframework.web.client.RestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.noContent;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

class AmiqusClientTests {

	private static final String TOKEN = "test-token-5f2a";

	private static final String WEBHOOK_JSON = """
			{"object":"webhook","id":2154,"uuid":"e4085749-1c11-4ac8-9361-df7f33c37ecb",
			 "url":"https://receiver.example.com/webhooks/amiqus",
			 "secret":"58585568aa4dc44c733bc244495fc1f2de3c2d2f56287c265274ab806f74bb34",
			 "events":["record.*","client.created"],"is_enabled":true,
			 "created_at":"2022-08-24T11:26:22Z","updated_at":"2022-08-25T09:00:00Z"}""";

	@RegisterExtension
	static WireMockExtension amiqus = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final AmiqusClient client = client(TOKEN, this.registry);

	@Test
	void readsRecordWithItsClientExpanded() {
		amiqus.stubFor(get(urlPathEqualTo("/api/v2/records/4567")).withQueryParam("expand", equalTo("client"))
			.willReturn(okJson("{\"object\":\"record\",\"id\":4567,\"client\":{\"id\":123}}")));

		JsonNode record = this.client.record(4567);

		assertThat(record.path("id").asLong()).isEqualTo(4567);
		assertThat(record.path("client").path("id").asLong()).isEqualTo(123);
		amiqus.verify(getRequestedFor(urlPathEqualTo("/api/v2/records/4567"))
			.withHeader("Authorization", equalTo("Bearer " + TOKEN))
			.withHeader("Accept", equalTo("application/json")));
	}

	@Test
	void readsEachEntityFromItsOwnPath() {
		amiqus.stubFor(get(urlPathEqualTo("/api/v2/clients/123")).willReturn(okJson("{\"object\":\"client\"}")));
		amiqus.stubFor(get(urlPathEqualTo("/api/v2/clients/123/forms/2f0e8c9a-0000-4000-8000-00000000abcd"))
			.willReturn(okJson("{\"object\":\"form\"}")));
		amiqus.stubFor(
				get(urlPathEqualTo("/api/v2/organisations/12")).willReturn(okJson("{\"object\":\"organisation\"}")));
		amiqus.stubFor(get(urlPathEqualTo("/api/v2/cases/89")).willReturn(okJson("{\"object\":\"case\"}")));

		assertThat(this.client.client(123).path("object").asString()).isEqualTo("client");
		assertThat(this.client.clientForm(123, "2f0e8c9a-0000-4000-8000-00000000abcd").path("object").asString())
			.isEqualTo("form");
		assertThat(this.client.organisation(12).path("object").asString()).isEqualTo("organisation");
		assertThat(this.client.amiqusCase(89).path("object").asString()).isEqualTo("case");
		for (String path : List.of("/api/v2/clients/123",
				"/api/v2/clients/123/forms/2f0e8c9a-0000-4000-8000-00000000abcd", "/api/v2/organisations/12",
				"/api/v2/cases/89")) {
			amiqus
				.verify(getRequestedFor(urlPathEqualTo(path)).withHeader("Authorization", equalTo("Bearer " + TOKEN)));
		}
		amiqus.verify(
				getRequestedFor(urlPathEqualTo("/api/v2/cases/89")).withQueryParam("expand", equalTo("client,items")));
	}

	@Test
	void encodesTheFormReferenceAsOnePathSegment() {
		amiqus.stubFor(get(urlPathEqualTo("/api/v2/clients/5/forms/a%2Fb%3Fc")).willReturn(okJson("{}")));

		assertThat(this.client.clientForm(5, "a/b?c")).isNotNull();
	}

	@Test
	void answersNullForStatusWithoutContent() {
		amiqus.stubFor(get(urlPathEqualTo("/api/v2/status")).willReturn(noContent()));

		assertThat(this.client.status()).isNull();
		amiqus.verify(getRequestedFor(urlPathEqualTo("/api/v2/status")).withHeader("Authorization",
				equalTo("Bearer " + TOKEN)));
	}

	@Test
	void sendsNoAuthorizationWithoutToken() {
		amiqus.stubFor(get(urlPathEqualTo("/api/v2/status")).willReturn(noContent()));

		client(" ", new SimpleMeterRegistry()).status();

		amiqus.verify(getRequestedFor(urlPathEqualTo("/api/v2/status")).withHeader("Authorization", absent()));
	}

	@Test
	void walksEveryPageOfRecordSteps() {
		amiqus.stubFor(get(urlPathEqualTo("/api/v2/records/9/steps")).withQueryParam("page", equalTo("1"))
			.willReturn(okJson("""
					{"object":"paginated_list","data":[{"id":1,"type":"check"},{"id":2,"type":"form"}],
					 "total":3,"count":2,"limit":100,"current_page":1,"total_pages":2,
					 "links":{"next":"https://id.amiqus.co/api/v2/records/9/steps?page=2","previous":null}}""")));
		amiqus.stubFor(get(urlPathEqualTo("/api/v2/records/9/steps")).withQueryParam("page", equalTo("2"))
			.willReturn(okJson("""
					{"object":"paginated_list","data":[{"id":3,"type":"document"}],
					 "total":3,"count":1,"limit":100,"current_page":2,"total_pages":2,"links":null}""")));

		JsonNode steps = this.client.recordSteps(9);

		assertThat(steps.isArray()).isTrue();
		assertThat(steps.findValuesAsString("type")).containsExactly("check", "form", "document");
		amiqus.verify(2,
				getRequestedFor(urlPathEqualTo("/api/v2/records/9/steps"))
					.withQueryParam("expand", equalTo("check,form,document,review"))
					.withQueryParam("limit", equalTo("100")));
	}

	@Test
	void walksEveryPageOfWebhooks() {
		for (int page = 1; page <= 3; page++) {
			amiqus.stubFor(get(urlPathEqualTo("/api/v2/webhooks")).withQueryParam("page", equalTo("" + page))
				.willReturn(okJson("""
						{"object":"paginated_list","data":[{"object":"webhook","id":%d,"uuid":"u-%d",
						 "secret":"s-%d","events":["*"],"is_enabled":true}],
						 "total":3,"count":1,"limit":1,"current_page":%d,"total_pages":3,"links":null}"""
					.formatted(page, page, page, page))));
		}

		List<Webhook> webhooks = this.client.allWebhooks();

		assertThat(webhooks).extracting(Webhook::id).containsExactly(1L, 2L, 3L);
		assertThat(webhooks).extracting(Webhook::secret).containsExactly("s-1", "s-2", "s-3");
		amiqus.verify(3, getRequestedFor(urlPathEqualTo("/api/v2/webhooks")).withQueryParam("limit", equalTo("100")));
	}

	@Test
	void readsOneWebhooksPageWithItsNumbers() {
		amiqus.stubFor(get(urlPathEqualTo("/api/v2/webhooks")).withQueryParam("page", equalTo("2"))
			.withQueryParam("limit", equalTo("10"))
			.willReturn(okJson("""
					{"object":"paginated_list","data":[%s],"total":11,"count":1,"limit":10,
					 "current_page":2,"total_pages":2,"links":null}""".formatted(WEBHOOK_JSON))));

		Page<Webhook> page = this.client.webhooks(2, 10);

		assertThat(page.data()).singleElement()
			.extracting(Webhook::uuid)
			.isEqualTo("e4085749-1c11-4ac8-9361-df7f33c37ecb");
		assertThat(page.total()).isEqualTo(11);
		assertThat(page.currentPage()).isEqualTo(2);
		assertThat(page.hasNext()).isFalse();
	}

	@Test
	void createsWebhookAndLearnsItsSecret() {
		amiqus.stubFor(post(urlPathEqualTo("/api/v2/webhooks")).willReturn(
				aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody(WEBHOOK_JSON)));

		Webhook webhook = this.client.createWebhook(new WebhookRequest("https://receiver.example.com/webhooks/amiqus",
				List.of("record.*", "client.created"), true));

		assertThat(webhook.id()).isEqualTo(2154);
		assertThat(webhook.uuid()).isEqualTo("e4085749-1c11-4ac8-9361-df7f33c37ecb");
		assertThat(webhook.url()).isEqualTo("https://receiver.example.com/webhooks/amiqus");
		assertThat(webhook.secret()).isEqualTo("58585568aa4dc44c733bc244495fc1f2de3c2d2f56287c265274ab806f74bb34");
		assertThat(webhook.events()).containsExactly("record.*", "client.created");
		assertThat(webhook.enabled()).isTrue();
		assertThat(webhook.createdAt()).isEqualTo(Instant.parse("2022-08-24T11:26:22Z"));
		assertThat(webhook.updatedAt()).isEqualTo(Instant.parse("2022-08-25T09:00:00Z"));
		amiqus.verify(postRequestedFor(urlPathEqualTo("/api/v2/webhooks"))
			.withHeader("Authorization", equalTo("Bearer " + TOKEN))
			.withHeader("Content-Type", equalTo("application/json"))
			.withRequestBody(equalToJson("""
					{"url":"https://receiver.example.com/webhooks/amiqus","events":["record.*","client.created"],
					 "is_enabled":true}""")));
	}

	@Test
	void patchesOnlyTheFieldsThatChange() {
		amiqus.stubFor(patch(urlPathEqualTo("/api/v2/webhooks/2154")).willReturn(okJson(WEBHOOK_JSON)));

		Webhook webhook = this.client.updateWebhook(2154, WebhookRequest.ofEnabled(true));

		assertThat(webhook.enabled()).isTrue();
		amiqus.verify(patchRequestedFor(urlPathEqualTo("/api/v2/webhooks/2154"))
			.withRequestBody(equalToJson("{\"is_enabled\":true}")));
	}

	@Test
	void readsAndDeletesOneWebhook() {
		amiqus.stubFor(get(urlPathEqualTo("/api/v2/webhooks/2154")).willReturn(okJson(WEBHOOK_JSON)));
		amiqus.stubFor(delete(urlPathEqualTo("/api/v2/webhooks/2154")).willReturn(noContent()));

		assertThat(this.client.webhook(2154).secret()).startsWith("5858");
		this.client.deleteWebhook(2154);

		amiqus.verify(deleteRequestedFor(urlPathEqualTo("/api/v2/webhooks/2154")).withHeader("Authorization",
				equalTo("Bearer " + TOKEN)));
	}

	@Test
	void readsDeliveryLogWithRequestHeadersAndBody() {
		amiqus.stubFor(get(urlPathEqualTo("/api/v2/webhooks/2154/deliveries")).withQueryParam("page", equalTo("1"))
			.withQueryParam("limit", equalTo("50"))
			.willReturn(
					okJson("""
							{"object":"paginated_list","data":[
							 {"object":"webhook_delivery","uuid":"0b7f3c1e-1111-4222-8333-944445555666","event":"record.finished",
							  "attempts":2,"last_sent_at":"2024-05-07T12:31:45Z","something_new":{"x":1},
							  "request":{"url":"https://receiver.example.com/webhooks/amiqus",
							   "headers":{"content-type":["application/json"],"x-aqid-delivery-id":["d-42"],
							    "X-AQID-Signature":"c2lnbmF0dXJl"},
							   "body":{"trigger":{"alias":"record.finished"},"data":{"record":{"id":4567,"type":"client"}}}},
							  "response":{"status":202,"headers":{},"body":"{\\"event_id\\":7}"}},
							 {"uuid":"ping-1","event":"ping"}],
							 "total":2,"count":2,"limit":50,"current_page":1,"total_pages":1,"links":null}""")));

		Page<WebhookDelivery> page = this.client.webhookDeliveries(2154, 1, 50);

		assertThat(page.data()).hasSize(2);
		WebhookDelivery delivery = page.data().get(0);
		assertThat(delivery.uuid()).isEqualTo("0b7f3c1e-1111-4222-8333-944445555666");
		assertThat(delivery.event()).isEqualTo("record.finished");
		assertThat(delivery.attempts()).isEqualTo(2);
		assertThat(delivery.lastSentAt()).isEqualTo(Instant.parse("2024-05-07T12:31:45Z"));
		assertThat(delivery.requestHeader("X-AQID-Delivery-Id")).isEqualTo("d-42");
		assertThat(delivery.deliveryId()).isEqualTo("d-42");
		assertThat(delivery.signature()).isEqualTo("c2lnbmF0dXJl");
		assertThat(delivery.requestHeader("Content-Type")).isEqualTo("application/json");
		assertThat(delivery.requestBody().path("data").path("record").path("id").asLong()).isEqualTo(4567);
		assertThat(delivery.responseStatus()).isEqualTo(202);
		WebhookDelivery ping = page.data().get(1);
		assertThat(ping.event()).isEqualTo("ping");
		assertThat(ping.attempts()).isZero();
		assertThat(ping.request()).isNull();
		assertThat(ping.deliveryId()).isNull();
		assertThat(ping.requestBody()).isNull();
	}

	@Test
	void keepsTheLatestRateLimitHeadersAndCountsCalls() {
		assertThat(this.client.rateLimit()).isEqualTo(RateLimitStatus.UNKNOWN);
		assertThat(this.registry.get("amiqus.api.rate.limit.remaining").gauge().value()).isNaN();
		amiqus.stubFor(get(urlPathEqualTo("/api/v2/clients/1"))
			.willReturn(okJson("{}").withHeader("X-RateLimit-Limit", "200").withHeader("X-RateLimit-Remaining", "17")));

		this.client.client(1);

		assertThat(this.client.rateLimit()).isEqualTo(new RateLimitStatus(200, 17, null));
		assertThat(this.registry.get("amiqus.api.rate.limit.remaining").gauge().value()).isEqualTo(17);
		assertThat(
				this.registry.get("amiqus.api.calls").tag("operation", "client").tag("status", "200").counter().count())
			.isEqualTo(1);
		assertThat(this.registry.get("amiqus.api.call.duration").tag("operation", "client").timer().count())
			.isEqualTo(1);
	}

	private static AmiqusClient client(String token, SimpleMeterRegistry registry) {
		AmiqusApiProperties properties = new AmiqusApiProperties(URI.create(amiqus.baseUrl() + "/api/v2"), token,
				Duration.ofSeconds(2), Duration.ofSeconds(5));
		return new AmiqusClient(RestClient.builder(), properties, registry, Clock.systemUTC());
	}

}
