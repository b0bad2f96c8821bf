package dev.aqid.receiver.query;

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
record EventFilter(AliasPattern alias, Long recordId, Long clientId, EnrichmentStatus status,
		OffsetDateTime receivedAfter, OffsetDateTime receivedBefore) {

	/**
	 * An alias filter: {@code record.updated} matches that alias, {@code record.*} (any
	 * text ending in {@code *}) every alias that starts with {@code record.}, and
	 * {@code *} everything.
	 *
	 * @param exact the alias to match exactly, or null
	 * @param prefix the prefix every matching alias starts with, or null
	 */
	record AliasPattern(String exact, String prefix) {

		static final int MAX_LENGTH = 255;

		static AliasPattern parse(String alias) {
			if (alias == null || alias.isEmpty() || alias.equals("*")) {
				return null;
			}
			if (alias.length() > MAX_LENGTH) {
				throw new InvalidParameter("alias", "alias is longer than " + MAX_LENGTH + " characters");
			}
			if (alias.indexOf('\u0000') >= 0) {
				// PostgreSQL text cannot hold U+0000, so no alias has one; the
				// driver would refuse the query rather than match nothing.
				throw new InvalidParameter("alias", "alias contains U+0000, which no alias can contain");
			}
			int star = alias.indexOf('*');
			if (star < 0) {
				return new AliasPattern(alias, null);
			}
			if (star != alias.length() - 1) {
				throw new InvalidParameter("alias",
						"alias takes one wildcard, at the end (record.* or *); '" + alias + "' has one elsewhere");
			}
			String prefix = alias.substring(0, star);
			int next = prefix.codePointBefore(prefix.length()) + 1;
			if (next > Character.MAX_CODE_POINT
					|| (next >= Character.MIN_SURROGATE && next <= Character.MAX_SURROGATE)) {
				throw new InvalidParameter("alias", "alias prefix ends in a character that cannot be matched");
			}
			return new AliasPattern(null, prefix);
		}

		/**
		 * The first string after every string that starts with the prefix, in byte-wise
		 * (UTF-8, code point) order: the prefix with its last character's code point + 1.
		 */
		String prefixEnd() {
			int last = this.prefix.codePointBefore(this.prefix.length());
			return this.prefix.substring(0, this.prefix.length() - Character.charCount(last))
					+ Character.toString(last + 1);
		}

	}

}
