package dev.aqid.receiver.amiqus;

import org.springframework.http.HttpStatus;

/**
 * A call to the Amiqus API did not give the expected answer. The message names the
 * operation, the status and Amiqus's short error message; it never holds the token or a
 * response body.
 */
public abstract class AmiqusApiException extends RuntimeException {

	private static final int MAX_MESSAGE_LENGTH = 300;

	private final String operation;

	private final int status;

	private final String errorMessage;

	AmiqusApiException(String operation, int status, String errorMessage, Throwable cause) {
		this(operation, status, errorMessage, cause, describe(operation, status, safe(errorMessage, status)));
	}

	private AmiqusApiException(String operation, int status, String errorMessage, Throwable cause, String message) {
		super(message, cause);
		this.operation = operation;
		this.status = status;
		this.errorMessage = safe(errorMessage, status);
	}

	/**
	 * The client operation that failed, as in the {@code operation} metric tag (such as
	 * {@code record} or {@code webhooks.update}).
	 * @return the operation name
	 */
	public String operation() {
		return this.operation;
	}

	/**
	 * The HTTP status, or 0 when no response arrived.
	 * @return the status
	 */
	public int status() {
		return this.status;
	}

	/**
	 * Amiqus's own short message from the error body ({@code error} or {@code message}),
	 * else the status's reason phrase; control characters removed and length bounded.
	 * @return the message, never null
	 */
	public String errorMessage() {
		return this.errorMessage;
	}

	/**
	 * Whether the same call may succeed later without any change on our side: true for
	 * rate limiting, server errors and unreachable service.
	 * @return true when a retry later makes sense
	 */
	public boolean isTransient() {
		return false;
	}

	private static String describe(String operation, int status, String errorMessage) {
		String outcome = (status != 0) ? "answered " + status : "failed";
		return "Amiqus API call '" + operation + "' " + outcome + ": " + errorMessage;
	}

	private static String safe(String message, int status) {
		if (message != null) {
			String result = PlainText.controlCharactersAsSpaces(message, MAX_MESSAGE_LENGTH);
			if (!result.isEmpty()) {
				return result;
			}
		}
		HttpStatus known = HttpStatus.resolve(status);
		return (known != null) ? known.getReasonPhrase() : ((status != 0) ? "HTTP " + status : "no response");
	}

}
