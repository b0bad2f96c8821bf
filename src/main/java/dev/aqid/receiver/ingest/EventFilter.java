package dev.aqid.receiver.ingest;

import java.time.OffsetDateTime;

/**
 * What {@code GET /api/events} narrows the stream to; every part is optional.
 *
 * @param alias the alias, exact or with a trailing {@code *}
 * @param recordId events that refer to this record
 * @param clientId events that refer to this client
 * @param status events in this enrichment status
 * @param receivedAfter events received at or after this instant
 * @param receivedBefore events received before this instant
 */
public record EventFilter(AliasPattern alias, Long recordId, Long clientId, EnrichmentStatus status,
		OffsetDateTime receivedAfter, OffsetDateTime receivedBefore) {

	/**
	 * An alias filter: one alias exactly, or every alias that starts with a prefix.
	 *
	 * @param exact the alias to match exactly, or null
	 * @param prefix the prefix every matching alias starts with, or null
	 */
	public record AliasPattern(String exact, String prefix) {

		/**
		 * The first string after every string that starts with the prefix, in byte-wise
		 * (UTF-8, code point) order: the prefix with its last character's code point + 1.
		 */
		public String prefixEnd() {
			int last = this.prefix.codePointBefore(this.prefix.length());
			return this.prefix.substring(0, this.prefix.length() - Character.charCount(last))
					+ Character.toString(last + 1);
		}

	}

}
