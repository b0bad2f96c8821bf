package dev.aqid.receiver.registrar;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import dev.aqid.receiver.amiqus.Webhook;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

/**
 * Our webhook subscription at Amiqus as the registrar last saw it (one row): the webhook
 * and its secret, and how reconciling and backfilling went. The registrar's leader is its
 * only writer. The secrets are stored sealed with {@code RECEIVER_ENCRYPTION_KEY} when
 * one is set ({@link SealedSecret}). {@link #toString()} leaves the secrets out.
 */
@Entity
@Table(name = "subscription")
class Subscription {

	@Id
	private Boolean singleton = Boolean.TRUE;

	@Column(name = "webhook_id")
	private @Nullable Long webhookId;

	@Column(name = "webhook_uuid")
	private @Nullable String webhookUuid;

	private @Nullable String url;

	@Column(columnDefinition = "text[]")
	private String @Nullable [] events;

	private @Nullable Boolean enabled;

	@Convert(converter = SealedSecret.class)
	private @Nullable String secret;

	@Convert(converter = SealedSecret.class)
	@Column(name = "previous_secret")
	private @Nullable String previousSecret;

	@Column(name = "previous_secret_until")
	private @Nullable Instant previousSecretUntil;

	@Column(name = "last_reconcile_at")
	private @Nullable Instant lastReconcileAt;

	@Column(name = "last_reconcile_outcome")
	private @Nullable String lastReconcileOutcome;

	@Column(name = "last_reconcile_error")
	private @Nullable String lastReconcileError;

	@Column(columnDefinition = "bigint[]", nullable = false)
	private Long[] duplicates = new Long[0];

	@Column(name = "reenabled_count", nullable = false)
	private int reenabledCount;

	@Column(name = "last_backfill_scan_at")
	private @Nullable Instant lastBackfillScanAt;

	@Column(name = "last_backfill_outcome")
	private @Nullable String lastBackfillOutcome;

	@Column(name = "backfilled_total", nullable = false)
	private long backfilledTotal;

	@Column(name = "updated_at", nullable = false)
	private Instant updatedAt;

	protected Subscription() {
		this.updatedAt = Instant.EPOCH;
	}

	Subscription(Instant now) {
		this.updatedAt = now;
	}

	/**
	 * Takes what Amiqus said of our webhook. When its secret changed (the webhook was
	 * re-created), the old one stays accepted for the grace period, so that retries of
	 * deliveries signed with it still verify.
	 */
	void webhookSeen(Webhook webhook, Duration secretGracePeriod, Instant now) {
		this.webhookId = webhook.id();
		this.webhookUuid = webhook.uuid();
		this.url = webhook.url();
		this.events = webhook.events().toArray(String[]::new);
		this.enabled = webhook.enabled();
		String learned = webhook.secret();
		if (learned != null && this.secret != null && !learned.equals(this.secret)) {
			this.previousSecret = this.secret;
			this.previousSecretUntil = now.plus(secretGracePeriod);
		}
		if (learned != null) {
			this.secret = learned;
		}
		this.updatedAt = now;
	}

	void reconciled(String outcome, @Nullable String error, List<Long> duplicates, boolean reenabled, Instant now) {
		this.lastReconcileAt = now;
		this.lastReconcileOutcome = outcome;
		this.lastReconcileError = error;
		this.duplicates = duplicates.toArray(Long[]::new);
		this.reenabledCount += reenabled ? 1 : 0;
		this.updatedAt = now;
	}

	void backfillScanned(Instant scanStartedAt, String outcome, int stored, Instant now) {
		this.lastBackfillScanAt = scanStartedAt;
		this.lastBackfillOutcome = outcome;
		this.backfilledTotal += stored;
		this.updatedAt = now;
	}

	/**
	 * The learned secrets to accept now: the current one and a previous one in its grace
	 * period.
	 */
	List<String> acceptedSecrets(Instant now) {
		List<String> accepted = new ArrayList<>();
		if (this.secret != null && !this.secret.isEmpty()) {
			accepted.add(this.secret);
		}
		if (this.previousSecret != null && !this.previousSecret.isEmpty() && this.previousSecretUntil != null
				&& this.previousSecretUntil.isAfter(now)) {
			accepted.add(this.previousSecret);
		}
		return List.copyOf(accepted);
	}

	SubscriptionState state() {
		return new SubscriptionState(this.webhookId, this.webhookUuid, this.url,
				(this.events != null) ? List.of(this.events) : List.of(), this.enabled, this.secret,
				this.previousSecret, this.previousSecretUntil, this.lastReconcileAt, this.lastReconcileOutcome,
				this.lastReconcileError, Arrays.asList(this.duplicates), this.reenabledCount, this.lastBackfillScanAt,
				this.lastBackfillOutcome, this.backfilledTotal);
	}

	@Override
	public String toString() {
		return "Subscription[webhookId=" + this.webhookId + ", url=" + this.url + ", enabled=" + this.enabled
				+ ", lastReconcileOutcome=" + Objects.toString(this.lastReconcileOutcome) + "]";
	}

}
