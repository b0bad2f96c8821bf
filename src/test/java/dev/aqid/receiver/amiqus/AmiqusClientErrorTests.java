package dev.aqid.receiver.amiqus;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.aqid.receiver.support.FreePort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.web.client.RestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class AmiqusClientErrorTests {

	private static final String TOKEN = "secret-token-9c41";

	@RegisterExtension
	static WireMockExtension amiqus = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final AmiqusClient client = client(amiqus.baseUrl(), Duration.ofSeconds(5), this.registry);

	@Test
	void mapsUnauthorizedWithItsMessage() {
		stubRecord(401, "{\"error\": \"Unauthenticated.\"}");

		AmiqusUnauthorized ex = catchThrowableOfType(AmiqusUnauthorized.class, () -> this.client.record(1));

		assertThat(ex.status()).isEqualTo(401);
		assertThat(ex.errorMessage()).isEqualTo("Unauthenticated.");
		assertThat(ex.operation()).isEqualTo("record");
		assertThat(ex.isTransient()).isFalse();
		assertThat(ex.getMessage()).contains("record", "401", "Unauthenticated.").doesNotContain(TOKEN);
	}

	@Test
	void mapsForbiddenWithItsMessage() {
		stubRecord(403, "{\"message\": \"This action is unauthorized.\"}");

		AmiqusForbidden ex = catchThrowableOfType(AmiqusForbidden.class, () -> this.client.record(1));

		assertThat(ex.status()).isEqualTo(403);
		assertThat(ex.errorMessage()).isEqualTo("This action is unauthorized.");
	}

	@Test
	void mapsNotFoundWithItsMessage() {
		stubRecord(404, "{\"error\": \"Record not found\"}");

		AmiqusNotFound ex = catchThrowableOfType(AmiqusNotFound.class, () -> this.client.record(1));

		assertThat(ex.status()).isEqualTo(404);
		assertThat(ex.errorMessage()).isEqualTo("Record not found");
	}

	@Test
	void readsValidationErrorsAsAFieldMap() {
		amiqus.stubFor(post(urlPathEqualTo("/webhooks")).willReturn(json(422,
				"""
						{"url": ["The url field is required."], "events.0": ["The selected events.0 is invalid.", "Again."]}""")));

		AmiqusValidationFailed ex = catchThrowableOfType(AmiqusValidationFailed.class,
				() -> this.client.createWebhook(new WebhookRequest(null, List.of("nope"), null)));

		assertThat(ex.status()).isEqualTo(422);
		assertThat(ex.fieldErrors()).containsOnly(Map.entry("url", List.of("The url field is required.")),
				Map.entry("events.0", List.of("The selected events.0 is invalid.", "Again.")));
		assertThat(ex.errorMessage()).isEqualTo("url: The url field is required.");
	}

	@Test
	void readsValidationErrorsWrappedInErrors() {
		amiqus.stubFor(post(urlPathEqualTo("/webhooks")).willReturn(json(422,
				"""
						{"errors": [{"url": ["The url must be a valid URL."]}, {"events": ["The events field is required."]}]}""")));

		AmiqusValidationFailed ex = catchThrowableOfType(AmiqusValidationFailed.class,
				() -> this.client.createWebhook(new WebhookRequest("x", null, null)));

		assertThat(ex.fieldErrors()).containsOnly(Map.entry("url", List.of("The url must be a valid URL.")),
				Map.entry("events", List.of("The events field is required.")));
	}

	@Test
	void readsValidationErrorsWrappedWithASummary() {
		amiqus.stubFor(post(urlPathEqualTo("/webhooks")).willReturn(json(422, """
				{"message": "The given data was invalid.", "errors": {"url": ["The url field is required."]}}""")));

		AmiqusValidationFailed ex = catchThrowableOfType(AmiqusValidationFailed.class,
				() -> this.client.createWebhook(new WebhookRequest(null, List.of("*"), null)));

		assertThat(ex.errorMessage()).isEqualTo("The given data was invalid.");
		assertThat(ex.fieldErrors()).containsOnly(Map.entry("url", List.of("The url field is required.")));
	}

	@Test
	void waitsRetryAfterSecondsWhenRateLimited() {
		amiqus.stubFor(get(urlPathEqualTo("/records/1"))
			.willReturn(json(429, "{\"message\": \"Too Many Attempts.\"}").withHeader("Retry-After", "30")
				.withHeader("X-RateLimit-Limit", "200")
				.withHeader("X-RateLimit-Remaining", "0")
				.withHeader("X-RateLimit-Reset", Long.toString(Instant.now().plusSeconds(3600).getEpochSecond()))));

		AmiqusRateLimited ex = catchThrowableOfType(AmiqusRateLimited.class, () -> this.client.record(1));

		assertThat(ex.status()).isEqualTo(429);
		assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(30));
		assertThat(ex.errorMessage()).isEqualTo("Too Many Attempts.");
		assertThat(ex.isTransient()).isTrue();
		assertThat(this.client.rateLimit().remaining()).isZero();
		assertThat(this.client.rateLimit().limit()).isEqualTo(200);
		assertThat(this.client.rateLimit().reset()).isAfter(Instant.now());
	}

	@Test
	void aRateLimitedAnswerWithOnlyRetryAfterEndsThePacersWindowThen() throws InterruptedException {
		// An answer opens the pacer's own estimate of the window: a minute from now.
		amiqus.stubFor(get(urlPathEqualTo("/records/2"))
			.willReturn(okJson("{\"id\": 2}").withHeader("X-RateLimit-Limit", "200")
				.withHeader("X-RateLimit-Remaining", "150")));
		this.client.record(2);
		amiqus.stubFor(get(urlPathEqualTo("/records/1"))
			.willReturn(json(429, "{\"message\": \"Too Many Attempts.\"}").withHeader("Retry-After", "1")
				.withHeader("X-RateLimit-Limit", "200")
				.withHeader("X-RateLimit-Remaining", "0")));
		catchThrowableOfType(AmiqusRateLimited.class, () -> this.client.record(1));

		// The next turn comes after Retry-After (and the pacer's slack), not at the end
		// of
		// the estimated minute.
		assertThat(this.client.awaitTurn(Instant.now().plusSeconds(10))).isTrue();
	}

	@Test
	void waitsUntilTheResetTimeWithoutRetryAfter() {
		Instant reset = Instant.now().plusSeconds(120);
		amiqus.stubFor(get(urlPathEqualTo("/records/1"))
			.willReturn(json(429, "").withHeader("X-RateLimit-Reset", Long.toString(reset.getEpochSecond()))));

		AmiqusRateLimited ex = catchThrowableOfType(AmiqusRateLimited.class, () -> this.client.record(1));

		assertThat(ex.retryAfter()).isBetween(Duration.ofSeconds(110), Duration.ofSeconds(120));
		assertThat(ex.errorMessage()).isEqualTo("Too Many Requests");
	}

	@Test
	void waitsAMinuteWhenRateLimitedWithoutHeaders() {
		stubRecord(429, "{}");

		AmiqusRateLimited ex = catchThrowableOfType(AmiqusRateLimited.class, () -> this.client.record(1));

		assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(60));
	}

	@Test
	void mapsServerErrorsWithTheirMessage() {
		stubRecord(500, "{\"message\": \"Server Error\"}");
		AmiqusServerError error = catchThrowableOfType(AmiqusServerError.class, () -> this.client.record(1));
		assertThat(error.status()).isEqualTo(500);
		assertThat(error.errorMessage()).isEqualTo("Server Error");
		assertThat(error.isTransient()).isTrue();

		stubRecord(503, "{\"message\": \"Service Unavailable: down for maintenance\"}");
		AmiqusServerError maintenance = catchThrowableOfType(AmiqusServerError.class, () -> this.client.record(1));
		assertThat(maintenance.status()).isEqualTo(503);
		assertThat(maintenance.errorMessage()).isEqualTo("Service Unavailable: down for maintenance");
	}

	@Test
	void neverQuotesABodyItCannotRead() {
		stubRecord(502, "<html><body>Bad gateway for jane.doe@example.com</body></html>");

		AmiqusServerError ex = catchThrowableOfType(AmiqusServerError.class, () -> this.client.record(1));

		assertThat(ex.errorMessage()).isEqualTo("Bad Gateway");
		assertThat(ex.getMessage()).doesNotContain("jane.doe", "<html>");
	}

	@Test
	void mapsOtherStatusesToUnexpectedResponse() {
		stubRecord(413, "{\"message\": \"Payload Too Large\"}");

		AmiqusUnexpectedResponse ex = catchThrowableOfType(AmiqusUnexpectedResponse.class, () -> this.client.record(1));

		assertThat(ex.status()).isEqualTo(413);
		assertThat(ex.errorMessage()).isEqualTo("Payload Too Large");
	}

	@Test
	void refusesASuccessThatIsNotJson() {
		amiqus.stubFor(get(urlPathEqualTo("/records/1")).willReturn(ok("<html>maintenance</html>")));

		AmiqusUnexpectedResponse ex = catchThrowableOfType(AmiqusUnexpectedResponse.class, () -> this.client.record(1));

		assertThat(ex.status()).isEqualTo(200);
		assertThat(ex.getMessage()).doesNotContain("maintenance");
	}

	@Test
	void refusesAnEntityReadWithoutBody() {
		amiqus.stubFor(get(urlPathEqualTo("/records/1")).willReturn(ok()));

		assertThatExceptionOfType(AmiqusUnexpectedResponse.class).isThrownBy(() -> this.client.record(1));
	}

	@Test
	void givesUpQuicklyOnAReadTimeout() {
		amiqus.stubFor(get(urlPathEqualTo("/records/1")).willReturn(okJson("{}").withFixedDelay(3000)));
		AmiqusClient impatient = client(amiqus.baseUrl(), Duration.ofMillis(250), new SimpleMeterRegistry());

		long started = System.nanoTime();
		AmiqusUnreachable ex = catchThrowableOfType(AmiqusUnreachable.class, () -> impatient.record(1));

		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2000));
		assertThat(ex.status()).isZero();
		assertThat(ex.isTransient()).isTrue();
		assertThat(ex.getMessage()).doesNotContain(TOKEN);
	}

	@Test
	void treatsAConnectionResetAsUnreachable() {
		amiqus.stubFor(
				get(urlPathEqualTo("/records/1")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

		assertThatExceptionOfType(AmiqusUnreachable.class).isThrownBy(() -> this.client.record(1));
		assertThat(this.registry.get("amiqus.api.calls")
			.tag("operation", "record")
			.tag("status", "io_error")
			.counter()
			.count()).isPositive();
	}

	@Test
	void treatsARefusedConnectionAsUnreachable() {
		AmiqusClient nowhere = client("http://localhost:" + FreePort.find(), Duration.ofSeconds(1),
				new SimpleMeterRegistry());

		assertThatExceptionOfType(AmiqusUnreachable.class).isThrownBy(nowhere::status)
			.satisfies((ex) -> assertThat(ex.operation()).isEqualTo("status"));
	}

	private static void stubRecord(int status, String body) {
		amiqus.stubFor(get(urlPathEqualTo("/records/1")).willReturn(json(status, body)));
	}

	private static ResponseDefinitionBuilder json(int status, String body) {
		return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
	}

	private static AmiqusClient client(String url, Duration readTimeout, SimpleMeterRegistry registry) {
		AmiqusApiProperties properties = new AmiqusApiProperties(URI.create(url), TOKEN, Duration.ofSeconds(1),
				readTimeout);
		return new AmiqusClient(RestClient.builder(), properties, registry, Clock.systemUTC());
	}

}
