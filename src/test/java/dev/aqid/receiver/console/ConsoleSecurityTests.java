package dev.aqid.receiver.console;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.aqid.receiver.support.ApiClient;
import dev.aqid.receiver.support.ReceiverServerTest;
import dev.aqid.receiver.support.WebhookClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's security over plain HTTP, without a browser: sign-in with an API key, the
 * session cookie's flags, CSRF on every action, the headers of every page, and an API
 * that stays stateless beside it.
 */
@ReceiverServerTest
class ConsoleSecurityTests {

	private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@LocalServerPort
	int port;

	@Test
	void sendsABrowserAtTheRootToTheConsoleAndASignedOutOneToTheSignInForm() throws Exception {
		HttpResponse<String> root = send(get("/", null));
		assertThat(root.statusCode()).isEqualTo(302);
		assertThat(root.headers().firstValue("Location"))
			.hasValueSatisfying((to) -> assertThat(to).endsWith("/console"));

		HttpResponse<String> console = send(get("/console", null));
		assertThat(console.statusCode()).as("a redirect, not a 401 problem").isEqualTo(302);
		assertThat(console.headers().firstValue("Location"))
			.hasValueSatisfying((to) -> assertThat(to).endsWith("/console/sign-in"));

		HttpResponse<String> live = send(
				request("/console/events/rows", null).header("X-Requested-With", "XMLHttpRequest").GET().build());
		assertThat(live.statusCode()).as("a fetch of the live rows learns it was signed out").isEqualTo(401);

		HttpResponse<String> form = send(get("/console/sign-in", null));
		assertThat(form.statusCode()).isEqualTo(200);
		assertThat(form.body()).contains("name=\"key\"", "<label for=\"key\">", "name=\"_csrf\"");
	}

	@Test
	void signsInWithAConfiguredKeyIntoAnHttpOnlySameSiteStrictSession() throws Exception {
		Session session = signIn(ApiClient.SECOND_KEY);

		assertThat(session.cookieHeader).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/console");
		assertThat(session.cookieHeader).as("not Secure over plain HTTP (it is over TLS)").doesNotContain("Secure");
		HttpResponse<String> events = send(get("/console", session.cookie));
		assertThat(events.statusCode()).isEqualTo(200);
		assertThat(events.body()).contains("Signed in as <span>api-key-2</span>");
		assertThat(events.body()).doesNotContain(ApiClient.SECOND_KEY);
	}

	@Test
	void refusesAKeyThatIsNotConfigured() throws Exception {
		for (String key : List.of("nope", "", ApiClient.KEY + "x", ApiClient.KEY + "," + ApiClient.SECOND_KEY)) {
			HttpResponse<String> response = postSignIn(key);
			assertThat(response.statusCode()).isEqualTo(302);
			assertThat(response.headers().firstValue("Location"))
				.hasValueSatisfying((to) -> assertThat(to).endsWith("/console/sign-in?error"));
		}
		HttpResponse<String> metrics = send(request("/actuator/prometheus", null).setHeader("Accept", "text/plain")
			.header("Authorization", "Bearer " + ApiClient.KEY)
			.GET()
			.build());
		assertThat(metrics.body())
			.containsPattern("receiver_console_sign_ins_total\\{[^}]*outcome=\"refused\"[^}]*} [1-9]");
	}

