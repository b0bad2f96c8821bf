package dev.aqid.receiver.amiqus;

import java.time.Instant;

import org.springframework.http.HttpHeaders;

/**
 * Reads the {@code X-RateLimit-*} headers.
 */
final class AmiqusRateLimits {

	static final String LIMIT = "X-RateLimit-Limit";

	static final String REMAINING = "X-RateLimit-Remaining";

	static final String RESET = "X-RateLimit-Reset";

	private AmiqusRateLimits() {
	}

	/**
	 * The status the headers state, or null when they carry none of them.
	 */
	static RateLimitStatus of(HttpHeaders headers) {
		Integer limit = integer(headers.getFirst(LIMIT));
		Integer remaining = integer(headers.getFirst(REMAINING));
		Instant reset = reset(headers);
		if (limit == null && remaining == null && reset == null) {
			return null;
		}
		return new RateLimitStatus(limit, remaining, reset);
	}

	static Instant reset(HttpHeaders headers) {
		String value = headers.getFirst(RESET);
		Long seconds = PlainText.digits(value, 12);
		return (seconds != null) ? Instant.ofEpochSecond(seconds) : null;
	}

	private static Integer integer(String value) {
		Long number = PlainText.digits(value, 12);
		return (number != null && number <= Integer.MAX_VALUE) ? number.intValue() : null;
	}

}
