package dev.aqid.receiver.emulator;

import java.time.Instant;
import java.util.List;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.aqid.receiver.amiqus.Webhook;

/**
 * A webhook subscription as the emulator holds it: an immutable value, replaced whole on
 * every change, so that a copy can be read outside {@link EmulatorState}'s lock.
 */
record EmulatedWebhook(long id, String uuid, String secret, String url, List<String> events, boolean enabled,
		Instant createdAt, Instant updatedAt) {

	EmulatedWebhook {
		events = List.copyOf(events);
	}

	EmulatedWebhook withUrl(String url) {
		return new EmulatedWebhook(this.id, this.uuid, this.secret, url, this.events, this.enabled, this.createdAt,
				this.updatedAt);
	}

	EmulatedWebhook withEvents(List<String> events) {
		return new EmulatedWebhook(this.id, this.uuid, this.secret, this.url, events, this.enabled, this.createdAt,
				this.updatedAt);
	}

	EmulatedWebhook withEnabled(boolean enabled) {
		return new EmulatedWebhook(this.id, this.uuid, this.secret, this.url, this.events, enabled, this.createdAt,
				this.updatedAt);
	}

	EmulatedWebhook withUpdatedAt(Instant updatedAt) {
		return new EmulatedWebhook(this.id, this.uuid, this.secret, this.url, this.events, this.enabled, this.createdAt,
				updatedAt);
	}

	/**
	 * The API's webhook object.
	 */
	ObjectNode toJson() {
		ObjectNode node = EmulatorJson.object();
		node.put("object", "webhook");
		node.put("id", this.id);
		node.put("uuid", this.uuid);
		node.put("url", this.url);
		node.put("secret", this.secret);
		ArrayNode array = node.putArray("events");
		this.events.forEach(array::add);
		node.put("is_enabled", this.enabled);
		node.put("created_at", EmulatorJson.timestamp(this.createdAt));
		node.put("updated_at", EmulatorJson.timestamp(this.updatedAt));
		return node;
	}

	/**
	 * As the client's type, timestamps to the second as the API shows them.
	 */
	Webhook toWebhook() {
		return new Webhook(this.id, this.uuid, this.url, this.secret, this.events, this.enabled,
				Instant.parse(EmulatorJson.timestamp(this.createdAt)),
				Instant.parse(EmulatorJson.timestamp(this.updatedAt)));
	}

	/**
	 * Never shows the secret.
	 */
	@Override
	public String toString() {
		return "EmulatedWebhook[id=" + this.id + ", uuid=" + this.uuid + ", url=" + this.url + ", events=" + this.events
				+ ", enabled=" + this.enabled + "]";
	}

}
