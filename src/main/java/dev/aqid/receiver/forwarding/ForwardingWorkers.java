package dev.aqid.receiver.forwarding;

import java.time.Duration;

import dev.aqid.receiver.system.WorkerThreads;
import dev.aqid.receiver.system.WorkerThreads.Round;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The forwarding threads of this instance: {@code workers-per-destination} (or the
 * destination's own {@code workers}) for each destination, so a slow or dead destination
 * only ever holds up its own. Each loops: deliver a batch, or sleep a poll interval when
 * nothing is due. On shutdown they finish the attempt in hand and the instance gives back
 * every lease it still holds.
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

	private final WorkerThreads threads;

	ForwardingWorkers(Destinations destinations, DeliveryAttempts attempts, Outbox outbox, ForwardingMetrics metrics,
			ForwardingProperties properties) {
		this.destinations = destinations;
		this.attempts = attempts;
		this.outbox = outbox;
		this.metrics = metrics;
		this.properties = properties;
		this.threads = new WorkerThreads("forwarding", properties.backoffMin());
	}

	@Override
	public synchronized void start() {
		warnAboutRemovedDestinations();
		if (this.destinations.all().isEmpty()) {
			return;
		}
		if (!this.properties.enabled()) {
			log.info("Forwarding is switched off (receiver.forwarding.enabled=false): deliveries stay pending");
			return;
		}
		for (Destination destination : this.destinations.all()) {
			for (int i = 0; i < destination.workers(); i++) {
				String owner = this.threads.instanceId() + "#" + destination.name() + "#" + i;
				Round round = (i == 0) ? sampling(destination, forwarding(destination, owner))
						: forwarding(destination, owner);
				this.threads.start("forwarding-" + destination.name() + "-" + i, owner, round);
			}
			log.info("Forwarding events {} to {} as {} ({} worker(s))", destination.events(), destination.name(),
					destination.displayUrl(), destination.workers());
		}
	}

	/**
	 * Rows of a destination no longer configured are neither worked on nor counted; say
	 * so once at start-up, so that an operator who renamed or removed one knows.
	 */
	private void warnAboutRemovedDestinations() {
		try {
			this.outbox.pendingOfOthers(this.destinations.all().stream().map(Destination::name).toList())
				.forEach((name, pending) -> log
					.warn("{} pending deliveries to {}, which is no longer configured, stay in the outbox untouched "
							+ "(configure a destination of that name again to send them)", pending, name));
		}
		catch (RuntimeException ex) {
			log.debug("Could not look for deliveries to destinations no longer configured", ex);
		}
	}

	/** Deliver a batch; rest a poll interval when nothing was due. */
	private Round forwarding(Destination destination, String owner) {
		return (keepGoing) -> (this.attempts.deliverBatch(destination, owner, keepGoing) == 0)
				? this.properties.pollInterval() : Duration.ZERO;
	}

	/** The round, and every few seconds the destination's backlog for the metric. */
	private Round sampling(Destination destination, Round round) {
		long[] nextSample = { 0 };
		return (keepGoing) -> {
			if (System.nanoTime() - nextSample[0] > 0) {
				this.metrics.backlog(destination.name(), this.outbox.backlog(destination.name()));
				nextSample[0] = System.nanoTime() + BACKLOG_SAMPLE.toNanos();
			}
			return round.run(keepGoing);
		};
	}

	@Override
	public synchronized void stop() {
		if (this.threads.stop(STOP_WAIT)) {
			int released = this.outbox.releaseAll(this.threads.instanceId());
			log.info("Stopped forwarding workers; released {} lease(s)", released);
		}
	}

	@Override
	public boolean isRunning() {
		return this.threads.isRunning();
	}

}
