package dev.aqid.receiver.query;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import dev.aqid.receiver.support.ApiClient;
import dev.aqid.receiver.support.ApiClient.Response;
import dev.aqid.receiver.support.ReceiverServerTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /v3/api-docs} describes the query API: its paths, parameters, shapes, errors and
 * the bearer key scheme.
 */
@ReceiverServerTest
class OpenApiDocumentTests {

	@LocalServerPort
	int port;

	@Test
	void listsEveryQueryPath() {
		JsonNode document = document();

		assertThat(names(document.path("paths"))).contains("/api/events", "/api/events/{event_id}",
				"/api/events/{event_id}/replay", "/api/records/{id}", "/api/records/{id}/steps", "/api/clients/{id}",
				"/api/organisations/{id}", "/api/cases/{id}", "/api/forms/{reference}");
		assertThat(names(document.path("paths"))).noneMatch((path) -> path.startsWith("/webhooks"));
	}

	@Test
	void describesTheEventListParametersAndErrors() {
		JsonNode list = document().path("paths").path("/api/events").path("get");

		List<String> parameters = new ArrayList<>();
		list.path("parameters").forEach((parameter) -> parameters.add(parameter.path("name").asString()));
		assertThat(parameters).containsExactlyInAnyOrder("alias", "record_id", "client_id", "status", "received_after",
				"received_before", "limit", "cursor", "wait");
		JsonNode wait = StreamSupport.stream(list.path("parameters").spliterator(), false)
			.filter((parameter) -> parameter.path("name").asString().equals("wait"))
			.findFirst()
			.orElseThrow();
		assertThat(wait.path("description").asString()).contains("Long polling", "30s");
		assertThat(wait.path("schema").path("type").asString()).isEqualTo("string");
		assertThat(names(list.path("responses"))).contains("200", "400", "401");
		assertThat(list.path("responses").path("400").path("content").has("application/problem+json")).isTrue();
	}

	@Test
	void namesPropertiesInSnakeCase() {
		JsonNode schemas = document().path("components").path("schemas");

		assertThat(names(schemas.path("Event").path("properties"))).contains("event_id", "delivery_id", "received_at",
				"record_id", "client_id", "enrichment", "payload", "body_base64");
		assertThat(names(schemas.path("Enrichment").path("properties"))).contains("status", "attempts", "last_error",
				"enriched_at", "next_attempt_at");
		assertThat(names(schemas.path("EventPage").path("properties"))).containsExactlyInAnyOrder("data",
				"next_cursor");
		assertThat(names(schemas.path("Snapshot").path("properties"))).containsExactlyInAnyOrder("id", "fetched_at",
				"data");
	}

	@Test
	void declaresTheBearerKeyScheme() {
		JsonNode document = document();

		JsonNode scheme = document.path("components").path("securitySchemes").path("api-key");
		assertThat(scheme.path("type").asString()).isEqualTo("http");
		assertThat(scheme.path("scheme").asString()).isEqualTo("bearer");
		assertThat(document.path("security").get(0).has("api-key")).isTrue();
	}

	private JsonNode document() {
		Response response = ApiClient.withAuthorization(this.port, null).get("/v3/api-docs");
		assertThat(response.status()).isEqualTo(200);
		return response.json();
	}

	private static List<String> names(JsonNode object) {
		List<String> names = new ArrayList<>();
		object.propertyNames().forEach(names::add);
		return names;
	}

}
