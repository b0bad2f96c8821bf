package dev.aqid.receiver.emulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * The emulated API's errors in Amiqus's shapes (not the service's problem details), for
 * the emulator's controllers only: {@code 404 {"error": "<Thing> not found"}}, and
 * {@code 422} as a map of field path (dotted: {@code events.0}) to Laravel-style
 * messages.
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
	 * Bean Validation's findings, each field's messages once.
	 */
	@ExceptionHandler
	ResponseEntity<byte[]> invalid(MethodArgumentNotValidException ex) {
		Map<String, List<String>> errors = new LinkedHashMap<>();
		for (FieldError error : ex.getBindingResult().getFieldErrors()) {
			String field = error.getField().replaceAll("\\[(\\d+)]", ".$1");
			String message = (error.getDefaultMessage() != null) ? error.getDefaultMessage() : "is invalid";
			List<String> messages = errors.computeIfAbsent(field, (key) -> new ArrayList<>());
			String text = attribute(message, field);
			if (!messages.contains(text)) {
				messages.add(text);
			}
		}
		return AmiqusAnswers.json(422, AmiqusAnswers.fieldErrors(errors));
	}

	/**
	 * A body that is not JSON, or a field of the wrong type
	 * ({@code "is_enabled": "yes"}).
	 */
	@ExceptionHandler
	ResponseEntity<byte[]> unreadable(HttpMessageNotReadableException ex) {
		String field = (ex.getMostSpecificCause() instanceof JacksonException jackson) ? path(jackson) : "";
		if (field.isEmpty()) {
			return AmiqusAnswers.json(422,
					AmiqusAnswers.fieldErrors(Map.of("request", List.of("The request body must be a JSON object."))));
		}
		String message = field.equals("is_enabled") ? "The :attribute field must be true or false."
				: "The :attribute field is invalid.";
		return AmiqusAnswers.json(422, AmiqusAnswers.fieldErrors(Map.of(field, List.of(attribute(message, field)))));
	}

	/**
	 * An id that is not a number names nothing: Amiqus answers 404. A query parameter of
	 * the wrong type ({@code enabled=maybe}) is a 422.
	 */
	@ExceptionHandler
	ResponseEntity<byte[]> mismatch(MethodArgumentTypeMismatchException ex) {
		if (ex.getParameter().hasParameterAnnotation(PathVariable.class)) {
			return AmiqusAnswers.json(404, AmiqusAnswers.error("Not found"));
		}
		String message = (ex.getRequiredType() == Boolean.class) ? "The :attribute field must be true or false."
				: "The :attribute field is invalid.";
		return AmiqusAnswers.json(422,
				AmiqusAnswers.fieldErrors(Map.of(ex.getName(), List.of(attribute(message, ex.getName())))));
	}

	/**
	 * Laravel's {@code :attribute}: the field's path, underscores as spaces.
	 */
	private static String attribute(String message, String field) {
		return message.replace(":attribute", field.replace('_', ' '));
	}

	private static String path(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			String part = (reference.getPropertyName() != null) ? reference.getPropertyName()
					: (reference.getIndex() >= 0) ? Integer.toString(reference.getIndex()) : null;
			if (part != null) {
				path.append((path.length() > 0) ? "." : "").append(part);
			}
		}
		return path.toString();
	}

}
