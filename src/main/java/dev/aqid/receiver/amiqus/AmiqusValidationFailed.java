package dev.aqid.receiver.amiqus;

import java.util.List;
import java.util.Map;

/**
 * Amiqus answered {@code 422}: the request's content was refused. Amiqus sends a map of
 * field path to messages, bare or wrapped in {@code {"errors": ...}}.
 */
public class AmiqusValidationFailed extends AmiqusApiException {

	private final Map<String, List<String>> fieldErrors;

	AmiqusValidationFailed(String operation, int status, String errorMessage, Map<String, List<String>> fieldErrors) {
		super(operation, status, errorMessage, null);
		this.fieldErrors = Map.copyOf(fieldErrors);
	}

	/**
	 * Messages by field path (such as {@code url} or {@code events.0}); messages not tied
	 * to a field are under the empty path {@code ""}.
	 * @return the messages, empty when the body had none
	 */
	public Map<String, List<String>> fieldErrors() {
		return this.fieldErrors;
	}

}
