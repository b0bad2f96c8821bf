package dev.aqid.receiver.registrar;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;

/**
 * The registrar's view of the subscription, desired against actual, for
 * {@code GET /api/subscription} and the console. The secret is never part of it.
 */
@Service
public class SubscriptionOverview {

	private final RegistrarProperties properties;

	private final SubscriptionStore store;

	private final Registrar registrar;

	SubscriptionOverview(RegistrarProperties properties, SubscriptionStore store, Registrar registrar) {
		this.properties = properties;
		this.store = store;
		this.registrar = registrar;
	}

	public SubscriptionView current() {
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

	/**
	 * The subscription as the registrar sees it.
	 *
	 * @param registrarEnabled whether the registrar runs (a URL and a token are set)
	 * @param dryRun whether it only logs what it would change
	 * @param thisInstanceLeads whether this instance holds the registrar lead
	 * @param desired what should be subscribed
	 * @param actual what Amiqus has, as last seen; null before the first reconcile
	 * @param inSync whether actual matches desired
	 * @param lastReconcile the last reconcile; null before the first
	 * @param lastBackfill the last backfill scan; null before the first
	 */
	public record SubscriptionView(boolean registrarEnabled, boolean dryRun, boolean thisInstanceLeads, Desired desired,
			@Nullable Actual actual, boolean inSync, @Nullable Reconcile lastReconcile,
			@Nullable Backfill lastBackfill) {

	}

	public record Desired(@Nullable String url, List<String> events, boolean enabled) {

	}

	public record Actual(long webhookId, @Nullable String webhookUuid, @Nullable String url, List<String> events,
			@Nullable Boolean enabled, boolean secretKnown) {

	}

	public record Reconcile(@Nullable Instant at, @Nullable String outcome, @Nullable String error,
			List<Long> duplicateWebhookIds, int reenabledCount) {

	}

	public record Backfill(@Nullable Instant scanAt, @Nullable String outcome, long backfilledTotal) {

	}

}
