package dev.aqid.receiver.forwarding;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The destinations events are forwarded to: {@code receiver.destinations[N].*}, from the
 * environment as {@code RECEIVER_DESTINATIONS_N_URL} and so on. Checked by
 * {@link Destinations} at start-up.
 *
 * @param destinations each destination, N from 0
 */
@ConfigurationProperties("receiver")
record DestinationsProperties(@DefaultValue List<Entry> destinations) {

	/**
	 * One destination as configured.
	 *
	 * @param url the internal HTTP endpoint (required)
	 * @param events comma-separated aliases, wildcards as in Amiqus ({@code *},
	 * {@code record.*}); default {@code *}
	 * @param secret Standard Webhooks secret, {@code whsec_} + base64 of the key bytes
	 * (required); several separated by spaces while rotating
	 * @param name for logs, metrics and the API; default {@code destination-N}
	 * @param maxAttempts attempts before a delivery is {@code failed}; default
	 * {@code receiver.forwarding.max-attempts}
	 * @param workers worker threads (concurrent attempts) for it per instance; default
	 * {@code receiver.forwarding.workers-per-destination}
	 */
	record Entry(@Nullable String url, @Nullable String events, @Nullable String secret, @Nullable String name,
			@Nullable Integer maxAttempts, @Nullable Integer workers) {

	}

}
