package dev.aqid.receiver.query;

import dev.aqid.receiver.ingest.EventFilter;

/**
 * Reads the {@code alias} parameter: {@code record.updated} matches that alias,
 * {@code record.*} (any text ending in {@code *}) every alias that starts with
 * {@code record.}, and {@code *} everything.
 */
final class AliasParameter {

	static final int MAX_LENGTH = 255;

	private AliasParameter() {
	}

	static EventFilter.AliasPattern parse(String alias) {
		if (alias == null || alias.isEmpty() || alias.equals("*")) {
			return null;
		}
		if (alias.length() > MAX_LENGTH) {
			throw new InvalidParameter("alias", "alias is longer than " + MAX_LENGTH + " characters");
		}
		if (alias.indexOf('\u0000') >= 0) {
			// PostgreSQL text cannot hold U+0000, so no alias has one; the driver would
			// refuse the query rather than match nothing.
			throw new InvalidParameter("alias", "alias contains U+0000, which no alias can contain");
		}
		int star = alias.indexOf('*');
		if (star < 0) {
			return new EventFilter.AliasPattern(alias, null);
		}
		if (star != alias.length() - 1) {
			throw new InvalidParameter("alias",
					"alias takes one wildcard, at the end (record.* or *); '" + alias + "' has one elsewhere");
		}
		String prefix = alias.substring(0, star);
		int next = prefix.codePointBefore(prefix.length()) + 1;
		if (next > Character.MAX_CODE_POINT || (next >= Character.MIN_SURROGATE && next <= Character.MAX_SURROGATE)) {
			throw new InvalidParameter("alias", "alias prefix ends in a character that cannot be matched");
		}
		return new EventFilter.AliasPattern(null, prefix);
	}

}
