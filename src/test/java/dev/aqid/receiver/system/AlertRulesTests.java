package dev.aqid.receiver.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The alert rules in {@code ops/prometheus/} are valid for Prometheus and behave as their
 * unit tests say ({@code promtool check rules}, {@code promtool test rules}); every alert
 * has a case where it fires and one where it does not, and a runbook line in the README.
 * Without promtool (Debian's {@code prometheus} package) the promtool checks are skipped.
 */
class AlertRulesTests {

	static final Path RULES = Path.of("ops/prometheus/alerts.yml");

	static final Path RULE_TESTS = Path.of("ops/prometheus/alerts.test.yml");

	@Test
	void promtoolAcceptsTheRules() throws Exception {
		Result result = promtool("check", "rules", RULES.toString());
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains("SUCCESS");
	}

	@Test
	void alertRulesPassTheirUnitTests() throws Exception {
		Result result = promtool("test", "rules", RULE_TESTS.toString());
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains("SUCCESS");
	}

	@Test
	void everyAlertIsTestedFiringAndQuiet() throws IOException {
		Set<String> firing = new TreeSet<>();
		Set<String> quiet = new TreeSet<>();
		for (Map<String, Object> test : list(yaml(RULE_TESTS).get("tests"))) {
			for (Map<String, Object> check : list(test.get("alert_rule_test"))) {
				String alert = (String) check.get("alertname");
				(list(check.get("exp_alerts")).isEmpty() ? quiet : firing).add(alert);
			}
		}
		assertThat(firing).as("alerts with a firing case").containsExactlyInAnyOrderElementsOf(alertNames());
		assertThat(quiet).as("alerts with a quiet case").containsExactlyInAnyOrderElementsOf(alertNames());
	}

	@Test
	void everyAlertHasARunbookLineInTheReadme() throws IOException {
		String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
		assertThat(alertNames()).allSatisfy((alert) -> assertThat(readme).contains("`" + alert + "`"));
	}

	static List<String> alertNames() throws IOException {
		List<String> names = new ArrayList<>();
		for (Map<String, Object> group : list(yaml(RULES).get("groups"))) {
			list(group.get("rules")).forEach((rule) -> names.add((String) rule.get("alert")));
		}
		return names;
	}

	/** Every PromQL expression of the rules. */
	static List<String> expressions() throws IOException {
		List<String> expressions = new ArrayList<>();
		for (Map<String, Object> group : list(yaml(RULES).get("groups"))) {
			list(group.get("rules")).forEach((rule) -> expressions.add((String) rule.get("expr")));
		}
		return expressions;
	}

	private static Map<String, Object> yaml(Path file) throws IOException {
		return new Yaml().load(Files.readString(file, StandardCharsets.UTF_8));
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> list(Object value) {
		return (value != null) ? (List<Map<String, Object>>) value : List.of();
	}

	private static Result promtool(String... arguments) throws Exception {
		assumeTrue(onPath("promtool"),
				"promtool is not installed: apt-get install prometheus (Debian's package brings promtool)");
		List<String> command = new ArrayList<>(List.of("promtool"));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
		return new Result(process.exitValue(), output);
	}

	private static boolean onPath(String program) {
		String path = System.getenv("PATH");
		if (path == null) {
			return false;
		}
		for (String directory : path.split(java.io.File.pathSeparator)) {
			if (Files.isExecutable(Path.of(directory, program))) {
				return true;
			}
		}
		return false;
	}

	record Result(int exitCode, String output) {

	}

}
