package dev.aqid.receiver.query;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code wait} parameter of {@code GET /api/events}: a whole number with a unit
 * ({@code 500ms}, {@code 30s}, {@code 1m}) or without one (seconds), from zero (answer at
 * once) up to the configured maximum.
 */
final class WaitParameter {

	private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)?");

	private WaitParameter() {
	}

	/**
	 * The wait asked for.
	 * @param value the parameter as sent (null or empty: none)
	 * @param max the longest wait allowed
	 * @return the wait; zero when none was asked for
	 * @throws InvalidParameter when it is not a duration, or longer than {@code max}
	 */
	static Duration parse(String value, Duration max) {
		if (value == null || value.isEmpty()) {
			return Duration.ZERO;
		}
		Matcher matcher = DURATION.matcher(value.trim());
		if (!matcher.matches()) {
			throw invalid("wait must be a duration such as 30s, 500ms or 1m (a plain number is seconds), at most "
					+ describe(max));
		}
		long amount = Long.parseLong(matcher.group(1));
		String unit = (matcher.group(2) != null) ? matcher.group(2) : "s";
		Duration wait = switch (unit) {
			case "ms" -> Duration.ofMillis(amount);
			case "m" -> Duration.ofMinutes(amount);
			default -> Duration.ofSeconds(amount);
		};
		if (wait.compareTo(max) > 0) {
			throw invalid("wait must be at most " + describe(max) + ", not " + value.trim());
		}
		return wait;
	}

	private static InvalidParameter invalid(String message) {
		return new InvalidParameter("wait", message);
	}

	private static String describe(Duration duration) {
		if (duration.toMillisPart() != 0 || duration.isZero()) {
			return duration.toMillis() + "ms";
		}
		return duration.toSeconds() + "s";
	}

}
