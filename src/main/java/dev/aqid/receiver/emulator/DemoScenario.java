package dev.aqid.receiver.emulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.JsonNode;

/**
 * The demo's short story: a client is created, a record is created for it, the record
 * finishes. Puts the (clearly fake) client, record and steps, changing them as the story
 * goes, and sends {@code client.created}, {@code record.created} and
 * {@code record.finished} in that order. Each run uses new ids.
 */
class DemoScenario {

	private final EmulatorState state;

	private final WebhookSender sender;

	private final AtomicLong runs = new AtomicLong();

	DemoScenario(EmulatorState state, WebhookSender sender) {
		this.state = state;
		this.sender = sender;
	}

	/**
	 * @param baseUrl the emulated API's base URL, for the links in the payloads
	 * @return the deliveries' results in the order sent
	 */
	List<DeliveryResult> run(String baseUrl) {
		long run = this.runs.incrementAndGet();
		long clientId = 1000 + run;
		long recordId = 5000 + run;
		String email = "demo.person+" + run + "@example.com";
		Instant created = this.state.now();
		this.state.putEntity(AmiqusEmulator.clientPath(clientId),
				DemoData.client(clientId, email, EmulatorJson.timestamp(created)));
		List<DeliveryResult> results = new ArrayList<>(
				this.sender.send("client.created", DemoData.clientEvent(baseUrl, clientId)));
		JsonNode pending = DemoData.steps(recordId, created, null);
		put(recordId, DemoData.record(recordId, clientId, email, "pending", created, created, pending), pending);
		results.addAll(this.sender.send("record.created", DemoData.recordEvent(baseUrl, recordId, clientId)));
		Instant finished = this.state.now();
		JsonNode accepted = DemoData.steps(recordId, created, finished);
		put(recordId, DemoData.record(recordId, clientId, email, "complete", created, finished, accepted), accepted);
		results.addAll(this.sender.send("record.finished", DemoData.recordEvent(baseUrl, recordId, clientId)));
		return results;
	}

	private void put(long recordId, JsonNode record, JsonNode steps) {
		this.state.putEntity(AmiqusEmulator.recordPath(recordId), record);
		this.state.putEntity(AmiqusEmulator.recordPath(recordId) + "/steps", steps);
	}

}
