package dev.aqid.receiver.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryParserTests {

	private final DeliveryParser parser = new DeliveryParser(JsonMapper.builder().build());

	@Test
	void readsTimestampsExactlyAsOffsetDateTimeParseDoes() {
		String[] samples = { "2024-05-07T12:00:00Z", "2024-05-07T12:00:00.5Z", "2024-05-07T12:00:00.123456789Z",
				"2024-05-07T12:00:00+01:00", "2024-05-07T12:00:00-05:30", "2024-05-07T12:00:00.25+14:00",
				"2024-05-07T12:00:00-00:00", "2024-02-29T23:59:59Z", "2024-12-31T23:59:59.999999999-18:00" };
		for (String sample : samples) {
			assertThat(DeliveryParser.rfc3339(sample)).as(sample)
				.isEqualTo(java.time.OffsetDateTime.parse(sample).toInstant());
		}
		// Anything else is left to OffsetDateTime.parse (which may still accept it).
		String[] others = { "2024-05-07t12:00:00z", "2024-05-07T12:00Z", "2024-05-07T12:00:00", "2023-02-29T12:00:00Z",
				"2024-05-07T24:00:00Z", "2024-05-07T12:00:00.Z", "2024-05-07T12:00:00.1234567890Z",
				"2024-05-07T12:00:00+19:00", "2024-05-07T12:00:00+01:00:00", "+12024-05-07T12:00:00Z",
				"2024-05-07T12:00:60Z", "2024-05-07T12:00:00+1:00", "2024-0a-07T12:00:00Z" };
		for (String other : others) {
			assertThat(DeliveryParser.rfc3339(other)).as(other).isNull();
		}
	}

	@Test
	void readsClientRecordEvent() {
		DeliveryContent content = parse("""
				{"webhook":{"uuid":"5c1d7a0e-1111-4222-8333-944445555666","created_at":"2024-05-07T12:00:00Z",
				 "events":["record.finished"]},
				 "trigger":{"triggered_at":"2024-05-07T12:30:45Z","alias":"record.finished"},
				 "data":{"record":{"id":4567,"type":"client","show":"https://id.amiqus.co/api/v2/records/4567"},
				  "client":{"id":123,"show":"https://id.amiqus.co/api/v2/clients/123"},
				  "case":{"id":89,"show":"https://id.amiqus.co/api/v2/cases/89"}}}""");
		assertThat(content.alias()).isEqualTo("record.finished");
		assertThat(content.triggeredAt()).isEqualTo(Instant.parse("2024-05-07T12:30:45Z"));
		assertThat(content.webhookUuid()).isEqualTo("5c1d7a0e-1111-4222-8333-944445555666");
		assertThat(content.recordId()).isEqualTo(4567L);
		assertThat(content.recordType()).isEqualTo("client");
		assertThat(content.clientId()).isEqualTo(123L);
		assertThat(content.caseId()).isEqualTo(89L);
		assertThat(content.organisationId()).isNull();
		assertThat(content.json()).contains("record.finished");
	}

	@Test
	void readsOrganisationRecordEvent() {
		DeliveryContent content = parse("""
				{"trigger":{"alias":"record.created"},
				 "data":{"record":{"id":77,"type":"organisation"},"organisation":{"id":12}}}""");
		assertThat(content.recordType()).isEqualTo("organisation");
		assertThat(content.organisationId()).isEqualTo(12L);
		assertThat(content.clientId()).isNull();
		assertThat(content.triggeredAt()).isNull();
	}

	@Test
	void readsFormEvent() {
		DeliveryContent content = parse("""
				{"trigger":{"alias":"form.submitted","triggered_at":"2024-05-07T12:30:45+01:00"},
				 "data":{"form":{"reference":"2f0e8c9a-0000-4000-8000-00000000abcd"},"client":{"id":5},
				  "record":{"id":9,"type":"client"},"case":null}}""");
		assertThat(content.formReference()).isEqualTo("2f0e8c9a-0000-4000-8000-00000000abcd");
		assertThat(content.clientId()).isEqualTo(5L);
		assertThat(content.caseId()).isNull();
		assertThat(content.triggeredAt()).isEqualTo(Instant.parse("2024-05-07T11:30:45Z"));
	}

	@Test
	void readsClientDeletedWithOnlyAnId() {
		DeliveryContent content = parse(
				"{\"trigger\":{\"alias\":\"client.deleted\"},\"data\":{\"client\":{\"id\":31}}}");
		assertThat(content.alias()).isEqualTo("client.deleted");
		assertThat(content.clientId()).isEqualTo(31L);
	}

	@Test
	void readsBothPingShapes() {
		DeliveryContent deliveryLogShape = parse(
				"{\"uuid\":\"e3b0\",\"event\":\"ping\",\"sent_at\":\"2024-05-07T12:30:45Z\",\"data\":[\"ping\"]}");
		assertThat(deliveryLogShape.alias()).isEqualTo("ping");
		assertThat(deliveryLogShape.triggeredAt()).isEqualTo(Instant.parse("2024-05-07T12:30:45Z"));
		assertThat(deliveryLogShape.webhookUuid()).isNull();

		DeliveryContent olderShape = parse(
				"{\"webhook\":{\"uuid\":\"w-1\"},\"trigger\":{\"alias\":\"ping\"},\"data\":[\"ping\"]}");
		assertThat(olderShape.alias()).isEqualTo("ping");
		assertThat(olderShape.webhookUuid()).isEqualTo("w-1");
		assertThat(olderShape.recordId()).isNull();
	}

	@Test
	void acceptsIdsWrittenAsDigitStrings() {
		DeliveryContent content = parse("{\"data\":{\"client\":{\"id\":\"123\"},\"record\":{\"id\":\"0042\"}}}");
		assertThat(content.clientId()).isEqualTo(123L);
		assertThat(content.recordId()).isEqualTo(42L);
	}

	@Test
	void ignoresIdsOfTheWrongType() {
		DeliveryContent content = parse("""
				{"data":{"client":{"id":"abc"},"record":{"id":1.5},"case":{"id":{"nested":1}},
				 "organisation":{"id":123456789012345678901234567890}}}""");
		assertThat(content.clientId()).isNull();
		assertThat(content.recordId()).isNull();
		assertThat(content.caseId()).isNull();
		assertThat(content.organisationId()).isNull();
		assertThat(content.json()).isNotNull();
	}

	@Test
	void stripsControlCharactersAndBoundsText() {
		DeliveryContent content = parse("{\"trigger\":{\"alias\":\"record.\\u0000updated\",\"triggered_at\":\"soon\"},"
				+ "\"webhook\":{\"uuid\":\"" + "x".repeat(1000) + "\"}}");
		assertThat(content.alias()).isEqualTo("record.updated");
		assertThat(content.triggeredAt()).isNull();
		assertThat(content.webhookUuid()).hasSize(255);
	}

	@Test
	void keepsNothingButTheBytesOfANonJsonBody() {
		assertThat(parse("alias=record.updated&id=1")).isEqualTo(DeliveryContent.OPAQUE);
		assertThat(parse("")).isEqualTo(DeliveryContent.OPAQUE);
		assertThat(parser.parse(new byte[] { (byte) 0xC3, (byte) 0x28 })).isEqualTo(DeliveryContent.OPAQUE);
		assertThat(parse("[".repeat(5000))).isEqualTo(DeliveryContent.OPAQUE);
	}

	@Test
	void keepsJsonOfUnknownShapeWithoutFields() {
		DeliveryContent content = parse("[1,2,3]");
		assertThat(content.json()).isEqualTo("[1,2,3]");
		assertThat(content.alias()).isNull();
	}

	private DeliveryContent parse(String body) {
		return this.parser.parse(body.getBytes(StandardCharsets.UTF_8));
	}

}
