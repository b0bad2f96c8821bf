package dev.aqid.receiver.system;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background threads that each repeat one round of work until stopped: the loop that the
 * enrichment and forwarding workers share. A round that throws is logged (one line,
 * without a stack trace: the database is down, or a bug) and the thread rests before the
 * next; the leases the round held run out and its work items come back. On
 * {@link #stop(Duration)} each thread finishes the round in hand, then the owner gives
 * back whatever leases it still holds.
 */
public final class WorkerThreads {

	private static final Logger log = LoggerFactory.getLogger(WorkerThreads.class);

	private final String kind;

	private final Duration afterFailure;

	private final String instanceId = ManagementFactory.getRuntimeMXBean().getName() + "/"
			+ UUID.randomUUID().toString().substring(0, 8);

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running;

	/**
	 * Threads of one kind.
	 * @param kind what they do, for logs ({@code enrichment}, {@code forwarding})
	 * @param afterFailure how long a thread rests after a round that threw
	 */
	public WorkerThreads(String kind, Duration afterFailure) {
		this.kind = kind;
		this.afterFailure = afterFailure;
	}

	/**
	 * This instance's name as a lease owner: the names of its threads' leases start with
	 * it, so that all of them can be given back at once.
	 * @return the process and a random part
	 */
	public String instanceId() {
		return this.instanceId;
	}

	/**
	 * Starts one more thread.
	 * @param threadName the thread's name
	 * @param owner the lease owner it works as, for logs
	 * @param round one round of its work
	 */
	public synchronized void start(String threadName, String owner, Round round) {
		this.running = true;
		Thread thread = new Thread(() -> loop(owner, round), threadName);
		this.threads.add(thread);
		thread.start();
	}

	private void loop(String owner, Round round) {
		while (this.running) {
			try {
				rest(round.run(this::isRunning));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				log.warn("The {} worker {} failed a round: {}", this.kind, owner, ex.toString());
				try {
					rest(this.afterFailure);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	private static void rest(Duration duration) throws InterruptedException {
		if (!duration.isNegative() && !duration.isZero()) {
			Thread.sleep(Math.max(1, duration.toMillis()));
		}
	}

	/**
	 * Whether the threads run (and a round in hand should go on).
	 * @return false once stopping
	 */
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Lets every thread finish its round, waiting at most {@code wait} for all of them,
	 * then interrupts those still busy.
	 * @param wait the longest wait in all
	 * @return whether they were running
	 */
	public synchronized boolean stop(Duration wait) {
		if (!this.running) {
			return false;
		}
		this.running = false;
		long deadline = System.nanoTime() + wait.toNanos();
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
		return true;
	}

	/**
	 * One round of a worker's loop.
	 */
	@FunctionalInterface
	public interface Round {

		/**
		 * Does one round of work.
		 * @param keepGoing false once the workers are stopping: finish what is in hand
		 * @return how long to rest before the next round ({@link Duration#ZERO}: at once)
		 * @throws InterruptedException when interrupted while waiting
		 */
		Duration run(BooleanSupplier keepGoing) throws InterruptedException;

	}

}
