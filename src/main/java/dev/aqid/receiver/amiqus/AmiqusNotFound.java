package dev.aqid.receiver.amiqus;

/**
 * Amiqus answered {@code 404}: the thing does not exist or is not visible to the token's
 * team ({@code {"error": "Record not found"}}).
 */
public class AmiqusNotFound extends AmiqusApiException {

	AmiqusNotFound(String operation, int status, String errorMessage) {
		super(operation, status, errorMessage, null);
	}

}
