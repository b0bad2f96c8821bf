package dev.aqid.receiver.query;

/**
 * A query parameter has a value the API does not accept (parameter null: the parameters
 * together do not make a request the API accepts).
 */
class InvalidParameter extends RuntimeException {

	private final String parameter;

	InvalidParameter(String parameter, String message) {
		super(message, null, false, false);
		this.parameter = parameter;
	}

	String parameter() {
		return this.parameter;
	}

}
