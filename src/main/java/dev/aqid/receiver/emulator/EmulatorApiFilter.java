package dev.aqid.receiver.emulator;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * What every request to the emulated API goes through before its controller, as at
 * Amiqus: it is logged for {@link AmiqusEmulator#requests()}, delayed by the configured
 * latency, counted against the rate limit ({@code X-RateLimit-*} headers; refused with
 * {@code 429}, {@code Retry-After} and {@code X-RateLimit-Reset} over it when a limit is
 * enforced), failed when a test injected a fault, refused with {@code 413} over 1 MiB,
 * and refused with {@code 401 {"error": "Unauthenticated."}} (and counted) when a token
 * is demanded and missing, or an OAuth access token is expired or revoked.
 */
class EmulatorApiFilter extends OncePerRequestFilter {

	private static final long MAX_REQUEST_BODY = 1024 * 1024;

	private final EmulatorState state;

	EmulatorApiFilter(EmulatorState state) {
		this.state = state;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String path = request.getRequestURI().substring(request.getContextPath().length());
		String relative = path.startsWith(AmiqusAnswers.BASE_PATH) ? path.substring(AmiqusAnswers.BASE_PATH.length())
				: path;
		Instant now = this.state.now();
		String query = request.getQueryString();
		this.state
			.logRequest(new ApiRequest(request.getMethod(), relative + ((query != null) ? "?" + query : ""), now));
		pause(this.state.latency());
		Instant answered = this.state.now();
		EmulatorState.RateLimitAnswer rate = this.state.countRequest(answered);
		response.setHeader("X-RateLimit-Limit", Integer.toString(rate.limit()));
		response.setHeader("X-RateLimit-Remaining", Integer.toString(rate.remaining()));
		if (rate.refusedUntil() != null) {
			// As Laravel: whole seconds, rounded up so that a client waiting them is not
			// refused again.
			long wait = Math.max(1, (Duration.between(answered, rate.refusedUntil()).toMillis() + 999) / 1000);
			response.setHeader("Retry-After", Long.toString(wait));
			response.setHeader("X-RateLimit-Reset", Long.toString(answered.getEpochSecond() + wait));
			write(response, 429, AmiqusAnswers.forStatus(429));
			return;
		}
		Optional<Integer> fault = this.state.takeFault();
		if (fault.isPresent()) {
			int status = fault.get();
			if (status == 429) {
				response.setHeader("Retry-After", "1");
				response.setHeader("X-RateLimit-Reset", Long.toString(now.getEpochSecond() + 1));
				response.setHeader("X-RateLimit-Remaining", "0");
			}
			write(response, status, AmiqusAnswers.forStatus(status));
			return;
		}
		if (!authorized(request.getHeader("Authorization"))) {
			this.state.countUnauthorized();
			write(response, 401, AmiqusAnswers.error("Unauthenticated."));
			return;
		}
		if (request.getContentLengthLong() > MAX_REQUEST_BODY) {
			write(response, 413, AmiqusAnswers.message("Request Entity Too Large"));
			return;
		}
		chain.doFilter(request, response);
	}

	/**
	 * The demanded personal token, or (once OAuth is on) an access token the OAuth server
	 * issued that is neither expired nor revoked; anything when neither is set.
	 */
	private boolean authorized(String authorization) {
		String token = this.state.token();
		boolean oauth = this.state.oauth().enabled();
		if (token == null && !oauth) {
			return true;
		}
		if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return false;
		}
		String presented = authorization.substring(7).trim();
		return presented.equals(token) || (oauth && this.state.oauth().accessTokenValid(presented));
	}

	private static void write(HttpServletResponse response, int status, JsonNode body) throws IOException {
		byte[] bytes = EmulatorJson.bytes(body);
		response.setStatus(status);
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setContentLength(bytes.length);
		response.getOutputStream().write(bytes);
	}

	private static void pause(Duration latency) {
		if (latency.isZero() || latency.isNegative()) {
			return;
		}
		try {
			Thread.sleep(latency.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
