package dev.aqid.receiver.amiqus;

import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import dev.aqid.receiver.encryption.SecretCipher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * The OAuth token pair, kept in PostgreSQL ({@code amiqus_oauth_tokens}, one row shared
 * by every replica) and cached in memory.
 * <p>
 * <b>Refreshing.</b> Before the access token runs out (less than
 * {@code amiqus.oauth.refresh-margin} left, or a quarter of its lifetime when that is
 * shorter), and after the API answered {@code 401} to it, the pair is refreshed in one
 * transaction: take a transaction-scoped advisory lock (one replica at a time), read the
 * stored pair again (when another replica already refreshed it, use that pair and send
 * nothing), send {@code grant_type=refresh_token} with the stored refresh token to
 * {@code AMIQUS_OAUTH_TOKEN_URL}, store the new pair and commit; only then is the new
 * access token used. So a refresh token is sent once: each is read under the lock and
 * replaced in the same transaction.
 * <p>
 * <b>The one window.</b> If this process dies (or the database fails) after Amiqus issued
 * a new pair and before the commit, the new pair is lost and the stored refresh token is
 * spent. The next refresh sends it again; Amiqus answers {@code invalid_grant}; the
 * service records that (it never sends a refused token again), logs an error and shows it
 * in health, and the operator sets a new {@code AMIQUS_OAUTH_REFRESH_TOKEN}: a value
 * different from the one that seeded the stored pair replaces it at start-up. A crash
 * before Amiqus processed the request loses nothing: the stored token still works.
 * <p>
 * A small {@link RestClient} call does the exchange, rather than Spring Security's OAuth2
 * client: that client keeps its authorized clients in its own store without a lock across
 * replicas, without the re-read after locking and without encryption at rest, which are
 * the whole point here.
 */
@Component
class OAuthTokens implements InitializingBean {

	/** "AqidOAut": the lock no other part of the service uses. */
	static final long LOCK_KEY = 0x416169644f417574L;

	static final String OPERATION = "oauth.token";

	private static final Logger log = LoggerFactory.getLogger(OAuthTokens.class);

	private final AmiqusOAuthProperties properties;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final SecretCipher cipher;

	private final TokenExpiry expiry;

	private final MeterRegistry registry;

	private final Clock clock;

	private final RestClient tokenEndpoint;

	private final AtomicReference<@Nullable Pair> cached = new AtomicReference<>();

	private final AtomicReference<@Nullable String> refusal = new AtomicReference<>();

	OAuthTokens(AmiqusOAuthProperties properties, AmiqusApiProperties api, JdbcTemplate jdbc,
			PlatformTransactionManager transactionManager, SecretCipher cipher, TokenExpiry expiry,
			RestClient.Builder restClientBuilder, MeterRegistry registry, Clock clock) {
		this.properties = properties;
		this.jdbc = jdbc;
		this.transactions = new TransactionTemplate(transactionManager);
		this.cipher = cipher;
		this.expiry = expiry;
		this.registry = registry;
		this.clock = clock;
		HttpClient httpClient = HttpClient.newBuilder().connectTimeout(api.connectTimeout()).build();
		JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(httpClient);
		requestFactory.setReadTimeout(api.readTimeout());
		this.tokenEndpoint = restClientBuilder.clone().requestFactory(requestFactory).build();
	}

	boolean enabled() {
		return this.properties.enabled();
	}

