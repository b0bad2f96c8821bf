package dev.aqid.receiver.registrar;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.aqid.receiver.amiqus.AmiqusApiException;
import dev.aqid.receiver.amiqus.AmiqusCredentials;
import dev.aqid.receiver.amiqus.Webhook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs the registrar: on every replica, reloads the learned secrets; on the leader, at
 * start-up and every {@code amiqus.registrar.interval}, reconciles the subscription and
 * backfills from its delivery log. Standby replicas try for the lead every few seconds,
 * so one takes over soon after the leader dies.
 */
@Component
class Registrar implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(Registrar.class);

	private static final Duration LEADERSHIP_CHECK = Duration.ofSeconds(5);

	private final RegistrarProperties properties;

	private final boolean tokenConfigured;

	private final RegistrarLeadership leadership;

	private final SubscriptionReconciler reconciler;

	private final DeliveryBackfill backfill;

	private final LearnedWebhookSecrets secrets;

	private final SubscriptionStore store;

	private final RegistrarMetrics metrics;

	private final ApplicationEventPublisher events;

	private final Clock clock;

	private final Object reconcileLock = new Object();

	private ScheduledExecutorService scheduler;

	private volatile Instant lastReconcile = Instant.EPOCH;

	private volatile boolean leading;

	Registrar(RegistrarProperties properties, AmiqusCredentials credentials, RegistrarLeadership leadership,
			SubscriptionReconciler reconciler, DeliveryBackfill backfill, LearnedWebhookSecrets secrets,
			SubscriptionStore store, RegistrarMetrics metrics, ApplicationEventPublisher events, Clock clock) {
		this.properties = properties;
		this.tokenConfigured = credentials.configured();
		this.leadership = leadership;
		this.reconciler = reconciler;
		this.backfill = backfill;
		this.secrets = secrets;
		this.store = store;
		this.metrics = metrics;
		this.events = events;
		this.clock = clock;
	}

	@Override
	public synchronized void start() {
		if (!this.properties.active()) {
			log.info("The registrar is off: set AMIQUS_REGISTRAR_URL to have the subscription kept in sync");
			return;
		}
		if (!this.tokenConfigured) {
			log.warn(
					"The registrar is off: AMIQUS_REGISTRAR_URL is set but neither AMIQUS_API_TOKEN nor an OAuth client is");
			return;
		}
		this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> new Thread(task, "registrar"));
		this.scheduler.execute(this::refreshSecrets);
		long tick = Math.min(this.properties.interval().toMillis(), LEADERSHIP_CHECK.toMillis());
		this.scheduler.scheduleWithFixedDelay(this::tick, 0, tick, TimeUnit.MILLISECONDS);
		this.scheduler.scheduleWithFixedDelay(this::refreshSecrets, this.properties.secretRefresh().toMillis(),
				this.properties.secretRefresh().toMillis(), TimeUnit.MILLISECONDS);
		log.info("Registrar started for {} (events {}, every {}{})", this.properties.url(), this.properties.events(),
				this.properties.interval(), this.properties.dryRun() ? ", dry run" : "");
	}

	private void tick() {
		try {
			boolean leads = this.leadership.tryLead();
			boolean becameLeader = leads && !this.leading;
			this.leading = leads;
			if (leads && (becameLeader || dueForReconcile())) {
				reconcileAndBackfill();
			}
		}
		catch (RuntimeException ex) {
			log.warn("Registrar round failed: {}", ex.toString());
		}
	}

	private boolean dueForReconcile() {
		return !this.clock.instant().isBefore(this.lastReconcile.plus(this.properties.interval()));
	}

	/** One reconcile and backfill; also what an operator's "sync now" would run. */
	void reconcileAndBackfill() {
		synchronized (this.reconcileLock) {
			this.lastReconcile = this.clock.instant();
			Optional<Webhook> ours;
			try {
				ours = this.reconciler.reconcile();
			}
			catch (AmiqusApiException ex) {
				String error = ex.getClass().getSimpleName() + " (" + ex.status() + "): " + ex.errorMessage();
				log.warn("Could not reconcile the Amiqus webhook subscription: {}", error);
				this.store.recordReconcile("error", error, List.of(), false);
				this.metrics.reconciled("error");
				return;
			}
			ours.ifPresent((webhook) -> this.metrics.subscriptionEnabled(webhook.enabled()));
			refreshSecrets();
			ours.ifPresent(this::backfill);
			ours.ifPresent((webhook) -> this.events.publishEvent(new SubscriptionSynced(webhook.id())));
		}
	}

	private void backfill(Webhook webhook) {
		try {
			Instant previous = this.store.load().map(SubscriptionState::lastBackfillScanAt).orElse(null);
			this.backfill.scan(webhook, previous);
		}
		catch (AmiqusApiException ex) {
			String error = ex.getClass().getSimpleName() + " (" + ex.status() + "): " + ex.errorMessage();
			log.warn("Could not read the Amiqus delivery log: {}", error);
		}
	}

	private void refreshSecrets() {
		try {
			this.secrets.refresh();
		}
		catch (RuntimeException ex) {
			log.warn("Could not reload learned webhook secrets: {}", ex.toString());
		}
	}

	boolean leads() {
		return this.leading && this.leadership.leads();
	}

	@Override
	public synchronized void stop() {
		if (this.scheduler == null) {
			return;
		}
		this.scheduler.shutdownNow();
		try {
			this.scheduler.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.scheduler = null;
		this.leading = false;
		this.leadership.resign();
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

}
