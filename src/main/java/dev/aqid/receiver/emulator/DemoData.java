package dev.aqid.receiver.emulator;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The demo scenario's entities and event data, shaped like Amiqus's and plainly fake
 * ("Demo Person", example.com).
 */
final class DemoData {

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

	static JsonNode record(long id, long clientId, String email, String status, String updatedAt) {
		ObjectNode record = EmulatorJson.object();
		record.put("object", "record");
		record.put("id", id);
		record.put("status", status);
		record.put("email", email);
		record.put("client", clientId);
		record.putArray("steps").add(id * 10 + 1).add(id * 10 + 2);
		record.put("has_reminders", false);
		record.put("created_at", updatedAt);
		record.put("updated_at", updatedAt);
		record.putNull("expired_at");
		record.putNull("archived_at");
		return record;
	}

	static JsonNode steps(long recordId, String status) {
		var steps = EmulatorJson.MAPPER.createArrayNode();
		steps.add(step(recordId * 10 + 1, "photo_id", status));
		steps.add(step(recordId * 10 + 2, "watchlist", status));
		return steps;
	}

	private static JsonNode step(long id, String checkType, String status) {
		ObjectNode step = EmulatorJson.object();
		step.put("object", "step");
		step.put("id", id);
		step.put("type", "check");
		ObjectNode check = step.putObject("check");
		check.put("object", "check");
		check.put("id", id);
		check.put("type", checkType);
		check.put("status", status);
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
