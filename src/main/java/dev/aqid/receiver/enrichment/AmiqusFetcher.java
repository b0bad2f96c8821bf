package dev.aqid.receiver.enrichment;

import java.time.Duration;
import java.time.Instant;

import dev.aqid.receiver.amiqus.AmiqusClient;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/**
 * Reads the current state of one object from the Amiqus API.
 */
@Component
class AmiqusFetcher {

	private final AmiqusClient amiqus;

	AmiqusFetcher(AmiqusClient amiqus) {
		this.amiqus = amiqus;
	}

	/**
	 * Waits for this instance's turn under the Amiqus rate limit.
	 * @return false, without waiting, when the turn would come after the deadline
	 */
	boolean awaitTurn(Instant deadline) throws InterruptedException {
		return this.amiqus.awaitTurn(deadline);
	}

	/** About how many fetches the rate limit allows this instance within the period. */
	int turnsWithin(Duration period) {
		return this.amiqus.turnsWithin(period);
	}

	/**
	 * @throws dev.aqid.receiver.amiqus.AmiqusApiException when Amiqus does not answer
	 * with the object
	 */
	JsonNode fetch(Target target) {
		return switch (target.kind()) {
			case RECORD -> this.amiqus.record(id(target));
			case RECORD_STEPS -> this.amiqus.recordSteps(id(target));
			case CLIENT -> this.amiqus.client(id(target));
			case FORM -> this.amiqus.clientForm(target.clientId(), target.entityId());
			case ORGANISATION -> this.amiqus.organisation(id(target));
			case CASE -> this.amiqus.amiqusCase(id(target));
		};
	}

	private static long id(Target target) {
		return Long.parseLong(target.entityId());
	}

}
