package dev.aqid.receiver.registrar;

import java.time.Instant;
import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/subscription}: the registrar's view, desired against actual. The secret
 * is never shown.
 */
@RestController
class SubscriptionController {

	private final RegistrarProperties properties;

	private final SubscriptionStore store;

	private final Registrar registrar;

	SubscriptionController(RegistrarProperties properties, SubscriptionStore store, Registrar registrar) {
		this.properties = properties;
		this.store = store;
		this.registrar = registrar;
	}

	@GetMapping("/api/subscription")
	SubscriptionView subscription() {
		SubscriptionState state = this.store.load().orElse(null);
		Desired desired = new Desired(this.properties.active() ? this.properties.url().toString() : null,
				this.properties.events(), this.properties.enabled());
		Actual actual = (state == null || state.webhookId() == null) ? null : new Actual(state.webhookId(),
				state.webhookUuid(), state.url(), state.events(), state.enabled(), state.secret() != null);
		boolean inSync = actual != null && desired.url() != null
				&& SubscriptionReconciler.sameUrl(actual.url(), desired.url())
				&& Boolean.valueOf(desired.enabled()).equals(actual.enabled())
				&& actual.events().containsAll(desired.events()) && desired.events().containsAll(actual.events());
		return new SubscriptionView(this.properties.active(), this.properties.dryRun(), this.registrar.leads(), desired,
				actual, inSync,
				(state == null) ? null
						: new Reconcile(state.lastReconcileAt(), state.lastReconcileOutcome(),
								state.lastReconcileError(), state.duplicates(), state.reenabledCount()),
				(state == null) ? null : new Backfill(state.lastBackfillScanAt(), state.lastBackfillOutcome(),
						state.backfilledTotal()));
	}

	record SubscriptionView(boolean registrarEnabled, boolean dryRun, boolean thisInstanceLeads, Desired desired,
			Actual actual, boolean inSync, Reconcile lastReconcile, Backfill lastBackfill) {

	}

	record Desired(String url, List<String> events, boolean enabled) {

	}

	record Actual(long webhookId, String webhookUuid, String url, List<String> events, Boolean enabled,
			boolean secretKnown) {

	}

	record Reconcile(Instant at, String outcome, String error, List<Long> duplicateWebhookIds, int reenabledCount) {

	}

	record Backfill(Instant scanAt, String outcome, long backfilledTotal) {

	}

}
