package dev.aqid.receiver.system;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

/**
 * Checks a presented API key against {@code receiver.api.keys}. Being an
 * {@link AuthenticationProvider} bean also tells Spring Boot not to invent a default user
 * with a generated password.
 */
class ApiKeyAuthenticationProvider implements AuthenticationProvider {

	private final ApiKeys keys;

	ApiKeyAuthenticationProvider(ApiKeys keys) {
		this.keys = keys;
	}

	@Override
	public Authentication authenticate(Authentication authentication) throws AuthenticationException {
		String presented = ((ApiKeyAuthentication) authentication).presentedKey();
		if (this.keys.isEmpty()) {
			throw new BadCredentialsException("No API keys are configured: the query API refuses every request");
		}
		int match = this.keys.match(presented);
		if (match < 0) {
			throw new BadCredentialsException("The API key is not valid");
		}
		return ApiKeyAuthentication.accepted(match);
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return ApiKeyAuthentication.class.isAssignableFrom(authentication);
	}

}
