package dev.aqid.receiver.registrar;

import java.time.Instant;
import java.util.List;

/**
 * The stored subscription row. {@link #toString()} leaves the secrets out.
 */
record SubscriptionState(Long webhookId, String webhookUuid, String url, List<String> events, Boolean enabled,
		String secret, String previousSecret, Instant previousSecretUntil, Instant lastReconcileAt,
		String lastReconcileOutcome, String lastReconcileError, List<Long> duplicates, int reenabledCount,
		Instant lastBackfillScanAt, String lastBackfillOutcome, long backfilledTotal) {

	@Override
	public String toString() {
		return "SubscriptionState[webhookId=" + this.webhookId + ", url=" + this.url + ", events=" + this.events
				+ ", enabled=" + this.enabled + ", lastReconcileOutcome=" + this.lastReconcileOutcome + "]";
	}

}