	@Test
	void marksEveryConsoleResponseNoStoreWithStrictHeaders() throws Exception {
		Session session = signIn(ApiClient.KEY);
		for (String path : List.of("/console", "/console/problems", "/console/subscription", "/console/destinations",
				"/console/events/rows", "/console/sign-in", "/console/assets/console.css", "/console/assets/console.js",
				"/console/events/999999999")) {
			HttpResponse<String> response = send(get(path, session.cookie));
			assertThat(response.statusCode()).as(path).isIn(200, 302, 404);
			assertThat(response.headers().firstValue("Cache-Control")).as(path)
				.hasValueSatisfying((value) -> assertThat(value).contains("no-store"));
			assertThat(response.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
			assertThat(response.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
			assertThat(response.headers().firstValue("Content-Security-Policy")).as(path)
				.hasValueSatisfying((csp) -> assertThat(csp).contains("default-src 'self'", "frame-ancestors 'none'"));
		}
		assertThat(send(get("/console/events/999999999", session.cookie)).body()).contains("No event has the id");
	}

	@Test
	void refusesEveryActionWithoutItsCsrfToken() throws Exception {
		Session session = signIn(ApiClient.KEY);
		String eventId = new WebhookClient(this.port)
			.deliver(WebhookClient.recordEvent("record.updated", 880_000 + System.nanoTime() % 100_000, 880_002),
					UUID.randomUUID().toString())
			.body()
			.replaceAll(".*\"event_id\":\"(\\d+)\".*", "$1");

		for (String action : List.of("/console/events/" + eventId + "/replay", "/console/enrichment/replay",
				"/console/sign-out")) {
			HttpResponse<String> withoutToken = send(post(action, session.cookie, "event_id=" + eventId));
			assertThat(withoutToken.statusCode()).as(action).isEqualTo(403);
			HttpResponse<String> wrongToken = send(
					post(action, session.cookie, "event_id=" + eventId + "&_csrf=forged"));
			assertThat(wrongToken.statusCode()).as(action).isEqualTo(403);
		}
		HttpResponse<String> signInWithoutToken = send(post("/console/sign-in", null, "key=" + ApiClient.KEY));
		assertThat(signInWithoutToken.headers().firstValue("Location"))
			.hasValueSatisfying((to) -> assertThat(to).endsWith("/console/sign-in?expired"));
		for (String cookie : signInWithoutToken.headers().allValues("Set-Cookie")) {
			HttpResponse<String> withIt = send(get("/console", cookie.substring(0, cookie.indexOf(';'))));
			assertThat(withIt.statusCode()).as("a forged sign-in opens nothing").isEqualTo(302);
		}

		HttpResponse<String> withToken = send(
				post("/console/events/" + eventId + "/replay", session.cookie, "_csrf=" + session.csrf(this)));
		assertThat(withToken.statusCode()).isEqualTo(302);
		assertThat(withToken.headers().firstValue("Location"))
			.hasValueSatisfying((to) -> assertThat(to).endsWith("/console/events/" + eventId));
	}

	@Test
	void signsOutAndTheSessionOpensNothingAfterwards() throws Exception {
		Session session = signIn(ApiClient.KEY);
		HttpResponse<String> signOut = send(post("/console/sign-out", session.cookie, "_csrf=" + session.csrf(this)));
		assertThat(signOut.statusCode()).isEqualTo(302);
		assertThat(signOut.headers().firstValue("Location"))
			.hasValueSatisfying((to) -> assertThat(to).endsWith("/console/sign-in?signed-out"));

		HttpResponse<String> after = send(get("/console", session.cookie));
		assertThat(after.statusCode()).isEqualTo(302);
		assertThat(after.headers().firstValue("Location"))
			.hasValueSatisfying((to) -> assertThat(to).endsWith("/console/sign-in"));
	}

	@Test
	void leavesTheApiStatelessAndBearerOnly() throws Exception {
		Session session = signIn(ApiClient.KEY);

		HttpResponse<String> withCookie = send(
				request("/api/events", session.cookie).setHeader("Accept", "application/json").GET().build());
		assertThat(withCookie.statusCode()).as("a console session opens no API").isEqualTo(401);
		assertThat(withCookie.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		HttpResponse<String> withKey = send(request("/api/events", null).setHeader("Accept", "application/json")
			.header("Authorization", "Bearer " + ApiClient.KEY)
			.GET()
			.build());
		assertThat(withKey.statusCode()).isEqualTo(200);
		assertThat(withKey.headers().allValues("Set-Cookie")).as("no session for the API").isEmpty();
		HttpResponse<String> health = send(
				request("/actuator/health/liveness", null).setHeader("Accept", "application/json").GET().build());
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.headers().allValues("Set-Cookie")).isEmpty();
	}

	private Session signIn(String key) throws Exception {
		HttpResponse<String> response = postSignIn(key);
		assertThat(response.statusCode()).isEqualTo(302);
		assertThat(response.headers().firstValue("Location"))
			.hasValueSatisfying((to) -> assertThat(to).endsWith("/console"));
		String header = response.headers()
			.allValues("Set-Cookie")
			.stream()
			.filter((cookie) -> cookie.startsWith("JSESSIONID="))
			.reduce((first, second) -> second)
			.orElseThrow();
		return new Session(header.substring(0, header.indexOf(';')), header);
	}

	private HttpResponse<String> postSignIn(String key) throws Exception {
		HttpResponse<String> form = send(get("/console/sign-in", null));
		String cookie = form.headers()
			.firstValue("Set-Cookie")
			.map((value) -> value.substring(0, value.indexOf(';')))
			.orElseThrow();
		return send(post("/console/sign-in", cookie,
				"key=" + URLEncoder.encode(key, StandardCharsets.UTF_8) + "&_csrf=" + csrf(form.body())));
	}

	static String csrf(String html) {
		Matcher matcher = CSRF.matcher(html);
		assertThat(matcher.find()).as("a CSRF token in the page").isTrue();
		return URLEncoder.encode(matcher.group(1), StandardCharsets.UTF_8);
	}

	private HttpRequest.Builder request(String path, String cookie) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.timeout(Duration.ofSeconds(30))
			.header("Accept", "text/html");
		if (cookie != null) {
			builder.header("Cookie", cookie);
		}
		return builder;
	}

	private HttpRequest get(String path, String cookie) {
		return request(path, cookie).GET().build();
	}

	private HttpRequest post(String path, String cookie, String form) {
		return request(path, cookie).header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build();
	}

	private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * A signed-in console session.
	 *
	 * @param cookie {@code JSESSIONID=…} to send back
	 * @param cookieHeader the {@code Set-Cookie} header it came in
	 */
	record Session(String cookie, String cookieHeader) {

		String csrf(ConsoleSecurityTests tests) throws Exception {
			return ConsoleSecurityTests.csrf(tests.send(tests.get("/console", this.cookie)).body());
		}

	}

}
