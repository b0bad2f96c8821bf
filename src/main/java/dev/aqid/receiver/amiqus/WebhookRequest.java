package dev.aqid.receiver.amiqus;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of {@code POST /webhooks} and {@code PATCH /webhooks/{id}}. Null fields are
 * not sent, so a PATCH changes only what is set.
 *
 * @param url the delivery URL
 * @param events event aliases to subscribe to (wildcards allowed), non-empty when set
 * @param enabled sent as {@code is_enabled}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WebhookRequest(@JsonProperty("url") String url, @JsonProperty("events") List<String> events,
		@JsonProperty("is_enabled") Boolean enabled) {

	/**
	 * A PATCH that only enables or disables the subscription.
	 * @param enabled the new state
	 * @return a request with only {@code is_enabled} set
	 */
	public static WebhookRequest ofEnabled(boolean enabled) {
		return new WebhookRequest(null, null, enabled);
	}

}
