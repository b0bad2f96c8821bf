package dev.aqid.receiver.query;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.aqid.receiver.support.ApiClient;
import dev.aqid.receiver.support.ApiClient.Response;
import dev.aqid.receiver.support.ReceiverServerTest;
import dev.aqid.receiver.support.WebhookClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may call what: API keys for the query API and the operational endpoints, open
 * health probes and API description, and a webhook endpoint that stays open to Amiqus
 * (signature-checked, no CSRF token, no key).
 */
@ReceiverServerTest
class QueryApiSecurityTests {

	@LocalServerPort
	int port;

	@Test
	void refusesTheQueryApiWithoutAKey() {
		Response response = as(null).get("/api/events");

		assertUnauthorized(response, "API key");
	}

	@Test
	void refusesAKeyThatIsNotConfigured() {
		for (String key : List.of("nope", ApiClient.KEY.substring(0, ApiClient.KEY.length() - 1), ApiClient.KEY + "x",
				ApiClient.KEY + "," + ApiClient.SECOND_KEY, "")) {
			assertUnauthorized(as("Bearer " + key).get("/api/events"), "");
		}
		assertUnauthorized(as("Bearer nope").get("/api/events"), "not valid");
	}

	@Test
	void refusesOtherAuthorizationSchemes() {
		for (String header : List.of("Basic cXVlcnk6a2V5", ApiClient.KEY, "Token " + ApiClient.KEY,
				"Bearer" + ApiClient.KEY)) {
			assertUnauthorized(as(header).get("/api/events"), "Bearer");
		}
	}

	@Test
	void acceptsEveryConfiguredKey() {
		assertThat(as("Bearer " + ApiClient.KEY).get("/api/events").status()).isEqualTo(200);
		assertThat(as("Bearer " + ApiClient.SECOND_KEY).get("/api/events").status()).isEqualTo(200);
		assertThat(as("bearer " + ApiClient.KEY).get("/api/events").status()).as("the scheme is case-insensitive")
			.isEqualTo(200);
	}

	@Test
	void protectsEveryQueryEndpoint() {
		for (String path : List.of("/api/events/1", "/api/records/1", "/api/records/1/steps", "/api/clients/1",
				"/api/organisations/1", "/api/cases/1", "/api/forms/abc", "/api/anything")) {
			assertUnauthorized(as(null).get(path), "API key");
		}
		assertUnauthorized(as(null).post("/api/events/1/replay"), "API key");
	}

	@Test
	void keepsNoSession() {
		Response response = ApiClient.withKey(this.port).get("/api/events");

		assertThat(response.header("Set-Cookie")).isNull();
	}

	@Test
	void needsAKeyForPrometheusAndTheOtherActuatorEndpoints() {
		assertUnauthorized(as(null).get("/actuator/prometheus"), "API key");
		assertUnauthorized(as("Bearer nope").get("/actuator/prometheus"), "not valid");
		assertUnauthorized(as(null).get("/actuator/info"), "API key");
		assertUnauthorized(as(null).get("/actuator"), "API key");

		Response prometheus = ApiClient.withKey(this.port).get("/actuator/prometheus");
		assertThat(prometheus.status()).isEqualTo(200);
		assertThat(prometheus.body()).contains("receiver_deliveries_total");
	}

	@Test
	void keepsHealthProbesOpen() {
		for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")) {
			assertThat(as(null).get(path).status()).as(path).isEqualTo(200);
			assertThat(as("Bearer nope").get(path).status()).as(path + " with a wrong key").isEqualTo(200);
		}
	}

	@Test
	void keepsTheApiDescriptionOpen() {
		assertThat(as(null).get("/v3/api-docs").status()).isEqualTo(200);
		assertThat(as(null).get("/swagger-ui/index.html").status()).isEqualTo(200);
	}

	@Test
	void keepsTheWebhookEndpointOpenToSignedDeliveriesWithoutCsrfOrKey() {
		WebhookClient webhooks = new WebhookClient(this.port);

		WebhookClient.Answer signed = webhooks.deliver(WebhookClient.recordEvent("record.updated", 1, 2),
				UUID.randomUUID().toString());
		WebhookClient.Answer unsigned = webhooks.post("{}".getBytes(), Map.of("Content-Type", "application/json"));

		assertThat(signed.status()).isEqualTo(202);
		assertThat(unsigned.status()).as("refused by its signature check, not by security").isEqualTo(404);
	}

	@Test
	void answersAWrongMethodWithAMethodNotAllowedProblem() {
		Response response = ApiClient.withKey(this.port).send("DELETE", "/api/events");

		assertThat(response.status()).isEqualTo(405);
		assertThat(response.contentType()).startsWith("application/problem+json");
		assertThat(response.json().path("title").asString()).isEqualTo("Method Not Allowed");
		assertThat(response.json().path("status").asInt()).isEqualTo(405);
		assertThat(response.header("Allow")).contains("GET");
	}

	@Test
	void answersAnUnknownPathWithANotFoundProblem() {
		Response response = ApiClient.withKey(this.port).get("/api/nothing-here");

		assertThat(response.status()).isEqualTo(404);
		assertThat(response.contentType()).startsWith("application/problem+json");
	}

	private ApiClient as(String authorization) {
		return ApiClient.withAuthorization(this.port, authorization);
	}

	static void assertUnauthorized(Response response, String detail) {
		assertThat(response.status()).as(response.body()).isEqualTo(401);
		assertThat(response.contentType()).startsWith("application/problem+json");
		assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer");
		assertThat(response.json().path("title").asString()).isEqualTo("Unauthorized");
		assertThat(response.json().path("status").asInt()).isEqualTo(401);
		assertThat(response.json().path("detail").asString()).contains(detail);
		assertThat(response.body()).doesNotContain(ApiClient.KEY);
	}

}