	/**
	 * Seeds the stored pair from {@code AMIQUS_OAUTH_REFRESH_TOKEN} when there is none
	 * (or when the operator set a different one), checks the stored tokens open with
	 * {@code RECEIVER_ENCRYPTION_KEY}, and encrypts a pair stored in plain text once a
	 * key is set.
	 */
	@Override
	public void afterPropertiesSet() {
		if (!enabled()) {
			return;
		}
		Pair pair = this.transactions.execute((status) -> {
			lock();
			String configured = this.properties.refreshToken();
			String configuredSha = AmiqusOAuthProperties.hasText(configured)
					? Sha256.hex(Sha256.of(configured.trim().getBytes(StandardCharsets.UTF_8))) : null;
			Stored stored = read();
			if (stored == null) {
				if (configuredSha == null) {
					throw new IllegalStateException("AMIQUS_OAUTH_REFRESH_TOKEN is required on the first start with an "
							+ "Amiqus OAuth client: no token pair is stored yet");
				}
				Pair seed = new Pair(null, null, configured.trim(), null, this.clock.instant());
				insert(seed, configuredSha);
				log.info("Stored the Amiqus OAuth refresh token from AMIQUS_OAUTH_REFRESH_TOKEN; the first API call "
						+ "refreshes it");
				return seed;
			}
			if (configuredSha != null && !configuredSha.equals(stored.seedSha256())) {
				Pair seed = new Pair(null, null, configured.trim(), null, this.clock.instant());
				this.jdbc.update("delete from amiqus_oauth_tokens");
				insert(seed, configuredSha);
				log.warn("AMIQUS_OAUTH_REFRESH_TOKEN differs from the token the stored pair was seeded with: the "
						+ "stored Amiqus OAuth pair is replaced by it");
				return seed;
			}
			if (stored.refusedAt() != null) {
				this.refusal.set(refusalMessage(stored.refusedReason()));
				log.error(this.refusal.get());
			}
			if (this.cipher.encrypts() && !stored.sealed()) {
				write(stored.pair());
				log.info("Encrypted the stored Amiqus OAuth tokens with RECEIVER_ENCRYPTION_KEY");
			}
			return stored.pair();
		});
		use(Objects.requireNonNull(pair));
	}

	/**
	 * An access token to send, refreshed first when it is missing or about to expire.
	 * @return the access token
	 * @throws AmiqusApiException when a needed refresh failed
	 */
	String accessToken() {
		Pair pair = this.cached.get();
		if (pair == null || needsRefresh(pair)) {
			pair = refresh((pair != null) ? pair.accessToken() : null);
		}
		return Objects.requireNonNull(pair.accessToken());
	}

	/**
	 * The API refused this access token: refresh, unless another thread or replica has
	 * already replaced it.
	 * @param used the token the API refused
	 */
	void renewAfterUnauthorized(String used) {
		refresh(used);
	}

	/** Why the stored refresh token cannot be used, if Amiqus refused it; else null. */
	@Nullable String refusal() {
		return this.refusal.get();
	}

	/**
	 * One replica at a time, one thread of it at a time: re-read under the lock, use a
	 * pair someone else refreshed, else refresh and commit before the new pair is used.
	 */
	private synchronized Pair refresh(@Nullable String stale) {
		Pair mine = this.cached.get();
		if (mine != null && mine.accessToken() != null && !mine.accessToken().equals(stale) && !needsRefresh(mine)) {
			return mine;
		}
		Outcome outcome = this.transactions.execute((status) -> {
			lock();
			Stored stored = read();
			if (stored == null) {
				throw new IllegalStateException("The Amiqus OAuth token pair is missing from the database");
			}
			Pair current = stored.pair();
			if (current.accessToken() != null && !current.accessToken().equals(stale) && !needsRefresh(current)) {
				return new Outcome(current, null, "other_replica");
			}
			if (stored.refusedAt() != null) {
				return new Outcome(null, refusalMessage(stored.refusedReason()), "refused");
			}
			Exchange exchange = exchange(current.refreshToken());
			if (exchange.refusedReason() != null) {
				this.jdbc.update("update amiqus_oauth_tokens set refused_at = ?, refused_reason = ?",
						Timestamp.from(this.clock.instant()), exchange.refusedReason());
				return new Outcome(null, refusalMessage(exchange.refusedReason()), "refused");
			}
			write(Objects.requireNonNull(exchange.pair()));
			return new Outcome(exchange.pair(), null, "refreshed");
		});
		Objects.requireNonNull(outcome);
		count(outcome.result());
		if (outcome.pair() == null) {
			String message = Objects.requireNonNull(outcome.refusal());
			if (this.refusal.getAndSet(message) == null) {
				log.error(message);
			}
			throw new AmiqusUnauthorized(OPERATION, 400, "the stored OAuth refresh token was refused");
		}
		this.refusal.set(null);
		use(outcome.pair());
		if (outcome.result().equals("refreshed")) {
			log.info("Refreshed the Amiqus OAuth access token (expires {})",
					(outcome.pair().accessExpiresAt() != null) ? outcome.pair().accessExpiresAt() : "when Amiqus says");
		}
		return outcome.pair();
	}

