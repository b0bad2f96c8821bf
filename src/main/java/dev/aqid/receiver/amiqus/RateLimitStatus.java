package dev.aqid.receiver.amiqus;

import java.time.Instant;

/**
 * The rate-limit headers of the latest Amiqus response that carried any. The limit is per
 * user per team, shared by every token and replica, so {@code remaining} can drop faster
 * than this instance's own calls explain.
 *
 * @param limit {@code X-RateLimit-Limit}: calls allowed per window, null when not sent
 * @param remaining {@code X-RateLimit-Remaining}, null when not sent
 * @param reset {@code X-RateLimit-Reset} (unix time): when the window resets, usually
 * sent only with a {@code 429}; null when not sent
 */
public record RateLimitStatus(Integer limit, Integer remaining, Instant reset) {

	/**
	 * No rate-limit headers seen yet.
	 */
	public static final RateLimitStatus UNKNOWN = new RateLimitStatus(null, null, null);

}
