package dev.aqid.receiver.forwarding;

import java.net.URI;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A destination as checked at start-up.
 *
 * @param name for logs, metrics, the API and the {@code webhook-id}
 * @param url where events are POSTed
 * @param events alias patterns: exact, a prefix ending in {@code *}, or {@code *}
 * @param keys the signing keys (more than one while rotating)
 * @param maxAttempts attempts before a delivery is failed
 * @param workers worker threads for it in this instance
 */
record Destination(String name, URI url, List<String> events, List<byte[]> keys, int maxAttempts, int workers) {

	/** Whether events with this alias go here; an event without alias only matches *. */
	boolean accepts(@Nullable String alias) {
		for (String pattern : this.events) {
			if (pattern.equals("*")) {
				return true;
			}
			if (alias == null) {
				continue;
			}
			if (pattern.endsWith("*") ? alias.startsWith(pattern.substring(0, pattern.length() - 1))
					: alias.equals(pattern)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The URL without user info or query, which may hold credentials: for the API and
	 * logs.
	 */
	String displayUrl() {
		return this.url.getScheme() + "://" + this.url.getHost()
				+ ((this.url.getPort() >= 0) ? ":" + this.url.getPort() : "")
				+ ((this.url.getRawPath() != null) ? this.url.getRawPath() : "");
	}

}
