package dev.aqid.receiver.system;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import dev.aqid.receiver.support.RunningReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The alert rules and the Grafana dashboard watch metrics the service really exports: a
 * renamed meter would otherwise leave an alert that can never fire and an empty panel.
 * The service runs in demo mode, which exercises receipt, enrichment, the Amiqus API, the
 * registrar and forwarding; then every metric name in the rules' and the dashboard's
 * expressions must be in {@code /actuator/prometheus}.
 */
class MonitoredMetricsTests {

	/**
	 * Names the service does not export itself, each with the reason.
	 */
	private static final Map<String, String> NOT_EXPORTED_HERE = Map.of(
			// Exported only while a token's expiry is known (an OAuth pair, or a personal
			// access token that is a JWT with exp); demo mode's token has none.
			// OAuthRefreshTests reads it with an OAuth client.
			"receiver_amiqus_token_expiry_seconds", "exported only when a token's expiry is known",
			// Prometheus's own scrape-health series, never exported by a target.
			"up", "written by Prometheus for each scrape target");

	static final Path DASHBOARD = Path.of("ops/grafana/amiqus-webhook-receiver.json");

	@TempDir
	Path dataDir;

	@Test
	void alertsAndDashboardUseOnlyExportedMetrics() throws Exception {
		Set<String> watched = new TreeSet<>();
		AlertRulesTests.expressions().forEach((expr) -> watched.addAll(metricNames(expr)));
		dashboardExpressions().forEach((expr) -> watched.addAll(metricNames(expr)));
		assertThat(watched).as("the expressions were read")
			.contains("receiver_deliveries_total", "amiqus_api_calls_total", "receiver_forwarding_backlog",
					"receiver_enrichment_lag_seconds_bucket", "jvm_memory_used_bytes", "up");

		try (RunningReceiver demo = RunningReceiver.onDataDir(this.dataDir, "amiqus.demo.enabled=true",
				"amiqus.webhook.secrets=")) {
			JdbcTemplate jdbc = demo.context().getBean(JdbcTemplate.class);
			// The demo scenario's three events enriched and forwarded to the demo's
			// destination: every part of the flow has run.
			await().atMost(Duration.ofSeconds(90))
				.pollInterval(Duration.ofMillis(250))
				.untilAsserted(() -> assertThat(
						jdbc.queryForObject("select count(*) from outbox where status = 'delivered'", Long.class))
					.isEqualTo(3));
			Set<String> exported = exportedNames(demo.port());

			Set<String> missing = new TreeSet<>(watched);
			missing.removeAll(exported);
			missing.removeAll(NOT_EXPORTED_HERE.keySet());
			assertThat(missing)
				.as("metrics used by ops/prometheus/alerts.yml or %s that /actuator/prometheus " + "does not export",
						DASHBOARD)
				.isEmpty();
			assertThat(exported).as("the allow-list stays honest: drop an entry once the service exports it")
				.doesNotContainAnyElementsOf(NOT_EXPORTED_HERE.keySet());
		}
	}

	@Test
	void readsMetricNamesOutOfPromQl() {
		assertThat(metricNames(
				"""
						sum by (destination) (rate(receiver_forwarding_attempts_total{result!="2xx",x=~"a|b"}[15m])) > 0
						unless on() histogram_quantile(0.95, sum by (le) (rate(lag_seconds_bucket{instance=~"$instance"}[$__rate_interval])))
						and deriv(max(queue_depth)[30m:1m]) > 30 * 86400 or vector(1) == bool up offset 5m"""))
			.containsExactly("lag_seconds_bucket", "queue_depth", "receiver_forwarding_attempts_total", "up");
		assertThat(metricNames("label_values(up{job=\"amiqus-webhook-receiver\"}, instance)")).containsExactly("up");
	}

	private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan", "by",
			"without", "on", "ignoring", "group_left", "group_right");

	private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");

	/** The metric names an expression reads (PromQL, or Grafana's label_values). */
	static Set<String> metricNames(String expression) {
		String expr = expression.replaceAll("label_values\\(([^,]*),[^)]*\\)", "$1")
			.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
			.replaceAll("\\{[^}]*}", " ")
			.replaceAll("\\[[^]]*]", " ")
			.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
			.replaceAll("\\b(offset)\\s+\\w+", " ")
			.replaceAll("\\$\\w+", " ");
		Set<String> names = new TreeSet<>();
		Matcher matcher = IDENTIFIER.matcher(expr);
		while (matcher.find()) {
			String name = matcher.group(1);
			if (matcher.group(2) == null && !KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
				names.add(name);
			}
		}
		return names;
	}

	static List<String> dashboardExpressions() throws IOException {
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD, StandardCharsets.UTF_8));
		List<String> expressions = new ArrayList<>();
		dashboard.findValues("expr").forEach((expr) -> expressions.add(expr.asString()));
		dashboard.path("templating").path("list").forEach((variable) -> {
			if (variable.path("query").has("query")) {
				expressions.add(variable.path("query").path("query").asString());
			}
		});
		return expressions;
	}

	private static Set<String> exportedNames(int port) throws Exception {
		HttpResponse<String> scrape = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus"))
				.header("Authorization", "Bearer demo")
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(scrape.statusCode()).isEqualTo(200);
		Set<String> names = new TreeSet<>();
		scrape.body().lines().filter((line) -> !line.isBlank() && !line.startsWith("#")).forEach((line) -> {
			int end = 0;
			while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
				end++;
			}
			names.add(line.substring(0, end));
		});
		return names;
	}

}
