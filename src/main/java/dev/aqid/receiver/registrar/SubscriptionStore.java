package dev.aqid.receiver.registrar;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import dev.aqid.receiver.amiqus.Webhook;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The one subscription row: what Amiqus last told us about our webhook (and its secret),
 * and how reconciling and backfilling went.
 */
@Repository
class SubscriptionStore {

	private final JdbcTemplate jdbc;

	SubscriptionStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	Optional<SubscriptionState> load() {
		return this.jdbc.query("select * from subscription", SubscriptionStore::state).stream().findFirst();
	}

	/**
	 * Stores what Amiqus said of our webhook. When its secret changed (the webhook was
	 * re-created), the old one stays accepted for the grace period.
	 */
	void saveWebhook(Webhook webhook, Duration secretGracePeriod) {
		this.jdbc.update("""
				insert into subscription (singleton, webhook_id, webhook_uuid, url, events, enabled, secret, updated_at)
				values (true, ?, ?, ?, ?, ?, ?, now())
				on conflict (singleton) do update set
				    webhook_id = excluded.webhook_id, webhook_uuid = excluded.webhook_uuid, url = excluded.url,
				    events = excluded.events, enabled = excluded.enabled,
				    previous_secret = case when excluded.secret is not null and subscription.secret is not null
				                            and excluded.secret <> subscription.secret
				                           then subscription.secret else subscription.previous_secret end,
				    previous_secret_until = case when excluded.secret is not null and subscription.secret is not null
				                                  and excluded.secret <> subscription.secret
				                                 then now() + make_interval(secs => ?)
				                                 else subscription.previous_secret_until end,
				    secret = coalesce(excluded.secret, subscription.secret),
				    updated_at = now()""", webhook.id(), webhook.uuid(), webhook.url(),
				webhook.events().toArray(String[]::new), webhook.enabled(), webhook.secret(),
				secretGracePeriod.toMillis() / 1000.0);
	}

	void recordReconcile(String outcome, String error, List<Long> duplicates, boolean reenabled) {
		int updated = this.jdbc.update("""
				update subscription set last_reconcile_at = now(), last_reconcile_outcome = ?, last_reconcile_error = ?,
				       duplicates = ?, reenabled_count = reenabled_count + ?, updated_at = now()""", outcome, error,
				duplicates.toArray(Long[]::new), reenabled ? 1 : 0);
		if (updated == 0) {
			this.jdbc.update(
					"""
							insert into subscription (singleton, last_reconcile_at, last_reconcile_outcome, last_reconcile_error)
							values (true, now(), ?, ?) on conflict (singleton) do nothing""",
					outcome, error);
		}
	}

	void recordBackfill(Instant scanStartedAt, String outcome, int stored) {
		this.jdbc.update("""
				update subscription set last_backfill_scan_at = ?, last_backfill_outcome = ?,
				       backfilled_total = backfilled_total + ?, updated_at = now()""", Timestamp.from(scanStartedAt),
				outcome, stored);
	}

	/**
	 * The learned secrets to accept now: the current one and a previous one in its grace
	 * period.
	 */
	List<String> acceptedSecrets() {
		List<String> secrets = new ArrayList<>();
		this.jdbc.query("""
				select secret, case when previous_secret_until > now() then previous_secret end as previous
				  from subscription""", (ResultSet rs) -> {
			addIfPresent(secrets, rs.getString("secret"));
			addIfPresent(secrets, rs.getString("previous"));
		});
		return List.copyOf(secrets);
	}

	private static void addIfPresent(List<String> secrets, String secret) {
		if (secret != null && !secret.isEmpty()) {
			secrets.add(secret);
		}
	}

	private static SubscriptionState state(ResultSet rs, int row) throws SQLException {
		return new SubscriptionState(nullableLong(rs, "webhook_id"), rs.getString("webhook_uuid"), rs.getString("url"),
				strings(rs.getArray("events")), (Boolean) rs.getObject("enabled"), rs.getString("secret"),
				rs.getString("previous_secret"), instant(rs, "previous_secret_until"), instant(rs, "last_reconcile_at"),
				rs.getString("last_reconcile_outcome"), rs.getString("last_reconcile_error"),
				longs(rs.getArray("duplicates")), rs.getInt("reenabled_count"), instant(rs, "last_backfill_scan_at"),
				rs.getString("last_backfill_outcome"), rs.getLong("backfilled_total"));
	}

	private static Long nullableLong(ResultSet rs, String column) throws SQLException {
		long value = rs.getLong(column);
		return rs.wasNull() ? null : value;
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		Timestamp timestamp = rs.getTimestamp(column);
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

	private static List<String> strings(Array array) throws SQLException {
		return (array != null) ? List.of((String[]) array.getArray()) : List.of();
	}

	private static List<Long> longs(Array array) throws SQLException {
		return (array != null) ? Arrays.asList((Long[]) array.getArray()) : List.of();
	}

}
