package dev.aqid.receiver.system;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.csrf.CsrfException;

/**
 * A console request refused for its CSRF token: a sign-in form left open past its session
 * goes back to a fresh form that says so; anything else is a plain {@code 403}.
 */
final class ConsoleAccessDenied {

	private ConsoleAccessDenied() {
	}

	static void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException ex)
			throws IOException {
		if (ex instanceof CsrfException && "POST".equals(request.getMethod())
				&& (request.getContextPath() + "/console/sign-in").equals(request.getRequestURI())) {
			response.sendRedirect(request.getContextPath() + "/console/sign-in?expired");
			return;
		}
		response.sendError(HttpServletResponse.SC_FORBIDDEN, (ex instanceof CsrfException)
				? "The form had no valid CSRF token: reload the page and try again" : "Forbidden");
	}

}
