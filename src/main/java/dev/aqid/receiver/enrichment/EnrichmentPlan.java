package dev.aqid.receiver.enrichment;

import java.util.List;

/**
 * What enriching one event takes.
 */
sealed interface EnrichmentPlan {

	/** Fresh snapshots of these objects; the event is enriched when all are fresh. */
	record Fetch(List<Target> targets) implements EnrichmentPlan {

	}

	/** Nothing to fetch: the event is {@code skipped} for this reason. */
	record Skip(String reason) implements EnrichmentPlan {

	}

	/**
	 * The client was deleted at Amiqus: drop every snapshot holding its data, then skip.
	 */
	record ForgetClient(long clientId) implements EnrichmentPlan {

	}

	/**
	 * The client's deletion date has come and automated erasure is on: erase its
	 * snapshots and events (but this one), then skip.
	 */
	record EraseClient(long clientId) implements EnrichmentPlan {

	}

	/** The form was deleted at Amiqus: drop its snapshot, then skip. */
	record ForgetForm(String reference) implements EnrichmentPlan {

	}

}
