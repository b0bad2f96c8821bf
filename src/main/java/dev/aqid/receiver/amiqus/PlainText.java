package dev.aqid.receiver.amiqus;

import org.jspecify.annotations.Nullable;

/**
 * Reading untrusted text (payload fields, headers, error messages) safely: the one place
 * for digit parsing and control-character scrubbing.
 */
public final class PlainText {

	private PlainText() {
	}

	/**
	 * The text, trimmed, as a number when it is ASCII digits only and at most
	 * {@code maxDigits} long; null otherwise (empty, a sign, a fraction, other scripts'
	 * digits, too long).
	 */
	public static @Nullable Long digits(@Nullable String text, int maxDigits) {
		if (text == null) {
			return null;
		}
		String trimmed = text.trim();
		if (trimmed.isEmpty() || trimmed.length() > maxDigits
				|| !trimmed.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			return null;
		}
		return Long.parseLong(trimmed);
	}

	/**
	 * The text without control characters (PostgreSQL refuses NUL in text, logs must not
	 * take line breaks from a sender), at most {@code maxLength} characters, trimmed.
	 */
	public static String withoutControlCharacters(String text, int maxLength) {
		return scrub(text, maxLength, false);
	}

	/**
	 * The same, with each control character shown as a space, so that words stay apart.
	 */
	public static String controlCharactersAsSpaces(String text, int maxLength) {
		return scrub(text, maxLength, true);
	}

	private static String scrub(String text, int maxLength, boolean asSpaces) {
		StringBuilder clean = new StringBuilder(Math.min(text.length(), maxLength));
		for (int i = 0; i < text.length() && clean.length() < maxLength; i++) {
			char c = text.charAt(i);
			if (!Character.isISOControl(c)) {
				clean.append(c);
			}
			else if (asSpaces) {
				clean.append(' ');
			}
		}
		return clean.toString().trim();
	}

}
