package dev.aqid.receiver.emulator;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.validation.groups.Default;

/**
 * A {@code POST} or {@code PATCH /webhooks} body, validated by Spring as Amiqus checks
 * it. Messages are Laravel's, as Amiqus's are: {@code :attribute} becomes the field's
 * path ({@link EmulatorErrors}).
 *
 * @param url the URL; required when creating
 * @param events the event aliases, wildcards allowed; at least one, required when
 * creating
 * @param enabled {@code is_enabled}, or null when absent
 */
record WebhookBody(@NotBlank(groups = Creating.class, message = WebhookBody.REQUIRED) @HttpUrl String url,
		@NotNull(groups = Creating.class, message = WebhookBody.REQUIRED) @Size(min = 1,
				message = WebhookBody.REQUIRED) List<@NotBlank(
						message = "The :attribute field must be a string.") String> events,
		@JsonProperty("is_enabled") Boolean enabled) {

	static final String REQUIRED = "The :attribute field is required.";

	/** Trimmed, as Amiqus stores them. */
	WebhookBody {
		url = (url != null) ? url.trim() : null;
		events = (events != null) ? events.stream().map((event) -> (event != null) ? event.trim() : null).toList()
				: null;
	}

	/**
	 * Creating a webhook: {@code url} and {@code events} are required, besides every
	 * check a change gets.
	 */
	interface Creating extends Default {

	}

}
