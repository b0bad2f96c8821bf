package dev.aqid.receiver.system;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.AuthorityUtils;

/**
 * Signs an operator in to the console with one of {@code receiver.api.keys}, posted as
 * the form field {@code key}: the same keys, digests and constant-time comparison as the
 * query API. The operator is then known by the key's position only ({@code api-key-1}),
 * never by the key.
 */
class ConsoleKeyAuthenticationProvider implements AuthenticationProvider {

	private static final Logger log = LoggerFactory.getLogger(ConsoleKeyAuthenticationProvider.class);

	static final String ROLE = "OPERATOR";

	private final ApiKeys keys;

	private final Counter accepted;

	private final Counter refused;

	ConsoleKeyAuthenticationProvider(ApiKeys keys, MeterRegistry meters) {
		this.keys = keys;
		this.accepted = signIns(meters, "accepted");
		this.refused = signIns(meters, "refused");
	}

	private static Counter signIns(MeterRegistry meters, String outcome) {
		return Counter.builder("receiver.console.sign.ins")
			.description("Sign-ins to the operator console, by outcome")
			.tag("outcome", outcome)
			.register(meters);
	}

	@Override
	public Authentication authenticate(Authentication authentication) throws AuthenticationException {
		Object credentials = authentication.getCredentials();
		String presented = (credentials != null) ? credentials.toString() : "";
		if (this.keys.isEmpty()) {
			this.refused.increment();
			log.warn("Console sign-in refused: no API keys are configured (RECEIVER_API_KEYS)");
			throw new BadCredentialsException("No API keys are configured: the console is closed");
		}
		int match = presented.isEmpty() ? -1 : this.keys.match(presented);
		if (match < 0) {
			this.refused.increment();
			log.warn("Console sign-in refused: the key is not one of RECEIVER_API_KEYS");
			throw new BadCredentialsException("That key is not one of the configured API keys");
		}
		String operator = "api-key-" + (match + 1);
		this.accepted.increment();
		log.info("Console sign-in as {}", operator);
		UsernamePasswordAuthenticationToken accepted = UsernamePasswordAuthenticationToken.authenticated(operator, null,
				AuthorityUtils.createAuthorityList("ROLE_" + ROLE));
		accepted.setDetails(authentication.getDetails());
		return accepted;
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
	}

}
