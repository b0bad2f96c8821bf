package dev.aqid.receiver.registrar;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * {@code receiver_registrar_reconciles_total{outcome}} (in_sync, created, updated,
 * reenabled, dry_run, error), {@code receiver_registrar_backfilled_total},
 * {@code receiver_registrar_leader} (1 on the leading replica) and
 * {@code receiver_registrar_subscription_enabled} (1 when the last reconcile left our
 * webhook enabled at Amiqus, 0 when disabled, NaN before any reconcile on this replica).
 * The outcome counters exist from the start at 0, so that an alert on their increase sees
 * the first re-enable too (a series that appears at 1 has no increase).
 */
@Component
class RegistrarMetrics {

	private final MeterRegistry registry;

	private static final List<String> OUTCOMES = List.of("in_sync", "created", "updated", "reenabled", "dry_run",
			"error");

	private final Counter backfilled;

	private final AtomicReference<Double> subscriptionEnabled = new AtomicReference<>(Double.NaN);

	RegistrarMetrics(MeterRegistry registry, RegistrarLeadership leadership) {
		this.registry = registry;
		OUTCOMES.forEach(this::reconciles);
		this.backfilled = Counter.builder("receiver.registrar.backfilled")
			.description("Deliveries stored from the Amiqus delivery log that had not reached us")
			.register(registry);
		Gauge.builder("receiver.registrar.leader", leadership, (lead) -> lead.leads() ? 1 : 0)
			.description("1 when this replica leads the registrar")
			.register(registry);
		Gauge.builder("receiver.registrar.subscription.enabled", this.subscriptionEnabled, AtomicReference::get)
			.description("1 when the last reconcile left our webhook enabled at Amiqus, 0 when disabled")
			.register(registry);
	}

	void reconciled(String outcome) {
		reconciles(outcome).increment();
	}

	private Counter reconciles(String outcome) {
		return Counter.builder("receiver.registrar.reconciles")
			.description("Registrar reconciles by outcome")
			.tag("outcome", outcome)
			.register(this.registry);
	}

	void subscriptionEnabled(boolean enabled) {
		this.subscriptionEnabled.set(enabled ? 1.0 : 0.0);
	}

	void backfilled(int count) {
		this.backfilled.increment(count);
	}

}