	private static String refusalMessage(@Nullable String reason) {
		return "Amiqus refused the stored OAuth refresh token (" + ((reason != null) ? reason : "invalid_grant")
				+ "): it is spent or revoked, and will not be sent again. Enrichment and the registrar stop until you "
				+ "authorise the OAuth client again, set AMIQUS_OAUTH_REFRESH_TOKEN to the new refresh token and "
				+ "restart";
	}

	private boolean needsRefresh(Pair pair) {
		if (pair.accessToken() == null) {
			return true;
		}
		if (pair.accessExpiresAt() == null) {
			return false;
		}
		Duration lifetime = Duration.between(pair.refreshedAt(), pair.accessExpiresAt());
		Duration margin = this.properties.refreshMargin();
		Duration quarter = lifetime.dividedBy(4);
		Duration threshold = (quarter.compareTo(margin) < 0) ? quarter : margin;
		return !this.clock.instant().plus(threshold).isBefore(pair.accessExpiresAt());
	}

	private void use(Pair pair) {
		this.cached.set(pair);
		this.expiry.known(TokenExpiry.ACCESS, pair.accessExpiresAt());
		this.expiry.known(TokenExpiry.REFRESH, pair.refreshExpiresAt());
	}

	private void lock() {
		this.jdbc.queryForList("select pg_advisory_xact_lock(?)", LOCK_KEY);
	}

	private @Nullable Stored read() {
		List<Stored> rows = this.jdbc.query(
				"select access_token, access_expires_at, refresh_token, refresh_expires_at, seed_sha256, refreshed_at, "
						+ "refused_at, refused_reason from amiqus_oauth_tokens",
				this::stored);
		return rows.isEmpty() ? null : rows.get(0);
	}

	private Stored stored(ResultSet rs, int row) throws SQLException {
		String access = rs.getString("access_token");
		String refresh = rs.getString("refresh_token");
		boolean sealed = SecretCipher.isSealed(refresh) && (access == null || SecretCipher.isSealed(access));
		Pair pair = new Pair((access != null) ? this.cipher.open(access) : null, instant(rs, "access_expires_at"),
				this.cipher.open(refresh), instant(rs, "refresh_expires_at"),
				Objects.requireNonNull(instant(rs, "refreshed_at")));
		return new Stored(pair, sealed, rs.getString("seed_sha256"), instant(rs, "refused_at"),
				rs.getString("refused_reason"));
	}

	private void insert(Pair pair, String seedSha256) {
		this.jdbc.update(
				"insert into amiqus_oauth_tokens (access_token, access_expires_at, refresh_token, refresh_expires_at, "
						+ "seed_sha256, refreshed_at) values (?, ?, ?, ?, ?, ?)",
				sealed(pair.accessToken()), timestamp(pair.accessExpiresAt()), this.cipher.seal(pair.refreshToken()),
				timestamp(pair.refreshExpiresAt()), seedSha256, Timestamp.from(pair.refreshedAt()));
	}

	private void write(Pair pair) {
		this.jdbc.update(
				"update amiqus_oauth_tokens set access_token = ?, access_expires_at = ?, refresh_token = ?, "
						+ "refresh_expires_at = ?, refreshed_at = ?, refused_at = null, refused_reason = null",
				sealed(pair.accessToken()), timestamp(pair.accessExpiresAt()), this.cipher.seal(pair.refreshToken()),
				timestamp(pair.refreshExpiresAt()), Timestamp.from(pair.refreshedAt()));
	}

	private @Nullable String sealed(@Nullable String value) {
		return (value != null) ? this.cipher.seal(value) : null;
	}

