package dev.aqid.receiver.system;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.ObjectMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * Answers a request that needs an API key and has none that works: {@code 401} with
 * {@code WWW-Authenticate: Bearer} and an RFC 9457 problem saying what was wrong (never
 * echoing the key).
 */
final class ProblemAuthenticationEntryPoint implements AuthenticationEntryPoint {

	private final ObjectMapper json;

	private final ApiKeys keys;

	ProblemAuthenticationEntryPoint(ObjectMapper json, ApiKeys keys) {
		this.json = json;
		this.keys = keys;
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException authException) throws IOException {
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("type", "about:blank");
		problem.put("title", HttpStatus.UNAUTHORIZED.getReasonPhrase());
		problem.put("status", HttpStatus.UNAUTHORIZED.value());
		problem.put("detail", detail(request));
		problem.put("instance", request.getRequestURI());
		response.setStatus(HttpStatus.UNAUTHORIZED.value());
		response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setCharacterEncoding("UTF-8");
		this.json.writeValue(response.getOutputStream(), problem);
	}

	private String detail(HttpServletRequest request) {
		if (this.keys.isEmpty()) {
			return "No API keys are configured (RECEIVER_API_KEYS): the query API refuses every request";
		}
		Object failure = request.getAttribute(ApiKeyAuthenticationFilter.FAILURE);
		if (failure != null) {
			return failure.toString();
		}
		return "This endpoint needs an API key: send Authorization: Bearer <key>";
	}

}
