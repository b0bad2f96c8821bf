package dev.aqid.receiver.amiqus;

import java.time.Duration;

/**
 * Amiqus answered {@code 429}: the user's rate limit (shared by all their tokens and our
 * replicas) is used up. Wait {@link #retryAfter()} before the next call of any kind.
 */
public class AmiqusRateLimited extends AmiqusApiException {

	private final Duration retryAfter;

	AmiqusRateLimited(String operation, int status, String errorMessage, Duration retryAfter) {
		super(operation, status, errorMessage, null);
		this.retryAfter = retryAfter;
	}

	/**
	 * How long to wait: {@code Retry-After}, else the time until
	 * {@code X-RateLimit-Reset}, else 60 seconds; never negative.
	 * @return the wait
	 */
	public Duration retryAfter() {
		return this.retryAfter;
	}

	@Override
	public boolean isTransient() {
		return true;
	}

}
