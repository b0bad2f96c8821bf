package dev.aqid.receiver.amiqus;

import java.time.Instant;
import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * An Amiqus webhook subscription ({@code "object": "webhook"}).
 *
 * @param id the integer id the API's paths use
 * @param uuid the id deliveries name their subscription by ({@code webhook.uuid})
 * @param url where Amiqus delivers
 * @param secret the shared secret deliveries are signed with; never printed by
 * {@link #toString()}
 * @param events the subscribed event aliases, wildcards included
 * @param enabled {@code is_enabled}; false when the field is missing
 * @param createdAt null when missing or not a timestamp
 * @param updatedAt null when missing or not a timestamp
 */
public record Webhook(long id, String uuid, String url, String secret, List<String> events, boolean enabled,
		Instant createdAt, Instant updatedAt) {

	public Webhook {
		events = (events != null) ? List.copyOf(events) : List.of();
	}

	static Webhook from(JsonNode node) {
		Long id = AmiqusJson.longValue(node.path("id"));
		return new Webhook((id != null) ? id : 0L, AmiqusJson.text(node.path("uuid")),
				AmiqusJson.text(node.path("url")), AmiqusJson.text(node.path("secret")),
				AmiqusJson.strings(node.path("events")), AmiqusJson.booleanValue(node.path("is_enabled"), false),
				AmiqusJson.instant(node.path("created_at")), AmiqusJson.instant(node.path("updated_at")));
	}

	/**
	 * Everything but the secret, which signs deliveries and must not reach logs.
	 */
	@Override
	public String toString() {
		return "Webhook[id=" + this.id + ", uuid=" + this.uuid + ", url=" + this.url + ", secret="
				+ ((this.secret != null) ? "******" : "null") + ", events=" + this.events + ", enabled=" + this.enabled
				+ ", createdAt=" + this.createdAt + ", updatedAt=" + this.updatedAt + "]";
	}

}
