package dev.aqid.receiver.registrar;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.aqid.receiver.amiqus.AmiqusClient;
import dev.aqid.receiver.amiqus.Webhook;
import dev.aqid.receiver.amiqus.WebhookRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Brings our webhook at Amiqus to the desired state: finds it by URL on every page of
 * {@code GET /webhooks}, creates it when missing, patches its events or re-enables it
 * when they differ, and learns its secret. Webhooks with other URLs are never touched;
 * other webhooks with our URL are reported, and deleted only when configured to.
 */
@Component
class SubscriptionReconciler {

	private static final Logger log = LoggerFactory.getLogger(SubscriptionReconciler.class);

	private final AmiqusClient amiqus;

	private final SubscriptionStore store;

	private final RegistrarProperties properties;

	private final RegistrarMetrics metrics;

	SubscriptionReconciler(AmiqusClient amiqus, SubscriptionStore store, RegistrarProperties properties,
			RegistrarMetrics metrics) {
		this.amiqus = amiqus;
		this.store = store;
		this.properties = properties;
		this.metrics = metrics;
	}

	/**
	 * One reconcile. Amiqus API faults propagate to the caller, which records them.
	 * @return our webhook as it now is at Amiqus, empty in a dry run that would create it
	 */
	Optional<Webhook> reconcile() {
		String desiredUrl = this.properties.url().toString();
		List<Webhook> ours = this.amiqus.allWebhooks()
			.stream()
			.filter((webhook) -> sameUrl(webhook.url(), desiredUrl))
			.sorted(preferred())
			.toList();
		if (ours.isEmpty()) {
			return create(desiredUrl);
		}
		Webhook kept = ours.get(0);
		List<Long> duplicates = handleDuplicates(ours.subList(1, ours.size()));
		boolean eventsDiffer = !new HashSet<>(kept.events()).equals(new HashSet<>(this.properties.events()));
		boolean enabledDiffers = kept.enabled() != this.properties.enabled();
		if (!eventsDiffer && !enabledDiffers) {
			Webhook withSecret = (kept.secret() != null) ? kept : this.amiqus.webhook(kept.id());
			this.store.saveWebhook(withSecret, this.properties.secretGracePeriod());
			this.store.recordReconcile("in_sync", null, duplicates, false);
			this.metrics.reconciled("in_sync");
			return Optional.of(withSecret);
		}
		boolean reenabling = !kept.enabled() && this.properties.enabled();
		if (reenabling) {
			log.warn("Our Amiqus webhook {} is disabled (Amiqus disables a webhook after repeated failed "
					+ "deliveries): re-enabling it", kept.id());
		}
		if (eventsDiffer) {
			log.warn("Our Amiqus webhook {} subscribes to {} instead of {}: restoring", kept.id(), kept.events(),
					this.properties.events());
		}
		if (this.properties.dryRun()) {
			log.warn("Dry run: would PATCH webhook {} to events {} and enabled {}", kept.id(), this.properties.events(),
					this.properties.enabled());
			this.store.saveWebhook(kept, this.properties.secretGracePeriod());
			this.store.recordReconcile("dry_run: would update", null, duplicates, false);
			this.metrics.reconciled("dry_run");
			return Optional.of(kept);
		}
		Webhook updated = this.amiqus.updateWebhook(kept.id(), new WebhookRequest(null,
				eventsDiffer ? this.properties.events() : null, enabledDiffers ? this.properties.enabled() : null));
		Webhook withSecret = (updated.secret() != null) ? updated : this.amiqus.webhook(kept.id());
		this.store.saveWebhook(withSecret, this.properties.secretGracePeriod());
		this.store.recordReconcile(reenabling ? "reenabled" : "updated", null, duplicates, reenabling);
		this.metrics.reconciled(reenabling ? "reenabled" : "updated");
		return Optional.of(withSecret);
	}

	private Optional<Webhook> create(String url) {
		if (this.properties.dryRun()) {
			log.warn("Dry run: would create an Amiqus webhook for {} with events {}", url, this.properties.events());
			this.store.recordReconcile("dry_run: would create", null, List.of(), false);
			this.metrics.reconciled("dry_run");
			return Optional.empty();
		}
		Webhook created = this.amiqus
			.createWebhook(new WebhookRequest(url, this.properties.events(), this.properties.enabled()));
		log.info("Created Amiqus webhook {} for {} with events {}", created.id(), url, created.events());
		Webhook withSecret = (created.secret() != null) ? created : this.amiqus.webhook(created.id());
		this.store.saveWebhook(withSecret, this.properties.secretGracePeriod());
		this.store.recordReconcile("created", null, List.of(), false);
		this.metrics.reconciled("created");
		return Optional.of(withSecret);
	}

	private List<Long> handleDuplicates(List<Webhook> duplicates) {
		List<Long> ids = new ArrayList<>();
		for (Webhook duplicate : duplicates) {
			ids.add(duplicate.id());
			if (this.properties.deleteDuplicates() && !this.properties.dryRun()) {
				log.warn("Deleting Amiqus webhook {}: a second webhook for our URL", duplicate.id());
				this.amiqus.deleteWebhook(duplicate.id());
			}
			else {
				log.warn("Amiqus webhook {} also delivers to our URL; leaving it (set "
						+ "amiqus.registrar.delete-duplicates=true to delete it)", duplicate.id());
			}
		}
		return (this.properties.deleteDuplicates() && !this.properties.dryRun()) ? List.of() : ids;
	}

	/** Keep the enabled one, then the oldest. */
	private static Comparator<Webhook> preferred() {
		return Comparator.comparing((Webhook webhook) -> !webhook.enabled()).thenComparingLong(Webhook::id);
	}

	static boolean sameUrl(String a, String b) {
		return a != null && b != null && normalise(a).equals(normalise(b));
	}

	private static String normalise(String url) {
		String trimmed = url.trim();
		try {
			URI uri = URI.create(trimmed);
			String path = (uri.getRawPath() == null) ? "" : uri.getRawPath().replaceAll("/+$", "");
			return (uri.getScheme() + "://" + uri.getRawAuthority()).toLowerCase(Locale.ROOT) + path
					+ ((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : "");
		}
		catch (IllegalArgumentException ex) {
			return trimmed.replaceAll("/+$", "");
		}
	}

}
