package dev.aqid.receiver.amiqus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * How the service authenticates to Amiqus: a personal access token
 * ({@code AMIQUS_API_TOKEN}) or an OAuth client ({@code AMIQUS_OAUTH_CLIENT_ID},
 * {@code _CLIENT_SECRET}, {@code _REFRESH_TOKEN}), whose token pair {@link OAuthTokens}
 * keeps and refreshes. Both at once, or half an OAuth client, stops start-up with a
 * message naming the variables.
 */
@Component
public class AmiqusCredentials {

	private final AmiqusApiProperties api;

	private final @Nullable OAuthTokens oauth;

	@Autowired
	AmiqusCredentials(AmiqusApiProperties api, AmiqusOAuthProperties oauthProperties, OAuthTokens oauth,
			TokenExpiry expiry) {
		check(api, oauthProperties);
		this.api = api;
		this.oauth = oauth.enabled() ? oauth : null;
		if (api.hasToken()) {
			expiry.known(TokenExpiry.PERSONAL_ACCESS, jwtExpiry(api.token()));
		}
	}

	private AmiqusCredentials(AmiqusApiProperties api) {
		this.api = api;
		this.oauth = null;
	}

	/** Just the personal access token of these properties (or none). */
	static AmiqusCredentials personal(AmiqusApiProperties api) {
		return new AmiqusCredentials(api);
	}

	/**
	 * Whether the service can call Amiqus: a token or an OAuth client is configured.
	 * @return true when it can
	 */
	public boolean configured() {
		return this.api.hasToken() || this.oauth != null;
	}

	/**
	 * Whether an OAuth client is used (rather than a personal access token).
	 * @return true with an OAuth client
	 */
	public boolean usesOAuth() {
		return this.oauth != null;
	}

	/**
	 * What to check when Amiqus refuses the credentials, for log lines.
	 * @return the variables in use
	 */
	public String describe() {
		return (this.oauth != null) ? "the OAuth client (AMIQUS_OAUTH_CLIENT_ID, its refresh token)"
				: "AMIQUS_API_TOKEN";
	}

	/** The bearer token to send now, null for none. */
	@Nullable String bearer() {
		if (this.oauth != null) {
			return this.oauth.accessToken();
		}
		return this.api.hasToken() ? this.api.token().trim() : null;
	}

	/**
	 * The API answered 401 to {@code used}.
	 * @return true when a renewed token is worth one more try
	 */
	boolean renewAfterUnauthorized(String used) {
		if (this.oauth == null) {
			return false;
		}
		this.oauth.renewAfterUnauthorized(used);
		return true;
	}

	/** Why the OAuth refresh token cannot be used, or null. */
	@Nullable String refusal() {
		return (this.oauth != null) ? this.oauth.refusal() : null;
	}

	static void check(AmiqusApiProperties api, AmiqusOAuthProperties oauth) {
		if (api.hasToken() && oauth.anySet()) {
			throw new IllegalStateException("Both AMIQUS_API_TOKEN and AMIQUS_OAUTH_* are set: configure either a "
					+ "personal access token (AMIQUS_API_TOKEN) or an OAuth client (AMIQUS_OAUTH_CLIENT_ID, "
					+ "AMIQUS_OAUTH_CLIENT_SECRET, AMIQUS_OAUTH_REFRESH_TOKEN), not both");
		}
		if (oauth.anySet() && !oauth.enabled()) {
			List<String> missing = new ArrayList<>();
			if (!AmiqusOAuthProperties.hasText(oauth.clientId())) {
				missing.add("AMIQUS_OAUTH_CLIENT_ID");
			}
			if (!AmiqusOAuthProperties.hasText(oauth.clientSecret())) {
				missing.add("AMIQUS_OAUTH_CLIENT_SECRET");
			}
			throw new IllegalStateException("Incomplete Amiqus OAuth client: " + String.join(" and ", missing)
					+ " must be set too (an OAuth client needs AMIQUS_OAUTH_CLIENT_ID, AMIQUS_OAUTH_CLIENT_SECRET and, "
					+ "on the first start, AMIQUS_OAUTH_REFRESH_TOKEN)");
		}
	}

	/**
	 * The {@code exp} of a personal access token that is a JWT (Amiqus's are); null when
	 * the token is not a JWT or has no {@code exp}. The signature is not checked: this is
	 * only for the expiry warning.
	 */
	static @Nullable Instant jwtExpiry(@Nullable String token) {
		if (token == null) {
			return null;
		}
		String[] parts = token.trim().split("\\.");
		if (parts.length != 3) {
			return null;
		}
		try {
			byte[] payload = Base64.getUrlDecoder().decode(parts[1]);
			JsonNode claims = AmiqusJson.parse(payload);
			if (claims != null && claims.path("exp").isNumber()) {
				return Instant.ofEpochSecond(claims.path("exp").asLong());
			}
		}
		catch (RuntimeException ex) {
			// Not a JWT after all: the expiry is unknown.
		}
		return null;
	}

	/** Never shows a token. */
	@Override
	public String toString() {
		return "AmiqusCredentials[" + ((this.oauth != null) ? "oauth" : (this.api.hasToken() ? "token" : "none")) + "]";
	}

}
