package dev.aqid.receiver.registrar;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * {@code receiver_registrar_reconciles_total{outcome}} (in_sync, created, updated,
 * reenabled, dry_run, error), {@code receiver_registrar_backfilled_total} and
 * {@code receiver_registrar_leader} (1 on the leading replica).
 */
@Component
class RegistrarMetrics {

	private final MeterRegistry registry;

	private final Counter backfilled;

	RegistrarMetrics(MeterRegistry registry, RegistrarLeadership leadership) {
		this.registry = registry;
		this.backfilled = Counter.builder("receiver.registrar.backfilled")
			.description("Deliveries stored from the Amiqus delivery log that had not reached us")
			.register(registry);
		Gauge.builder("receiver.registrar.leader", leadership, (lead) -> lead.leads() ? 1 : 0)
			.description("1 when this replica leads the registrar")
			.register(registry);
	}

	void reconciled(String outcome) {
		Counter.builder("receiver.registrar.reconciles")
			.description("Registrar reconciles by outcome")
			.tag("outcome", outcome)
			.register(this.registry)
			.increment();
	}

	void backfilled(int count) {
		this.backfilled.increment(count);
	}

}
