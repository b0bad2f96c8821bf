package dev.aqid.receiver.amiqus;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * An Amiqus OAuth client, instead of a personal access token ({@code AMIQUS_OAUTH_*}).
 *
 * @param clientId {@code AMIQUS_OAUTH_CLIENT_ID}
 * @param clientSecret {@code AMIQUS_OAUTH_CLIENT_SECRET}
 * @param refreshToken {@code AMIQUS_OAUTH_REFRESH_TOKEN}: seeds the stored pair on the
 * first start; a different value later replaces the stored pair
 * @param tokenUrl {@code AMIQUS_OAUTH_TOKEN_URL}, where tokens are refreshed
 * @param refreshMargin refresh an access token when less than this is left of it (or a
 * quarter of its lifetime, when that is shorter)
 * @param expiryWarning warn when a personal access or refresh token expires within this
 */
@ConfigurationProperties("amiqus.oauth")
public record AmiqusOAuthProperties(@Nullable String clientId, @Nullable String clientSecret,
		@Nullable String refreshToken, @DefaultValue("https://id.amiqus.co/oauth/token") URI tokenUrl,
		@DefaultValue("5m") Duration refreshMargin, @DefaultValue("30d") Duration expiryWarning) {

	static final URI DEFAULT_TOKEN_URL = URI.create("https://id.amiqus.co/oauth/token");

	public AmiqusOAuthProperties {
		tokenUrl = (tokenUrl != null) ? tokenUrl : DEFAULT_TOKEN_URL;
		refreshMargin = (refreshMargin != null) ? refreshMargin : Duration.ofMinutes(5);
		expiryWarning = (expiryWarning != null) ? expiryWarning : Duration.ofDays(30);
	}

	/**
	 * Whether any part of an OAuth client is configured.
	 * @return true when a client id, secret or refresh token is set
	 */
	boolean anySet() {
		return hasText(this.clientId) || hasText(this.clientSecret) || hasText(this.refreshToken);
	}

	/**
	 * Whether the service authenticates with the OAuth client.
	 * @return true when both client id and secret are set
	 */
	boolean enabled() {
		return hasText(this.clientId) && hasText(this.clientSecret);
	}

	static boolean hasText(@Nullable String value) {
		return value != null && !value.isBlank();
	}

	/** Never shows the secret or the token. */
	@Override
	public String toString() {
		return "AmiqusOAuthProperties[clientId=" + this.clientId + ", clientSecret="
				+ (hasText(this.clientSecret) ? "******" : "none") + ", refreshToken="
				+ (hasText(this.refreshToken) ? "******" : "none") + ", tokenUrl=" + this.tokenUrl + "]";
	}

}
