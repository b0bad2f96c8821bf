package dev.aqid.receiver.query;

import java.net.URI;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * The query API's failures as RFC 9457 problems. Only for this package's controllers, and
 * ahead of Spring Boot's general problem handling (which still answers 405, 406 and
 * unknown paths), so that a bad parameter is named in words a caller can act on.
 */
@RestControllerAdvice(basePackageClasses = QueryProblems.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class QueryProblems {

	@ExceptionHandler
	ProblemDetail eventNotFound(EventNotFound ex, HttpServletRequest request) {
		return problem(HttpStatus.NOT_FOUND, ex.getMessage(), request);
	}

	@ExceptionHandler
	ProblemDetail snapshotNotFound(SnapshotNotFound ex, HttpServletRequest request) {
		return problem(HttpStatus.NOT_FOUND, ex.getMessage(), request);
	}

	@ExceptionHandler
	ProblemDetail invalidParameter(InvalidParameter ex, HttpServletRequest request) {
		ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, ex.getMessage(), request);
		if (ex.parameter() != null) {
			problem.setProperty("parameter", ex.parameter());
		}
		return problem;
	}

	@ExceptionHandler
	ProblemDetail invalidCursor(InvalidCursor ex, HttpServletRequest request) {
		ProblemDetail problem = problem(HttpStatus.BAD_REQUEST,
				ex.getMessage() + ": send back next_cursor exactly as a page gave it", request);
		problem.setProperty("parameter", "cursor");
		return problem;
	}

	@ExceptionHandler
	ProblemDetail typeMismatch(MethodArgumentTypeMismatchException ex, HttpServletRequest request) {
		String name = ex.getName();
		String expected = switch (name) {
			case "limit" -> "an integer between 1 and " + EventsController.MAX_LIMIT;
			case "record_id", "client_id" -> "a whole number";
			case "status" -> "one of pending, enriched, failed, skipped";
			case "received_after", "received_before" ->
				"an RFC 3339 date-time such as 2024-05-07T12:30:45Z (encode + as %2B)";
			default -> "a valid value";
		};
		ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, name + " must be " + expected, request);
		problem.setProperty("parameter", name);
		return problem;
	}

	private static ProblemDetail problem(HttpStatus status, String detail, HttpServletRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setInstance(URI.create(request.getRequestURI()));
		return problem;
	}

}
