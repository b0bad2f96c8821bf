package dev.aqid.receiver.amiqus;

/**
 * Amiqus answered {@code 5xx}: an error on its side, or {@code 503} during maintenance.
 */
public class AmiqusServerError extends AmiqusApiException {

	AmiqusServerError(String operation, int status, String errorMessage) {
		super(operation, status, errorMessage, null);
	}

	@Override
	public boolean isTransient() {
		return true;
	}

}
