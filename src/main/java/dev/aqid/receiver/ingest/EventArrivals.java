package dev.aqid.receiver.ingest;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Tells subscribers that events may have arrived, so that a long-polling reader re-reads
 * the stream instead of polling it.
 * <p>
 * Every insert statement that stored events notifies channel {@value #CHANNEL} right
 * after it committed ({@link EventStore}, in a transaction of its own: one notification
 * per batch; {@code V12__notify_arrivals_after_commit.sql} says why not in the insert).
 * This instance listens on <em>one</em> connection of its own, opened with the
 * datasource's URL and credentials but outside the Hikari pool, read by one thread with
 * pgjdbc's {@link PGConnection#getNotifications(int)}, and fans each notification out to
 * its subscribers in memory: hundreds of waiting requests cost one connection. (A pooled
 * connection kept for good would take a slot sized for request work, keep a session
 * LISTENing should it ever go back to the pool, and trip leak detection; this one is
 * named {@code aqid-receiver-listen} in {@code pg_stat_activity}.)
 * <p>
 * A notification says only "re-read": the events it announces show in the stream once
 * every older transaction has ended, so subscribers are woken once more a moment later
 * ({@code follow-up}), and every {@code recheck-interval} in any case. When the
 * connection breaks (a database restart), the thread reconnects with a doubling pause and
 * meanwhile wakes subscribers every {@code fallback-interval}; the outage is logged once
 * when it starts and once when it ends. Each reconnect wakes everyone, since
 * notifications sent while nobody listened are gone.
 * <p>
 * Subscribers are called on this class's threads and must not block: they hand the
 * re-read to a thread of their own.
 */
@Component
public class EventArrivals implements SmartLifecycle {

	static final String CHANNEL = "event_arrivals";

	private static final Logger log = LoggerFactory.getLogger(EventArrivals.class);

	/** How long one wait for notifications lasts: also how quickly the thread stops. */
	private static final int POLL_MILLIS = 500;

	/** With no traffic, prove the connection alive this often (a silent network drop). */
	private static final long PROBE_NANOS = Duration.ofSeconds(30).toNanos();

	private static final Duration FIRST_RECONNECT_DELAY = Duration.ofMillis(250);

	private final JdbcConnectionDetails database;

	private final EventArrivalsProperties properties;

	private final Set<Runnable> subscribers = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean followUpScheduled = new AtomicBoolean();

	private final Counter notifications;

	private volatile boolean running;

	private volatile boolean listening;

	private Thread listener;

	private ScheduledExecutorService timer;

	EventArrivals(JdbcConnectionDetails database, EventArrivalsProperties properties, MeterRegistry registry) {
		this.database = database;
		this.properties = properties;
		this.notifications = Counter.builder("receiver.event.notifications")
			.description("Notifications of newly stored events received from PostgreSQL (one per stored batch)")
			.register(registry);
		Gauge.builder("receiver.event.notifications.listening", this, (arrivals) -> arrivals.listening ? 1 : 0)
			.description("1 while this instance's connection listening for new events is up, else 0 "
					+ "(waiters then re-check on a timer)")
			.register(registry);
	}

	/**
	 * Calls {@code onArrival} whenever events may have arrived, until the subscription is
	 * closed. It may be called when nothing new is there (re-read and keep waiting), on
	 * this class's threads: it must not block.
	 * @param onArrival what to do
	 * @return the subscription, to close when done
	 */
	public Subscription subscribe(Runnable onArrival) {
		// A distinct object per subscription, so that one Runnable may subscribe twice.
		Runnable subscriber = onArrival::run;
		this.subscribers.add(subscriber);
		return () -> this.subscribers.remove(subscriber);
	}

	/**
	 * Whether notifications reach this instance now (otherwise subscribers are woken on
	 * the fallback timer).
	 * @return true while the listening connection is up
	 */
	public boolean listening() {
		return this.listening;
	}

	private void wakeAll() {
		for (Runnable subscriber : this.subscribers) {
			try {
				subscriber.run();
			}
			catch (RuntimeException ex) {
				log.warn("A subscriber to event arrivals failed: {}", ex.toString());
			}
		}
	}

	private void notified(int count) {
		this.notifications.increment(count);
		wakeAll();
		if (this.followUpScheduled.compareAndSet(false, true)) {
			this.timer.schedule(() -> {
				this.followUpScheduled.set(false);
				wakeAll();
			}, this.properties.followUp().toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	private void listen() {
		Duration reconnectDelay = FIRST_RECONNECT_DELAY;
		long outageStarted = 0;
		while (this.running) {
			try (Connection connection = connect()) {
				try (Statement statement = connection.createStatement()) {
					statement.execute("LISTEN " + CHANNEL);
				}
				this.listening = true;
				reconnectDelay = FIRST_RECONNECT_DELAY;
				if (outageStarted != 0) {
					log.info("Listening for new events again after {} s without", seconds(outageStarted));
					outageStarted = 0;
				}
				// Whatever was notified while nobody listened is gone: everyone re-reads.
				wakeAll();
				receive(connection);
			}
			catch (SQLException ex) {
				boolean wasListening = this.listening;
				this.listening = false;
				if (!this.running) {
					return;
				}
				if (outageStarted == 0) {
					outageStarted = System.nanoTime();
					log.warn(
							"{} the connection that listens for new events ({}, SQL state {}): long-polling "
									+ "requests re-check every {} ms until it is back; reconnecting",
							wasListening ? "Lost" : "Could not open", ex.getClass().getSimpleName(), ex.getSQLState(),
							this.properties.fallbackInterval().toMillis());
				}
				else {
					log.debug("Still cannot listen for new events: {}", ex.toString());
				}
				if (!pause(reconnectDelay)) {
					return;
				}
				reconnectDelay = min(reconnectDelay.multipliedBy(2), this.properties.maxReconnectDelay());
			}
		}
	}

	private void receive(Connection connection) throws SQLException {
		PGConnection pg = connection.unwrap(PGConnection.class);
		long lastHeard = System.nanoTime();
		while (this.running) {
			PGNotification[] received = pg.getNotifications(POLL_MILLIS);
			if (received != null && received.length > 0) {
				lastHeard = System.nanoTime();
				notified(received.length);
			}
			else if (System.nanoTime() - lastHeard > PROBE_NANOS) {
				try (Statement statement = connection.createStatement()) {
					statement.execute("select 1");
				}
				lastHeard = System.nanoTime();
			}
		}
	}

	private Connection connect() throws SQLException {
		Properties connection = new Properties();
		String user = this.database.getUsername();
		if (user != null) {
			connection.setProperty("user", user);
		}
		String password = this.database.getPassword();
		if (password != null) {
			connection.setProperty("password", password);
		}
		connection.setProperty("ApplicationName", "aqid-receiver-listen");
		connection.setProperty("connectTimeout", Long.toString(this.properties.connectTimeout().toSeconds()));
		connection.setProperty("tcpKeepAlive", "true");
		return DriverManager.getConnection(this.database.getJdbcUrl(), connection);
	}

	private boolean pause(Duration delay) {
		try {
			Thread.sleep(delay.toMillis());
			return this.running;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	private static long seconds(long sinceNanos) {
		return Duration.ofNanos(System.nanoTime() - sinceNanos).toSeconds();
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "event-arrivals-timer");
			thread.setDaemon(true);
			return thread;
		});
		timer.setRemoveOnCancelPolicy(true);
		long recheck = this.properties.recheckInterval().toMillis();
		timer.scheduleWithFixedDelay(this::wakeAll, recheck, recheck, TimeUnit.MILLISECONDS);
		long fallback = this.properties.fallbackInterval().toMillis();
		timer.scheduleWithFixedDelay(() -> {
			if (!this.listening) {
				wakeAll();
			}
		}, fallback, fallback, TimeUnit.MILLISECONDS);
		this.timer = timer;
		this.listener = new Thread(this::listen, "event-arrivals-listener");
		this.listener.setDaemon(true);
		this.listener.start();
	}

	@Override
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		try {
			this.listener.join(2L * POLL_MILLIS + this.properties.connectTimeout().toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.listener.interrupt();
		this.timer.shutdownNow();
		this.listening = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * A subscription to event arrivals.
	 */
	@FunctionalInterface
	public interface Subscription extends AutoCloseable {

		/** No more calls after this returns (one already under way may still finish). */
		@Override
		void close();

	}

}
