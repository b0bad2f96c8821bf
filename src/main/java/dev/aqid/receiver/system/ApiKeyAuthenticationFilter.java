package dev.aqid.receiver.system;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads {@code Authorization: Bearer <key>} and, when the key is one of the configured
 * ones, makes the request authenticated. It never refuses a request itself: authorization
 * decides (open endpoints stay open whatever header comes along), and the entry point
 * tells the caller why it was refused. Not a bean, so that it runs only inside the
 * security filter chain and not a second time as a plain servlet filter.
 */
final class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

	/** Request attribute: why the presented credentials were not accepted. */
	static final String FAILURE = ApiKeyAuthenticationFilter.class.getName() + ".failure";

	private static final String BEARER = "Bearer ";

	private final AuthenticationProvider provider;

	private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

	ApiKeyAuthenticationFilter(AuthenticationProvider provider) {
		this.provider = provider;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String header = request.getHeader(HttpHeaders.AUTHORIZATION);
		if (header != null) {
			authenticate(request, header);
		}
		chain.doFilter(request, response);
	}

	private void authenticate(HttpServletRequest request, String header) {
		if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			request.setAttribute(FAILURE, "The Authorization header must use the Bearer scheme");
			return;
		}
		String key = header.substring(BEARER.length()).trim();
		try {
			Authentication authentication = this.provider.authenticate(ApiKeyAuthentication.presented(key));
			SecurityContext context = this.contexts.createEmptyContext();
			context.setAuthentication(authentication);
			this.contexts.setContext(context);
		}
		catch (AuthenticationException ex) {
			request.setAttribute(FAILURE, ex.getMessage());
		}
	}

}
