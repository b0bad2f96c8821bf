package dev.aqid.receiver.emulator;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.node.ObjectNode;

/**
 * The emulated Amiqus OAuth server behind {@code POST /emulator/oauth/token}
 * ({@code grant_type=refresh_token}): expiring access tokens and single-use refresh
 * tokens. A refresh revokes the pair it replaces; a refresh token presented again is
 * refused with {@code 400 invalid_grant} and, as real servers often do, revokes its whole
 * family (every token descended from the same grant). It counts refreshes and reuses for
 * tests, and can hold token requests at the door, so that a test can kill a client while
 * its refresh is in flight. One lock guards it all.
 */
final class EmulatedOAuth {

	private static final SecureRandom random = new SecureRandom();

	private final Clock clock;

	private String clientId;

	private String clientSecret;

	private Duration accessLifetime = Duration.ofHours(1);

	private Duration refreshLifetime;

	private final Map<String, Token> accessTokens = new HashMap<>();

	private final Map<String, Token> refreshTokens = new HashMap<>();

	private final Set<Long> revokedFamilies = new HashSet<>();

	private long lastFamily;

	private long requests;

	private long refreshes;

	private long reuses;

	private boolean held;

	private long generation;

	private int waiting;

	EmulatedOAuth(Clock clock) {
		this.clock = clock;
	}

	synchronized boolean enabled() {
		return this.clientId != null;
	}

	/**
	 * Registers the OAuth client and grants it a first refresh token, as authorising the
	 * client in Amiqus would.
	 */
	synchronized String enable(String clientId, String clientSecret, Duration accessLifetime,
			Duration refreshLifetime) {
		this.clientId = clientId;
		this.clientSecret = clientSecret;
		this.accessLifetime = accessLifetime;
		this.refreshLifetime = refreshLifetime;
		return grant();
	}

	/** A new grant: a refresh token of a new family. */
	synchronized String grant() {
		String token = newToken("rt");
		this.refreshTokens.put(token, new Token(++this.lastFamily, expiry(this.refreshLifetime)));
		return token;
	}

	synchronized boolean accessTokenValid(String token) {
		Token access = this.accessTokens.get(token);
		return access != null && !access.revoked && !this.revokedFamilies.contains(access.family)
				&& (access.expiresAt == null || access.expiresAt.isAfter(this.clock.instant()));
	}

	/** Revokes every access token issued so far (refresh tokens stay good). */
	synchronized void revokeAccessTokens() {
		this.accessTokens.values().forEach((token) -> token.revoked = true);
	}

	/**
	 * One token request.
	 * @return the status and the body to answer with
	 */
	synchronized Answer token(String grantType, String refreshToken, String clientId, String clientSecret) {
		this.requests++;
		if (!"refresh_token".equals(grantType)) {
			return error(400, "unsupported_grant_type", "Only refresh_token is supported here.");
		}
		if (this.clientId == null || !this.clientId.equals(clientId) || !this.clientSecret.equals(clientSecret)) {
			return error(401, "invalid_client", "Client authentication failed");
		}
		Token presented = (refreshToken != null) ? this.refreshTokens.get(refreshToken) : null;
		Instant now = this.clock.instant();
		if (presented == null || presented.revoked || this.revokedFamilies.contains(presented.family)
				|| (presented.expiresAt != null && !presented.expiresAt.isAfter(now))) {
			return error(400, "invalid_grant", "The refresh token is invalid.");
		}
		if (presented.used) {
			this.reuses++;
			this.revokedFamilies.add(presented.family);
			return error(400, "invalid_grant", "The refresh token is invalid.");
		}
		presented.used = true;
		// The pair it replaces is revoked: its access tokens stop working.
		this.accessTokens.values()
			.stream()
			.filter((token) -> token.family == presented.family)
			.forEach((token) -> token.revoked = true);
		String access = newToken("at");
		String refresh = newToken("rt");
		this.accessTokens.put(access, new Token(presented.family, now.plus(this.accessLifetime)));
		this.refreshTokens.put(refresh, new Token(presented.family, expiry(this.refreshLifetime)));
		this.refreshes++;
		ObjectNode body = EmulatorJson.object()
			.put("token_type", "Bearer")
			.put("expires_in", this.accessLifetime.toSeconds())
			.put("access_token", access)
			.put("refresh_token", refresh);
		if (this.refreshLifetime != null) {
			body.put("refresh_token_expires_in", this.refreshLifetime.toSeconds());
		}
		return new Answer(200, body);
	}

	synchronized long requests() {
		return this.requests;
	}

	synchronized long refreshes() {
		return this.refreshes;
	}

	synchronized long reuses() {
		return this.reuses;
	}

	synchronized void hold(boolean held) {
		this.held = held;
		notifyAll();
	}

	/** Requests waiting at the door now are let go unprocessed (answered 503). */
	synchronized void dropWaiting() {
		this.generation++;
		notifyAll();
	}

	synchronized int waiting() {
		return this.waiting;
	}

	/**
	 * Waits while requests are held.
	 * @return false when the request was dropped: it must not be processed
	 */
	synchronized boolean admit() throws InterruptedException {
		long admitted = this.generation;
		this.waiting++;
		try {
			while (this.held && admitted == this.generation) {
				wait(100);
			}
			return admitted == this.generation;
		}
		finally {
			this.waiting--;
		}
	}

	synchronized void reset() {
		this.clientId = null;
		this.clientSecret = null;
		this.accessTokens.clear();
		this.refreshTokens.clear();
		this.revokedFamilies.clear();
		this.requests = 0;
		this.refreshes = 0;
		this.reuses = 0;
		this.held = false;
		this.generation++;
		notifyAll();
	}

	private Instant expiry(Duration lifetime) {
		return (lifetime != null) ? this.clock.instant().plus(lifetime) : null;
	}

	private static Answer error(int status, String error, String description) {
		return new Answer(status, EmulatorJson.object().put("error", error).put("error_description", description));
	}

	private static String newToken(String kind) {
		byte[] bytes = new byte[24];
		random.nextBytes(bytes);
		return kind + "_" + HexFormat.of().formatHex(bytes);
	}

	record Answer(int status, ObjectNode body) {

	}

	private static final class Token {

		final long family;

		final Instant expiresAt;

		boolean used;

		boolean revoked;

		Token(long family, Instant expiresAt) {
			this.family = family;
			this.expiresAt = expiresAt;
		}

	}

}
