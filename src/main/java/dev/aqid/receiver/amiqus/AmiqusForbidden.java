package dev.aqid.receiver.amiqus;

/**
 * Amiqus answered {@code 403}: the token's user may not do this (for example cases are
 * disabled for the team).
 */
public class AmiqusForbidden extends AmiqusApiException {

	AmiqusForbidden(String operation, int status, String errorMessage) {
		super(operation, status, errorMessage, null);
	}

}
