package dev.aqid.receiver.enrichment;

import org.springframework.stereotype.Component;

/**
 * Enriches a stored event again: the one way other modules reach the enrichment queue.
 */
@Component
public class EnrichmentReplay {

	private final EnrichmentQueue queue;

	EnrichmentReplay(EnrichmentQueue queue) {
		this.queue = queue;
	}

	/**
	 * Puts the event back in the queue as {@code pending}, due now, with its attempts
	 * reset and any lease dropped.
	 * @param eventId the event's id
	 * @return {@code false} when there is no such event
	 */
	public boolean replay(long eventId) {
		return this.queue.requeue(eventId);
	}

}
