package dev.aqid.receiver.forwarding;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The forwarding threads of this instance: {@code workers-per-destination} for each
 * destination, so a slow or dead destination only ever holds up its own. Each loops:
 * deliver a batch, or sleep a poll interval when nothing is due. On shutdown they finish
 * the attempt in hand and the instance gives back every lease it still holds.
 */
@Component
class ForwardingWorkers implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ForwardingWorkers.class);

	private static final Duration BACKLOG_SAMPLE = Duration.ofSeconds(5);

	private static final Duration STOP_WAIT = Duration.ofSeconds(30);

	private final Destinations destinations;

	private final DeliveryAttempts attempts;

	private final Outbox outbox;

	private final ForwardingMetrics metrics;

	private final ForwardingProperties properties;

	private final String instanceId = ManagementFactory.getRuntimeMXBean().getName() + "/"
			+ UUID.randomUUID().toString().substring(0, 8);

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running;

	ForwardingWorkers(Destinations destinations, DeliveryAttempts attempts, Outbox outbox, ForwardingMetrics metrics,
			ForwardingProperties properties) {
		this.destinations = destinations;
		this.attempts = attempts;
		this.outbox = outbox;
		this.metrics = metrics;
		this.properties = properties;
	}

	@Override
	public synchronized void start() {
		if (this.destinations.all().isEmpty()) {
			return;
		}
		if (!this.properties.enabled()) {
			log.info("Forwarding is switched off (receiver.forwarding.enabled=false): deliveries stay pending");
			return;
		}
		this.running = true;
		for (Destination destination : this.destinations.all()) {
			for (int i = 0; i < this.properties.workersPerDestination(); i++) {
				String owner = this.instanceId + "#" + destination.name() + "#" + i;
				boolean samples = i == 0;
				Thread thread = new Thread(() -> work(destination, owner, samples),
						"forwarding-" + destination.name() + "-" + i);
				this.threads.add(thread);
				thread.start();
			}
			log.info("Forwarding events {} to {} as {}", destination.events(), destination.name(),
					destination.displayUrl());
		}
	}

	private void work(Destination destination, String owner, boolean samples) {
		long nextSample = 0;
		while (this.running) {
			try {
				if (samples && System.nanoTime() - nextSample > 0) {
					this.metrics.backlog(destination.name(), this.outbox.backlog(destination.name()));
					nextSample = System.nanoTime() + BACKLOG_SAMPLE.toNanos();
				}
				if (this.attempts.deliverBatch(destination, owner, () -> this.running) == 0) {
					Thread.sleep(Math.max(1, this.properties.pollInterval().toMillis()));
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				// The database is down, or a bug: the leases run out and the rows come
				// back.
				log.warn("Forwarding worker {} failed a round: {}", owner, ex.toString());
				try {
					Thread.sleep(Math.max(1, this.properties.backoffMin().toMillis()));
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	@Override
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		long deadline = System.nanoTime() + STOP_WAIT.toNanos();
		for (Thread thread : this.threads) {
			try {
				thread.join(Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toMillis()));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			thread.interrupt();
		}
		this.threads.clear();
		int released = this.outbox.releaseAll(this.instanceId);
		log.info("Stopped forwarding workers; released {} lease(s)", released);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
