package dev.aqid.receiver.ingest;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Deletes events older than {@code receiver.retention.max-age} (90 days: as long as
 * Amiqus keeps its delivery log), oldest first, in small batches of rows nobody else has
 * locked, each its own short transaction, so the ingest path never waits for it. Replay
 * guards older than the replay window (or than the events they guard) go first: the
 * insert takes an expired guard over anyway, so deleting them only keeps the table small.
 */
@Component
class RetentionJob implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

	private static final String DELETE_BATCH = """
			with doomed as (
			    select id from events
			     where received_at < now() - make_interval(secs => ?)
			     order by id
			     limit ?
			     for update skip locked)
			delete from events e using doomed where e.id = doomed.id""";

	private static final String DELETE_GUARDS = """
			with doomed as (
			    select body_sha256 from replay_guards
			     where guarded_at < now() - make_interval(secs => ?)
			     limit ?
			     for update skip locked)
			delete from replay_guards g using doomed where g.body_sha256 = doomed.body_sha256""";

	private final JdbcTemplate jdbc;

	private final RetentionProperties properties;

	private final long guardAgeSeconds;

	private final Counter deleted;

	private final ApplicationEventPublisher publisher;

	private ScheduledExecutorService scheduler;

	RetentionJob(JdbcTemplate jdbc, RetentionProperties properties, IngestProperties ingest, MeterRegistry registry,
			ApplicationEventPublisher publisher) {
		this.jdbc = jdbc;
		this.publisher = publisher;
		this.properties = properties;
		this.guardAgeSeconds = Math.min(ingest.replayWindow().toSeconds(), properties.maxAge().toSeconds());
		this.deleted = Counter.builder("receiver.retention.deleted")
			.description("Rows deleted by retention, by kind (event; snapshot: see enrichment)")
			.tag("kind", "event")
			.register(registry);
	}

	/**
	 * Deletes every event past its age, batch by batch, then tells other modules
	 * ({@link RetentionRoundCompleted}) so that they drop what no retained event refers
	 * to; returns how many events.
	 */
	long deleteExpired() {
		int guards;
		do {
			guards = this.jdbc.update(DELETE_GUARDS, this.guardAgeSeconds, this.properties.batchSize());
		}
		while (guards == this.properties.batchSize() && isRunningOrManual());
		long total = 0;
		int batch;
		do {
			batch = this.jdbc.update(DELETE_BATCH, this.properties.maxAge().toSeconds(), this.properties.batchSize());
			total += batch;
			this.deleted.increment(batch);
		}
		while (batch == this.properties.batchSize() && isRunningOrManual());
		if (total > 0) {
			log.info("Deleted {} event(s) received more than {} ago", total, this.properties.maxAge());
		}
		this.publisher.publishEvent(new RetentionRoundCompleted(total));
		return total;
	}

	private boolean isRunningOrManual() {
		return this.scheduler == null || !this.scheduler.isShutdown();
	}

	private void runQuietly() {
		try {
			deleteExpired();
		}
		catch (RuntimeException ex) {
			log.warn("Retention run failed: {}", ex.toString());
		}
	}

	@Override
	public synchronized void start() {
		if (!this.properties.enabled()) {
			return;
		}
		this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "retention");
			thread.setDaemon(true);
			return thread;
		});
		this.scheduler.scheduleWithFixedDelay(this::runQuietly, 1, this.properties.interval().toSeconds(),
				TimeUnit.SECONDS);
	}

	@Override
	public synchronized void stop() {
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
			this.scheduler = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

}
