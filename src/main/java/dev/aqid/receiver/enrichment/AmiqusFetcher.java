package dev.aqid.receiver.enrichment;

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
