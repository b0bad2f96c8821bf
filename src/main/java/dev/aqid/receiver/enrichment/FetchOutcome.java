package dev.aqid.receiver.enrichment;

import java.time.Instant;

/**
 * What happened to one object in this round. Ordered: an event takes the worst outcome
 * among its objects.
 */
record FetchOutcome(Kind kind, String reason, Instant notBefore, boolean permanent) {

	static final FetchOutcome FRESH = new FetchOutcome(Kind.FRESH, null, null, false);

	static FetchOutcome deferred(Instant notBefore, String reason) {
		return new FetchOutcome(Kind.DEFERRED, reason, notBefore, false);
	}

	static FetchOutcome gone(String reason) {
		return new FetchOutcome(Kind.GONE, reason, null, true);
	}

	static FetchOutcome failed(String reason, boolean permanent) {
		return new FetchOutcome(Kind.FAILED, reason, null, permanent);
	}

	enum Kind {

		FRESH, GONE, FAILED, DEFERRED

	}

}
