package dev.aqid.receiver.system;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;

/**
 * A caller of the query API: before authentication the presented key, after it the
 * configured key it matched (by position only, never the key itself).
 */
final class ApiKeyAuthentication extends AbstractAuthenticationToken {

	private final String presentedKey;

	private final String principal;

	private ApiKeyAuthentication(String presentedKey, String principal, boolean authenticated) {
		super(authenticated ? AuthorityUtils.createAuthorityList("ROLE_API") : List.of());
		this.presentedKey = presentedKey;
		this.principal = principal;
		setAuthenticated(authenticated);
	}

	static ApiKeyAuthentication presented(String key) {
		return new ApiKeyAuthentication(key, null, false);
	}

	static ApiKeyAuthentication accepted(int keyIndex) {
		return new ApiKeyAuthentication(null, "api-key-" + (keyIndex + 1), true);
	}

	String presentedKey() {
		return this.presentedKey;
	}

	@Override
	public Object getCredentials() {
		return this.presentedKey;
	}

	@Override
	public Object getPrincipal() {
		return this.principal;
	}

	@Override
	public void eraseCredentials() {
		// The presented key is only ever held by the unauthenticated token.
	}

	@Override
	public String toString() {
		// Never the key.
		return "ApiKeyAuthentication[" + ((this.principal != null) ? this.principal : "unverified") + "]";
	}

}
