package dev.aqid.receiver.emulator;

import java.time.Duration;
import java.time.Instant;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The demo scenario's entities and event data, shaped like Amiqus's and plainly fake
 * ("Demo Person", example.com).
 */
final class DemoData {

	/** How long a demo record stays open, as {@code expired_at} says. */
	private static final Duration RECORD_LIFETIME = Duration.ofDays(30);

	private DemoData() {
	}

	static JsonNode client(long id, String email, String now) {
		ObjectNode client = EmulatorJson.object();
		client.put("object", "client");
		client.put("id", id);
		client.put("status", "pending");
		ObjectNode name = client.putObject("name");
		name.putNull("title");
		name.put("first_name", "Demo");
		name.putNull("middle_name");
		name.put("last_name", "Person");
		client.put("email", email);
		client.putNull("landline");
		client.putNull("mobile");
		client.putNull("dob");
		client.put("reference", "demo-" + id);
		client.put("is_deletable", true);
		client.put("created_at", now);
		client.put("updated_at", now);
		client.putNull("archived_at");
		return client;
	}

	/**
	 * A client record with the given steps (kept expanded; the API collapses them as
	 * Amiqus does). It expires 30 days after it was created.
	 */
	static JsonNode record(long id, long clientId, String email, String status, Instant createdAt, Instant updatedAt,
			JsonNode steps) {
		ObjectNode record = EmulatorJson.object();
		record.put("object", "record");
		record.put("id", id);
		record.put("status", status);
		record.put("email", email);
		record.put("client", clientId);
		record.set("steps", steps.deepCopy());
		record.put("has_reminders", false);
		record.put("created_at", EmulatorJson.timestamp(createdAt));
		record.put("updated_at", EmulatorJson.timestamp(updatedAt));
		record.put("expired_at", EmulatorJson.timestamp(createdAt.plus(RECORD_LIFETIME)));
		record.putNull("archived_at");
		return record;
	}

	/**
	 * A photo ID check and an identity check, both pending, or both accepted and
	 * completed at {@code completedAt}.
	 * @param completedAt when the checks completed, or null while they are pending
	 */
	static JsonNode steps(long recordId, Instant createdAt, Instant completedAt) {
		ArrayNode steps = EmulatorJson.MAPPER.createArrayNode();
		ObjectNode photoId = step(recordId, recordId * 10 + 1, "photo_id", createdAt, completedAt);
		ObjectNode preferences = photoId.putObject("preferences");
		preferences.put("report_type", "standard");
		preferences.put("facial_similarity", false);
		preferences.put("live_document", false);
		preferences.putArray("docs").add("passport").add("driving_licence");
		preferences.putNull("issuing_countries");
		steps.add(photoId);
		steps.add(step(recordId, recordId * 10 + 2, "identity", createdAt, completedAt));
		return steps;
	}

	private static ObjectNode step(long recordId, long id, String checkType, Instant createdAt, Instant completedAt) {
		ObjectNode step = EmulatorJson.object();
		step.put("object", "step");
		step.put("id", id);
		step.put("type", "check." + checkType);
		ObjectNode check = step.putObject("check");
		check.put("object", "check");
		check.put("id", id);
		check.put("type", checkType);
		check.put("record", recordId);
		check.put("status", (completedAt != null) ? "accepted" : "pending");
		check.putNull("response");
		check.put("created_at", EmulatorJson.timestamp(createdAt));
		check.put("updated_at", EmulatorJson.timestamp((completedAt != null) ? completedAt : createdAt));
		step.putNull("review");
		step.put("cost", 1);
		if (completedAt != null) {
			step.put("completed_at", EmulatorJson.timestamp(completedAt));
		}
		else {
			step.putNull("completed_at");
		}
		return step;
	}

	static JsonNode clientEvent(String baseUrl, long clientId) {
		ObjectNode data = EmulatorJson.object();
		data.set("client", link(baseUrl + AmiqusEmulator.clientPath(clientId), clientId));
		return data;
	}

	static JsonNode recordEvent(String baseUrl, long recordId, long clientId) {
		ObjectNode data = EmulatorJson.object();
		ObjectNode record = link(baseUrl + AmiqusEmulator.recordPath(recordId), recordId);
		record.put("type", "client");
		record.put("download", baseUrl + AmiqusEmulator.recordPath(recordId) + "/download");
		data.set("record", record);
		data.set("client", link(baseUrl + AmiqusEmulator.clientPath(clientId), clientId));
		data.putNull("case");
		return data;
	}

	private static ObjectNode link(String show, long id) {
		ObjectNode link = EmulatorJson.object();
		link.put("id", id);
		link.put("show", show);
		return link;
	}

}
