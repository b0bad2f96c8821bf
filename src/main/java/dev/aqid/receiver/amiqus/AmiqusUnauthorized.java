package dev.aqid.receiver.amiqus;

/**
 * Amiqus answered {@code 401}: the token is missing, wrong, expired or revoked
 * ({@code {"error": "Unauthenticated."}}).
 */
public class AmiqusUnauthorized extends AmiqusApiException {

	AmiqusUnauthorized(String operation, int status, String errorMessage) {
		super(operation, status, errorMessage, null);
	}

}
