package dev.aqid.receiver.amiqus;

/**
 * Amiqus answered with a status this client has no meaning for (such as {@code 400},
 * {@code 409} or {@code 413}), or with a success whose body is not the JSON expected.
 */
public class AmiqusUnexpectedResponse extends AmiqusApiException {

	AmiqusUnexpectedResponse(String operation, int status, String errorMessage) {
		super(operation, status, errorMessage, null);
	}

}
