package dev.aqid.receiver.registrar;

import java.util.List;
import java.util.Map;

import dev.aqid.receiver.encryption.SecretCipher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * At start-up, before anything reads the learned secrets: checks that the stored ones
 * open with {@code RECEIVER_ENCRYPTION_KEY} (a wrong or missing key stops start-up,
 * naming the variable), and seals secrets stored in plain text once a key is set. Several
 * replicas starting at once take turns on the row lock.
 * <p>
 * It runs when the context starts, not while its beans are created: in the first
 * lifecycle phase, still before the web server takes a request and before any scheduled
 * task runs, but after a refresh, so that the class-data-sharing training run
 * ({@code -Dspring.context.exit=onRefresh}, README "Start-up") can refresh the context
 * without a database.
 */
@Component
class SecretsAtRest implements SmartLifecycle {

	/**
	 * Before the web server (Spring Boot starts it in phase
	 * {@code DEFAULT_PHASE - 2048}).
	 */
	static final int PHASE = Integer.MIN_VALUE;

	private static final Logger log = LoggerFactory.getLogger(SecretsAtRest.class);

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final SecretCipher cipher;

	private volatile boolean running;

	SecretsAtRest(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, SecretCipher cipher) {
		this.jdbc = jdbc;
		this.transactions = new TransactionTemplate(transactionManager);
		this.cipher = cipher;
	}

	@Override
	public void start() {
		sealOrCheck();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	private void sealOrCheck() {
		this.transactions.executeWithoutResult((status) -> {
			List<Map<String, Object>> rows = this.jdbc
				.queryForList("select secret, previous_secret from subscription for update");
			for (Map<String, Object> row : rows) {
				String secret = (String) row.get("secret");
				String previous = (String) row.get("previous_secret");
				String openSecret = (secret != null) ? this.cipher.open(secret) : null;
				String openPrevious = (previous != null) ? this.cipher.open(previous) : null;
				boolean plain = (secret != null && !SecretCipher.isSealed(secret))
						|| (previous != null && !SecretCipher.isSealed(previous));
				if (this.cipher.encrypts() && plain) {
					this.jdbc.update("update subscription set secret = ?, previous_secret = ?",
							(openSecret != null) ? this.cipher.seal(openSecret) : null,
							(openPrevious != null) ? this.cipher.seal(openPrevious) : null);
					log.info(
							"Encrypted the learned webhook secret(s) stored in plain text with RECEIVER_ENCRYPTION_KEY");
				}
			}
		});
	}

}
