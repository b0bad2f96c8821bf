package dev.aqid.receiver.enrichment;

import java.util.List;
import java.util.Set;

import dev.aqid.receiver.ingest.ClaimedEvent;
import org.springframework.stereotype.Component;

/**
 * Decides, from an event's alias and the ids in its payload, which Amiqus objects it
 * refers to (the reads listed per event category in amiqus-webhooks.md).
 */
@Component
class EnrichmentPlanner {

	/**
	 * Record events after which the record's steps, check results and reviews are worth
	 * reading: a watchlist update's monitoring result lives in the record's checks.
	 */
	private static final Set<String> RECORD_OUTCOMES = Set.of("record.finished", "record.reviewed", "record.unreviewed",
			"watchlist.updated");

	private final boolean eraseOnDeletionReminder;

	EnrichmentPlanner(ErasureProperties erasure) {
		this.eraseOnDeletionReminder = erasure.onDeletionReminder();
	}

	EnrichmentPlan plan(ClaimedEvent event) {
		String alias = (event.alias() != null) ? event.alias() : "";
		if (alias.equals("client.deleted")) {
			return (event.clientId() != null) ? new EnrichmentPlan.ForgetClient(event.clientId())
					: skip("client.deleted without a client id");
		}
		if (alias.equals("client.deletion_reminder_due") && this.eraseOnDeletionReminder) {
			return (event.clientId() != null) ? new EnrichmentPlan.EraseClient(event.clientId())
					: skip("client.deletion_reminder_due without a client id");
		}
		if (alias.equals("client.record") && event.recordId() != null && event.clientId() != null) {
			// A record was added to the client: the client and the record it carries.
			return new EnrichmentPlan.Fetch(List.of(Target.of(SnapshotKind.CLIENT, event.clientId(), event.clientId()),
					Target.of(SnapshotKind.RECORD, event.recordId(), event.clientId())));
		}
		if (alias.startsWith("client.")) {
			return fetchOne(event.clientId(), SnapshotKind.CLIENT, null, alias);
		}
		if (alias.startsWith("record.") || alias.equals("watchlist.updated")) {
			return planRecord(event, alias);
		}
		if (alias.equals("form.deleted")) {
			return (event.formReference() != null) ? new EnrichmentPlan.ForgetForm(event.formReference())
					: skip("form.deleted without a form reference");
		}
		if (alias.startsWith("form.")) {
			if (event.formReference() == null || event.clientId() == null) {
				return skip(alias + " without a form reference and client id");
			}
			return new EnrichmentPlan.Fetch(
					List.of(new Target(SnapshotKind.FORM, event.formReference(), event.clientId())));
		}
		if (alias.startsWith("case.")) {
			return fetchOne(event.caseId(), SnapshotKind.CASE, event.clientId(), alias);
		}
		if (alias.equals("ping")) {
			return skip("ping: nothing to fetch");
		}
		return skip(alias.isEmpty() ? "no alias: nothing to fetch" : "unknown alias " + alias + ": nothing to fetch");
	}

	private EnrichmentPlan planRecord(ClaimedEvent event, String alias) {
		if ("organisation".equals(event.recordType())) {
			return fetchOne(event.organisationId(), SnapshotKind.ORGANISATION, null, alias);
		}
		if (event.recordId() == null) {
			return skip(alias + " without a record id");
		}
		Target record = Target.of(SnapshotKind.RECORD, event.recordId(), event.clientId());
		if (RECORD_OUTCOMES.contains(alias)) {
			return new EnrichmentPlan.Fetch(
					List.of(record, Target.of(SnapshotKind.RECORD_STEPS, event.recordId(), event.clientId())));
		}
		return new EnrichmentPlan.Fetch(List.of(record));
	}

	private static EnrichmentPlan fetchOne(Long id, SnapshotKind kind, Long clientId, String alias) {
		if (id == null) {
			return skip(alias + " without a " + kind.column() + " id");
		}
		return new EnrichmentPlan.Fetch(
				List.of(Target.of(kind, id, (kind == SnapshotKind.CLIENT) ? Long.valueOf(id) : clientId)));
	}

	private static EnrichmentPlan skip(String reason) {
		return new EnrichmentPlan.Skip(reason);
	}

}
