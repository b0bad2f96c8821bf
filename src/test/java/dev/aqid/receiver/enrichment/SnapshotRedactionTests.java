package dev.aqid.receiver.enrichment;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotRedactionTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String RECORD = """
			{"object":"record","id":42,"status":"complete","perform_url":"https://id.amiqus.co/i/0vz32B9CZpO1yLsKPdy9q",
			 "email":"ann@example.com","client":{"object":"client","id":7,"email":"ann@example.com","dob":"1980-02-03",
			 "name":{"first_name":"Ann","last_name":"Lee"},"reference":"crm-7","is_deletable":true,"deletion_date":"2030-01-01"},
			 "steps":[{"object":"step","id":1,"type":"check.photo_id","check":{"id":1,"status":"accepted",
			   "response":{"document":{"number":"123456789"}},"created_at":"2024-01-01T00:00:00Z"},"preferences":{"docs":["passport"]}}],
			 "has_reminders":false,"created_at":"2024-01-01T00:00:00Z","expired_at":"2024-02-01T00:00:00Z",
			 "links":{"next":"https://id.amiqus.co/api/v2/records?page=2"},"invite_url":"https://id.amiqus.co/invite/abc",
			 "download_url":"https://id.amiqus.co/api/v2/records/42/download"}""";

	@Test
	void byDefaultDropsPerformUrlAndOtherCapabilityLinksWhereverTheyAreAndKeepsTheRest() {
		JsonNode record = redact(new RedactionProperties(RedactionPreset.CAPABILITY_LINKS, Map.of()),
				SnapshotKind.RECORD, RECORD);

		assertThat(record.toString()).doesNotContain("perform_url", "/i/0vz32", "invite_url");
		assertThat(record.path("email").asString()).isEqualTo("ann@example.com");
		assertThat(record.path("client").path("dob").asString()).isEqualTo("1980-02-03");
		assertThat(record.path("links").path("next").asString()).as("an API address needs our token").isNotEmpty();
		assertThat(record.path("download_url").asString()).as("an API address needs our token").isNotEmpty();
	}

	@Test
	void dropsPerformUrlOfARecordNestedInACaseItem() {
		JsonNode caseObject = redact(new RedactionProperties(RedactionPreset.CAPABILITY_LINKS, Map.of()),
				SnapshotKind.CASE, """
						{"object":"case","id":3,"items":[{"object":"case_item","id":9,
						 "entity":{"object":"record","id":42,"perform_url":"https://id.amiqus.co/i/x"}}]}""");

		assertThat(caseObject.toString()).doesNotContain("perform_url").contains("\"id\":42");
	}

	@Test
	void dropsTheConfiguredPointersOfTheObjectsKindOnly() {
		RedactionProperties properties = new RedactionProperties(RedactionPreset.CAPABILITY_LINKS, Map.of("client",
				List.of("/email", "/dob"), "record", List.of("/client/email", "/steps/*/check/response")));
		SnapshotRedaction redaction = new SnapshotRedaction(properties);

		JsonNode client = redaction.apply(SnapshotKind.CLIENT, JSON
			.readTree("{\"id\":7,\"email\":\"ann@example.com\",\"dob\":\"1980-02-03\",\"status\":\"approved\"}"));
		JsonNode record = redaction.apply(SnapshotKind.RECORD, JSON.readTree(RECORD));

		assertThat(client.toString()).isEqualTo("{\"id\":7,\"status\":\"approved\"}");
		assertThat(record.path("client").has("email")).isFalse();
		assertThat(record.path("email").asString()).as("record's own email is not configured").isNotEmpty();
		assertThat(record.toString()).doesNotContain("123456789");
	}

	@Test
	void idsAndStatusesKeepsOnlyIdsStatusesTypesDatesAndReferences() {
		JsonNode record = redact(new RedactionProperties(RedactionPreset.IDS_AND_STATUSES, Map.of()),
				SnapshotKind.RECORD, RECORD);

		assertThat(record.toString()).doesNotContain("ann@example.com", "Ann", "Lee", "1980-02-03", "123456789",
				"perform_url", "passport");
		assertThat(record.path("id").asInt()).isEqualTo(42);
		assertThat(record.path("status").asString()).isEqualTo("complete");
		assertThat(record.path("created_at").asString()).isEqualTo("2024-01-01T00:00:00Z");
		assertThat(record.path("client").path("id").asInt()).isEqualTo(7);
		assertThat(record.path("client").path("reference").asString()).isEqualTo("crm-7");
		assertThat(record.path("client").path("deletion_date").asString()).isEqualTo("2030-01-01");
		assertThat(record.path("client").path("is_deletable").asBoolean()).isTrue();
		assertThat(record.path("client").has("name")).as("emptied objects go").isFalse();
		assertThat(record.path("steps").get(0).path("type").asString()).isEqualTo("check.photo_id");
		assertThat(record.path("steps").get(0).path("check").path("status").asString()).isEqualTo("accepted");
		assertThat(record.path("has_reminders").isBoolean()).isTrue();
	}

	@Test
	void idsAndStatusesKeepsReferencesToOtherObjectsButNotOtherNumbers() {
		JsonNode form = redact(new RedactionProperties(RedactionPreset.IDS_AND_STATUSES, Map.of()), SnapshotKind.FORM,
				"""
						{"object":"client_form","id":5,"reference":"2f0e8c9a-0000-4000-8000-00000000abcd","client":7,
						 "record":null,"cost":12,"fields":[{"type":"short_answer","value":"my secret answer"}],
						 "assignees":[3,4]}""");

		assertThat(form.path("client").asInt()).isEqualTo(7);
		assertThat(form.has("record")).isTrue();
		assertThat(form.path("assignees").size()).isEqualTo(2);
		assertThat(form.has("cost")).isFalse();
		assertThat(form.toString()).doesNotContain("my secret answer").contains("short_answer");
	}

	@Test
	void noneKeepsTheObjectAsFetched() {
		JsonNode record = redact(new RedactionProperties(RedactionPreset.NONE, Map.of()), SnapshotKind.RECORD, RECORD);

		assertThat(record).isEqualTo(JSON.readTree(RECORD));
	}

	@Test
	void theStepsArrayIsRedactedToo() {
		JsonNode steps = redact(
				new RedactionProperties(RedactionPreset.IDS_AND_STATUSES,
						Map.of("record-steps", List.of("/*/check/created_at"))),
				SnapshotKind.RECORD_STEPS,
				"[{\"id\":1,\"type\":\"check.identity\",\"check\":{\"id\":1,\"status\":\"accepted\","
						+ "\"created_at\":\"2024-01-01T00:00:00Z\",\"response\":{\"name\":\"Ann\"}}}]");

		assertThat(steps.toString())
			.isEqualTo("[{\"id\":1,\"type\":\"check.identity\",\"check\":{\"id\":1,\"status\":\"accepted\"}}]");
	}

	@Test
	void anInvalidPointerOrKindStopsStartUpNamingTheSetting() {
		ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Redaction.class);

		runner.withPropertyValues("receiver.redaction.drop.client=/email,name")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("receiver.redaction.drop.client")
				.hasMessageContaining("'name' must start with '/'"));
		runner.withPropertyValues("receiver.redaction.drop.customer=/email")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("receiver.redaction.drop.customer: unknown object kind"));
		runner.withPropertyValues("receiver.redaction.preset=everything")
			.run((context) -> assertThat(context).hasFailed());
	}

	@Test
	void bindsPresetsAndKindsAsWrittenInPropertiesAndEnvironmentVariables() {
		new ApplicationContextRunner().withUserConfiguration(Redaction.class)
			.withPropertyValues("receiver.redaction.preset=ids-and-statuses",
					"receiver.redaction.drop.record-steps=/*/check", "receiver.redaction.drop.client=/email, /mobile")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				RedactionProperties properties = context.getBean(RedactionProperties.class);
				assertThat(properties.preset()).isEqualTo(RedactionPreset.IDS_AND_STATUSES);
				SnapshotRedaction redaction = context.getBean(SnapshotRedaction.class);
				assertThat(redaction
					.apply(SnapshotKind.CLIENT, JSON.readTree("{\"id\":1,\"status\":\"x\",\"email\":\"e\"}"))
					.toString()).isEqualTo("{\"id\":1,\"status\":\"x\"}");
				assertThat(
						redaction.apply(SnapshotKind.RECORD_STEPS, JSON.readTree("[{\"id\":1,\"check\":{\"id\":2}}]"))
							.toString())
					.isEqualTo("[{\"id\":1}]");
			});
	}

	@Test
	void bindsKindsFromEnvironmentVariables() {
		new ApplicationContextRunner().withUserConfiguration(Redaction.class)
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("systemEnvironment",
						Map.of("RECEIVER_REDACTION_PRESET", "ids-and-statuses", "RECEIVER_REDACTION_DROP_RECORD_STEPS",
								"/*/check", "RECEIVER_REDACTION_DROP_CLIENT", "/reference"))))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SnapshotRedaction redaction = context.getBean(SnapshotRedaction.class);
				assertThat(
						redaction.apply(SnapshotKind.RECORD_STEPS, JSON.readTree("[{\"id\":1,\"check\":{\"id\":2}}]"))
							.toString())
					.isEqualTo("[{\"id\":1}]");
				assertThat(redaction.apply(SnapshotKind.CLIENT, JSON.readTree("{\"id\":1,\"reference\":\"r\"}"))
					.toString()).isEqualTo("{\"id\":1}");
			});
	}

	private static JsonNode redact(RedactionProperties properties, SnapshotKind kind, String json) {
		return new SnapshotRedaction(properties).apply(kind, JSON.readTree(json));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(RedactionProperties.class)
	@Import(SnapshotRedaction.class)
	static class Redaction {

	}

}
