package dev.aqid.receiver.emulator;

import java.util.List;

/**
 * Which subscriptions an event goes to, as Amiqus matches them: an alias exactly,
 * {@code *} for every event, or a prefix wildcard such as {@code client.*} for every
 * event of that category, future ones included.
 */
final class EventPatterns {

	private EventPatterns() {
	}

	static boolean matches(List<String> patterns, String alias) {
		for (String pattern : patterns) {
			if (matches(pattern, alias)) {
				return true;
			}
		}
		return false;
	}

	static boolean matches(String pattern, String alias) {
		if (pattern == null || alias == null) {
			return false;
		}
		if (pattern.equals("*") || pattern.equals(alias)) {
			return true;
		}
		if (pattern.endsWith(".*")) {
			String prefix = pattern.substring(0, pattern.length() - 1);
			return alias.startsWith(prefix) && alias.length() > prefix.length();
		}
		return false;
	}

}
