package dev.aqid.receiver.registrar;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.aqid.receiver.amiqus.Webhook;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The registrar's changes to its {@link Subscription}, each in one short transaction (the
 * row is created by the first of them).
 */
@Service
@Transactional
class SubscriptionStore {

	private final Subscriptions subscriptions;

	private final Clock clock;

	SubscriptionStore(Subscriptions subscriptions, Clock clock) {
		this.subscriptions = subscriptions;
		this.clock = clock;
	}

	@Transactional(readOnly = true)
	Optional<SubscriptionState> load() {
		return this.subscriptions.current().map(Subscription::state);
	}

	void saveWebhook(Webhook webhook, Duration secretGracePeriod) {
		Instant now = this.clock.instant();
		currentOrNew(now).webhookSeen(webhook, secretGracePeriod, now);
	}

	void recordReconcile(String outcome, @Nullable String error, List<Long> duplicates, boolean reenabled) {
		Instant now = this.clock.instant();
		currentOrNew(now).reconciled(outcome, error, duplicates, reenabled, now);
	}

	void recordBackfill(Instant scanStartedAt, String outcome, int stored) {
		Instant now = this.clock.instant();
		this.subscriptions.current()
			.ifPresent((subscription) -> subscription.backfillScanned(scanStartedAt, outcome, stored, now));
	}

	@Transactional(readOnly = true)
	List<String> acceptedSecrets() {
		Instant now = this.clock.instant();
		return this.subscriptions.current().map((subscription) -> subscription.acceptedSecrets(now)).orElse(List.of());
	}

	private Subscription currentOrNew(Instant now) {
		return this.subscriptions.current().orElseGet(() -> this.subscriptions.save(new Subscription(now)));
	}

}
