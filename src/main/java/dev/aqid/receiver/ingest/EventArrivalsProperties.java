package dev.aqid.receiver.ingest;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How {@link EventArrivals} learns that events arrived: PostgreSQL notifications on one
 * dedicated connection, and timers for what a notification cannot tell.
 *
 * @param followUp one more wake-up this long after each notification: the events of a
 * notifying commit show in the stream only once every older transaction has ended, which
 * is usually a moment later
 * @param recheckInterval a wake-up this often in any case: the safety net for an event
 * held back behind a longer transaction, and for waiters whose filter matches a change of
 * state rather than an insert (say {@code status=failed})
 * @param fallbackInterval a wake-up this often while the notification connection is down,
 * so that a waiter notices a new event within this time even then
 * @param maxReconnectDelay the longest pause between two attempts to reconnect (the pause
 * doubles from a quarter of a second up to this)
 * @param connectTimeout how long one attempt to connect may take
 */
@ConfigurationProperties("receiver.event-arrivals")
record EventArrivalsProperties(@DefaultValue("250ms") Duration followUp, @DefaultValue("5s") Duration recheckInterval,
		@DefaultValue("1s") Duration fallbackInterval, @DefaultValue("30s") Duration maxReconnectDelay,
		@DefaultValue("5s") Duration connectTimeout) {

	EventArrivalsProperties {
		for (Duration interval : new Duration[] { followUp, recheckInterval, fallbackInterval, maxReconnectDelay }) {
			if (interval.toMillis() < 10) {
				throw new IllegalArgumentException("receiver.event-arrivals intervals must be at least 10ms");
			}
		}
		if (connectTimeout.toSeconds() < 1) {
			throw new IllegalArgumentException("receiver.event-arrivals.connect-timeout must be at least 1s");
		}
	}

}
