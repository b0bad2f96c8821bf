package dev.aqid.receiver.enrichment;

import java.time.Instant;
import java.util.List;

import dev.aqid.receiver.ingest.ClaimedEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EnrichmentPlannerTests {

	private final EnrichmentPlanner planner = new EnrichmentPlanner(new ErasureProperties(false));

	@Test
	void fetchesTheClientForClientEvents() {
		assertThat(plan("client.updated", null, null, 7L, null, null, null))
			.isEqualTo(fetch(new Target(SnapshotKind.CLIENT, "7", 7L)));
	}

	@Test
	void forgetsTheClientOnClientDeleted() {
		assertThat(plan("client.deleted", null, null, 7L, null, null, null))
			.isEqualTo(new EnrichmentPlan.ForgetClient(7));
	}

	@Test
	void fetchesTheRecordForClientRecordEvents() {
		assertThat(plan("record.updated", 42L, "client", 7L, null, 3L, null))
			.isEqualTo(fetch(new Target(SnapshotKind.RECORD, "42", 7L)));
	}

	@Test
	void fetchesStepsTooWhenARecordFinishesIsReviewedOrItsWatchlistChanges() {
		for (String alias : List.of("record.finished", "record.reviewed", "record.unreviewed", "watchlist.updated")) {
			assertThat(plan(alias, 42L, "client", 7L, null, null, null)).as(alias)
				.isEqualTo(fetch(new Target(SnapshotKind.RECORD, "42", 7L),
						new Target(SnapshotKind.RECORD_STEPS, "42", 7L)));
		}
	}

	@Test
	void fetchesTheClientAndTheRecordItCarriesOnClientRecord() {
		assertThat(plan("client.record", 42L, "client", 7L, null, null, null))
			.isEqualTo(fetch(new Target(SnapshotKind.CLIENT, "7", 7L), new Target(SnapshotKind.RECORD, "42", 7L)));
		assertThat(plan("client.record", null, null, 7L, null, null, null))
			.isEqualTo(fetch(new Target(SnapshotKind.CLIENT, "7", 7L)));
	}

	@Test
	void fetchesTheOrganisationForOrganisationRecords() {
		assertThat(plan("record.created", 42L, "organisation", null, null, null, 12L))
			.isEqualTo(fetch(new Target(SnapshotKind.ORGANISATION, "12", null)));
	}

	@Test
	void fetchesTheFormThroughItsClient() {
		assertThat(plan("form.submitted", 42L, "client", 7L, "ref-1", null, null))
			.isEqualTo(fetch(new Target(SnapshotKind.FORM, "ref-1", 7L)));
		assertThat(plan("form.deleted", null, null, null, "ref-1", null, null))
			.isEqualTo(new EnrichmentPlan.ForgetForm("ref-1"));
	}

	@Test
	void aDueDeletionReminderErasesTheClientOnlyWhenThatIsSwitchedOn() {
		assertThat(plan("client.deletion_reminder_due", null, null, 7L, null, null, null))
			.as("off by default: a client event like any other")
			.isEqualTo(fetch(new Target(SnapshotKind.CLIENT, "7", 7L)));
		EnrichmentPlanner erasing = new EnrichmentPlanner(new ErasureProperties(true));
		Instant now = Instant.now();
		assertThat(erasing
			.plan(new ClaimedEvent(1, "client.deletion_reminder_due", null, null, 7L, null, null, null, now, now, 0)))
			.isEqualTo(new EnrichmentPlan.EraseClient(7));
		assertThat(erasing.plan(
				new ClaimedEvent(1, "client.deletion_reminder_updated", null, null, 7L, null, null, null, now, now, 0)))
			.isEqualTo(fetch(new Target(SnapshotKind.CLIENT, "7", 7L)));
	}

	@Test
	void fetchesTheCase() {
		assertThat(plan("case.approved", null, null, 7L, null, 3L, null))
			.isEqualTo(fetch(new Target(SnapshotKind.CASE, "3", 7L)));
	}

	@Test
	void skipsWhatHasNothingToFetch() {
		assertThat(plan("ping", null, null, null, null, null, null)).isInstanceOf(EnrichmentPlan.Skip.class);
		assertThat(plan(null, null, null, null, null, null, null)).isInstanceOf(EnrichmentPlan.Skip.class);
		assertThat(plan("invoice.paid", 1L, "client", 1L, null, null, null)).isInstanceOf(EnrichmentPlan.Skip.class);
		assertThat(plan("record.updated", null, "client", 7L, null, null, null))
			.isInstanceOf(EnrichmentPlan.Skip.class);
		assertThat(plan("form.submitted", null, null, null, "ref-1", null, null))
			.isInstanceOf(EnrichmentPlan.Skip.class);
		assertThat(plan("client.updated", null, null, null, null, null, null)).isInstanceOf(EnrichmentPlan.Skip.class);
	}

	private EnrichmentPlan plan(String alias, Long recordId, String recordType, Long clientId, String formReference,
			Long caseId, Long organisationId) {
		Instant now = Instant.now();
		return this.planner.plan(new ClaimedEvent(1, alias, recordId, recordType, clientId, formReference, caseId,
				organisationId, now, now, 0));
	}

	private static EnrichmentPlan fetch(Target... targets) {
		return new EnrichmentPlan.Fetch(List.of(targets));
	}

}
