package dev.aqid.receiver.query;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Long polling on {@code GET /api/events?wait=…}.
 *
 * @param maxWait the longest {@code wait} a caller may ask for (longer: {@code 400});
 * keep it below the idle timeouts of proxies and load balancers in front of the service
 * @param checkThreads threads that re-read the stream for waiting requests after a
 * notification: at most this many database connections serve waiters at once, whatever
 * their number
 */
@ConfigurationProperties("receiver.query.long-poll")
record LongPollProperties(@DefaultValue("60s") Duration maxWait, @DefaultValue("4") int checkThreads) {

	LongPollProperties {
		if (maxWait.toMillis() < 1) {
			throw new IllegalArgumentException("receiver.query.long-poll.max-wait must be positive");
		}
		if (checkThreads < 1) {
			throw new IllegalArgumentException("receiver.query.long-poll.check-threads must be at least 1");
		}
	}

}
