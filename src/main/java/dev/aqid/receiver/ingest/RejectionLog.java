package dev.aqid.receiver.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Logs refused deliveries without letting a flood of forgeries flood the log: per reason,
 * one WARN line at most every {@code amiqus.webhook.rejection-log-interval}, which counts
 * the refusals it stood in for. {@code receiver_deliveries_total} still counts each one.
 * What the caller sent is shown only in a bounded, printable form: these lines come from
 * requests nobody has authenticated.
 */
@Component
class RejectionLog {

	private static final Logger log = LoggerFactory.getLogger(WebhookController.class);

	private static final int MAX_SHOWN_LENGTH = 80;

	private final Duration interval;

	private final Clock clock;

	private final Map<String, Window> windows = new ConcurrentHashMap<>();

	RejectionLog(IngestProperties properties, Clock clock) {
		this.interval = properties.rejectionLogInterval();
		this.clock = clock;
	}

	void refused(String reason, String deliveryId, String remoteAddress) {
		Window window = this.windows.computeIfAbsent(reason, (key) -> new Window());
		long unlogged = window.countAndClaim(this.clock.instant(), this.interval);
		if (unlogged < 0) {
			return;
		}
		if (unlogged == 0) {
			log.warn("Refused a webhook delivery ({}): delivery id {}, from {}", reason, printable(deliveryId),
					remoteAddress);
		}
		else {
			log.warn("Refused a webhook delivery ({}): delivery id {}, from {}; {} more refused for this reason "
					+ "since the last such line", reason, printable(deliveryId), remoteAddress, unlogged);
		}
	}

	/** A header value as it may appear in a log line: printable ASCII, bounded. */
	static String printable(String value) {
		if (value == null) {
			return null;
		}
		StringBuilder shown = new StringBuilder(Math.min(value.length(), MAX_SHOWN_LENGTH) + 1);
		for (int i = 0; i < value.length() && shown.length() < MAX_SHOWN_LENGTH; i++) {
			char c = value.charAt(i);
			shown.append((c >= 0x20 && c < 0x7f) ? c : '?');
		}
		return (value.length() > MAX_SHOWN_LENGTH) ? shown.append('…').toString() : shown.toString();
	}

	/** One reason's rate limit: when it last logged and what it has not logged since. */
	private static final class Window {

		/** When this reason last logged; null before its first line. */
		private final AtomicReference<Instant> lastLogged = new AtomicReference<>();

		private final AtomicLong unlogged = new AtomicLong();

		/**
		 * Counts one refusal; when this one may be logged, answers how many went unlogged
		 * before it, otherwise -1.
		 */
		long countAndClaim(Instant now, Duration interval) {
			Instant last = this.lastLogged.get();
			boolean due = last == null || !now.isBefore(last.plus(interval));
			if (due && this.lastLogged.compareAndSet(last, now)) {
				return this.unlogged.getAndSet(0);
			}
			this.unlogged.incrementAndGet();
			return -1;
		}

	}

}
