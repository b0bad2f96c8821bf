package dev.aqid.receiver.registrar;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import dev.aqid.receiver.amiqus.SubscribableEvents;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The subscription the registrar keeps at Amiqus, and how.
 *
 * @param url our public webhook URL; unset: the registrar is off
 * @param events the events to subscribe to (wildcards allowed); one Amiqus does not offer
 * (a typo such as {@code recrod.finished}) stops start-up
 * @param enabled whether the subscription should be enabled
 * @param interval how often to reconcile and backfill
 * @param dryRun log what would change at Amiqus instead of changing it
 * @param deleteDuplicates delete other webhooks with our URL (otherwise only report them)
 * @param secretGracePeriod how long the previous secret stays accepted after it changed
 * @param secretRefresh how often every replica reloads the learned secret
 * @param backfillInitialLookback how far back the first backfill scan reads
 * @param backfillOverlap how far before the previous scan each scan starts reading again
 * @param backfillMaxPages the most delivery-log pages one scan reads
 */
@ConfigurationProperties("amiqus.registrar")
record RegistrarProperties(URI url, @DefaultValue("*") List<String> events, @DefaultValue("true") boolean enabled,
		@DefaultValue("5m") Duration interval, @DefaultValue("false") boolean dryRun,
		@DefaultValue("false") boolean deleteDuplicates, @DefaultValue("1h") Duration secretGracePeriod,
		@DefaultValue("10s") Duration secretRefresh, @DefaultValue("24h") Duration backfillInitialLookback,
		@DefaultValue("10m") Duration backfillOverlap, @DefaultValue("20") int backfillMaxPages) {

	public RegistrarProperties {
		events = events.stream().map(String::trim).filter((event) -> !event.isEmpty()).distinct().toList();
		if (events.isEmpty()) {
			events = List.of("*");
		}
		List<String> unknown = events.stream().filter((event) -> !SubscribableEvents.isSubscribable(event)).toList();
		if (!unknown.isEmpty()) {
			throw new IllegalArgumentException("amiqus.registrar.events (AMIQUS_REGISTRAR_EVENTS) names "
					+ ((unknown.size() == 1) ? "an event" : "events") + " Amiqus does not offer: "
					+ String.join(", ", unknown) + ". A webhook can subscribe to "
					+ String.join(", ", SubscribableEvents.ALL));
		}
		if (interval.isNegative() || interval.isZero()) {
			throw new IllegalArgumentException("amiqus.registrar.interval must be positive");
		}
	}

	boolean active() {
		return this.url != null && !this.url.toString().isBlank();
	}

}