	/**
	 * {@code POST AMIQUS_OAUTH_TOKEN_URL} with {@code grant_type=refresh_token}: the new
	 * pair, or why Amiqus refused the refresh token ({@code 400}/{@code 401} with
	 * {@code invalid_grant} or {@code invalid_client}). Anything else is thrown (and
	 * rolls the transaction back): the stored pair stays as it was.
	 */
	private Exchange exchange(String refreshToken) {
		String form = "grant_type=refresh_token&refresh_token=" + encode(refreshToken) + "&client_id="
				+ encode(Objects.requireNonNull(this.properties.clientId()).trim()) + "&client_secret="
				+ encode(Objects.requireNonNull(this.properties.clientSecret()).trim());
		Instant sentAt = this.clock.instant();
		Answer answer;
		try {
			answer = this.tokenEndpoint.post()
				.uri(this.properties.tokenUrl())
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.accept(MediaType.APPLICATION_JSON)
				.body(form.getBytes(StandardCharsets.UTF_8))
				.exchange((request, response) -> new Answer(response.getStatusCode().value(), response.getHeaders(),
						response.getBody().readAllBytes()), true);
		}
		catch (ResourceAccessException ex) {
			calls("io_error");
			throw new AmiqusUnreachable(OPERATION, ex);
		}
		calls(Integer.toString(answer.status()));
		JsonNode body;
		try {
			body = AmiqusJson.parse(answer.body());
		}
		catch (JacksonException ex) {
			body = null;
		}
		if (answer.status() == 400 || answer.status() == 401) {
			String error = (body != null && body.path("error").isString()) ? body.path("error").asString() : null;
			if ("invalid_grant".equals(error)) {
				return new Exchange(null, error + " (" + answer.status() + ")");
			}
			if ("invalid_client".equals(error) || "invalid_request".equals(error)) {
				// Our client id or secret is wrong, not the refresh token: nothing is
				// stored, so the same refresh token works once the configuration is
				// fixed.
				log.error("Amiqus refused our OAuth client ({}): check AMIQUS_OAUTH_CLIENT_ID and "
						+ "AMIQUS_OAUTH_CLIENT_SECRET; the refresh token was not used up", error);
			}
		}
		if (answer.status() < 200 || answer.status() > 299) {
			throw AmiqusErrors.toException(OPERATION, answer.status(), answer.headers(), answer.body(),
					this.clock.instant());
		}
		if (body == null || !body.path("access_token").isString() || !body.path("refresh_token").isString()) {
			throw new AmiqusUnexpectedResponse(OPERATION, answer.status(),
					"token response lacks access_token or refresh_token");
		}
		Instant accessExpires = body.path("expires_in").isNumber()
				? sentAt.plusSeconds(body.path("expires_in").asLong()) : null;
		Instant refreshExpires = body.path("refresh_token_expires_in").isNumber()
				? sentAt.plusSeconds(body.path("refresh_token_expires_in").asLong()) : null;
		return new Exchange(new Pair(body.path("access_token").asString(), accessExpires,
				body.path("refresh_token").asString(), refreshExpires, sentAt), null);
	}

	private void calls(String status) {
		Counter.builder("amiqus.api.calls")
			.description("Amiqus API calls by operation and HTTP status")
			.tag("operation", OPERATION)
			.tag("status", status)
			.register(this.registry)
			.increment();
	}

	private void count(String result) {
		Counter.builder("receiver.amiqus.token.refreshes")
			.description("OAuth token refreshes: refreshed, other_replica (already done elsewhere), refused")
			.tag("result", result)
			.register(this.registry)
			.increment();
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
		Timestamp timestamp = rs.getTimestamp(column);
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

	private static @Nullable Timestamp timestamp(@Nullable Instant instant) {
		return (instant != null) ? Timestamp.from(instant) : null;
	}

	/** A token pair; {@link #toString()} leaves the tokens out. */
	record Pair(@Nullable String accessToken, @Nullable Instant accessExpiresAt, String refreshToken,
			@Nullable Instant refreshExpiresAt, Instant refreshedAt) {

		@Override
		public String toString() {
			return "Pair[accessExpiresAt=" + this.accessExpiresAt + ", refreshExpiresAt=" + this.refreshExpiresAt
					+ ", refreshedAt=" + this.refreshedAt + "]";
		}

	}

	private record Stored(Pair pair, boolean sealed, String seedSha256, @Nullable Instant refusedAt,
			@Nullable String refusedReason) {

	}

	private record Outcome(@Nullable Pair pair, @Nullable String refusal, String result) {

	}

	private record Exchange(@Nullable Pair pair, @Nullable String refusedReason) {

	}

	private record Answer(int status, HttpHeaders headers, byte[] body) {

	}

}
