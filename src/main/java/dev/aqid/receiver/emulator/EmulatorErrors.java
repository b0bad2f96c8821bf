package dev.aqid.receiver.emulator;

import tools.jackson.databind.JsonNode;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * The emulated API's errors in Amiqus's shapes (not the service's problem details), for
 * the emulator's controllers only.
 */
@RestControllerAdvice(assignableTypes = { EmulatorEntitiesController.class, EmulatorWebhooksController.class })
@ConditionalOnBooleanProperty(EmulatorConfiguration.ENABLED)
class EmulatorErrors {

	@ExceptionHandler
	ResponseEntity<byte[]> notFound(EntityNotFound ex) {
		return AmiqusAnswers.json(404, AmiqusAnswers.error(ex.getMessage()));
	}

	@ExceptionHandler
	ResponseEntity<byte[]> invalid(InputInvalid ex) {
		return AmiqusAnswers.json(422, AmiqusAnswers.fieldErrors(ex.errors()));
	}

	/**
	 * An id that is not a number names nothing: Amiqus answers 404.
	 */
	@ExceptionHandler
	ResponseEntity<byte[]> notAnId(MethodArgumentTypeMismatchException ex) {
		JsonNode body = AmiqusAnswers.error("Not found");
		return AmiqusAnswers.json(404, body);
	}

}
