package dev.aqid.receiver.console;

import java.security.Principal;
import java.time.Clock;
import java.time.Instant;

import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What every console page has (the time formats, the signed-in operator, the time of
 * rendering) and the console's failures as pages: an unknown event is a {@code 404} page,
 * input the console cannot use a {@code 400} page that says what was wrong. Only for this
 * package's controllers.
 */
@ControllerAdvice(basePackageClasses = ConsoleModel.class)
class ConsoleModel {

	private static final Logger log = LoggerFactory.getLogger(ConsoleModel.class);

	private final ConsoleFormat format;

	private final Clock clock;

	ConsoleModel(ObjectMapper json, Clock clock) {
		this.format = new ConsoleFormat(json);
		this.clock = clock;
	}

	@ModelAttribute("fmt")
	ConsoleFormat format() {
		return this.format;
	}

	@ModelAttribute("now")
	Instant now() {
		return this.clock.instant();
	}

	@ModelAttribute("operator")
	@Nullable String operator(@Nullable Principal principal) {
		return (principal != null) ? principal.getName() : null;
	}

	@ExceptionHandler
	String eventNotFound(ConsoleEventNotFound ex, Model model, HttpServletResponse response,
			@Nullable Principal principal) {
		return error(HttpStatus.NOT_FOUND, "Event not found", ex.getMessage(), model, response, principal);
	}

	@ExceptionHandler
	String inputInvalid(ConsoleInputInvalid ex, Model model, HttpServletResponse response,
			@Nullable Principal principal) {
		log.debug("Console input refused: {}", ex.getMessage());
		return error(HttpStatus.BAD_REQUEST, "That did not work", ex.getMessage(), model, response, principal);
	}

	private String error(HttpStatus status, String title, String message, Model model, HttpServletResponse response,
			@Nullable Principal principal) {
		response.setStatus(status.value());
		model.addAttribute("fmt", this.format);
		model.addAttribute("now", now());
		model.addAttribute("operator", operator(principal));
		model.addAttribute("title", title);
		model.addAttribute("message", message);
		model.addAttribute("status", status.value());
		return "console/error";
	}

}
