package dev.aqid.receiver.ingest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

/**
 * Group commit for deliveries: request threads hand their row to a few writer threads and
 * wait; each writer takes every row waiting (up to a batch) and stores them with one
 * statement and one commit. Under light load a batch is one row and nothing waits for
 * company; under heavy load many deliveries share a WAL flush, which is what bounds a
 * single-row-per-commit receiver. A request is answered only after its batch committed.
 * <p>
 * When PostgreSQL refuses a batch because of one row's content (say a jsonb it will not
 * take), the batch is stored row by row, so one odd delivery never fails the others.
 */
@Component
class GroupCommitWriter implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

	/** Stop after the web server has finished its in-flight requests, start before it. */
	private static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private final EventStore store;

	private final IngestProperties properties;

	private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();

	private final List<Thread> writers = new ArrayList<>();

	private volatile boolean running;

	GroupCommitWriter(EventStore store, IngestProperties properties) {
		this.store = store;
		this.properties = properties;
	}

	/**
	 * Stores the row and returns once it is committed.
	 * @param row the row
	 * @param orElse how to store the row alone when PostgreSQL refuses its batch
	 * @throws DataAccessException when it could not be stored in time
	 */
	StoredEvent write(EventStore.EventRow row, RowWriter orElse) {
		if (!this.running) {
			return orElse.write(row);
		}
		Pending pending = new Pending(row, orElse, new CompletableFuture<>());
		this.queue.add(pending);
		try {
			return pending.result().get(this.properties.storeTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new StoreTimedOut(this.properties.storeTimeout().toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new StoreTimedOut(0);
		}
	}

	private void writeBatches() {
		List<Pending> batch = new ArrayList<>(this.properties.batchSize());
		while (this.running || !this.queue.isEmpty()) {
			try {
				Pending first = this.queue.poll(100, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				batch.add(first);
				this.queue.drainTo(batch, this.properties.batchSize() - 1);
				writeBatch(batch);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				batch.forEach((pending) -> pending.result().completeExceptionally(ex));
			}
			finally {
				batch.clear();
			}
		}
	}

	private void writeBatch(List<Pending> batch) {
		if (batch.size() == 1) {
			writeAlone(batch.get(0));
			return;
		}
		Map<String, StoredEvent> stored;
		try {
			// In dedupe key order (the replay guards are claimed in body hash order by
			// the
			// statement itself): several writers' batches then take their unique-index
			// entries in one global order and cannot deadlock over redeliveries. Rows in
			// one batch arrived together, so their order among themselves is arbitrary.
			stored = this.store.storeAll(batch.stream()
				.map(Pending::row)
				.sorted(Comparator.comparing(EventStore.EventRow::dedupeKey))
				.toList());
		}
		catch (DataIntegrityViolationException ex) {
			batch.forEach(this::writeAlone);
			return;
		}
		catch (DataAccessException ex) {
			batch.forEach((pending) -> pending.result().completeExceptionally(ex));
			return;
		}
		Set<String> answeredAsNew = new HashSet<>();
		for (Pending pending : batch) {
			StoredEvent event = stored.get(pending.row().dedupeKey());
			if (event == null) {
				// Its row was deleted between the insert and the look-up (retention), or
				// its body's guard outlived its event.
				writeAlone(pending);
			}
			else if (!event.duplicate() && answeredAsNew.add(pending.row().dedupeKey())) {
				pending.result().complete(event);
			}
			else {
				// A redelivery already stored, or a second copy in this very batch.
				pending.result().complete(event.asDuplicate());
			}
		}
	}

	private void writeAlone(Pending pending) {
		try {
			pending.result().complete(pending.orElse().write(pending.row()));
		}
		catch (RuntimeException ex) {
			pending.result().completeExceptionally(ex);
		}
	}

	@Override
	public synchronized void start() {
		this.running = true;
		for (int i = 0; i < this.properties.writers(); i++) {
			Thread writer = new Thread(this::writeBatches, "ingest-writer-" + i);
			writer.setDaemon(true);
			this.writers.add(writer);
			writer.start();
		}
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		for (Thread writer : this.writers) {
			try {
				writer.join(this.properties.storeTimeout().toMillis() * 2);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.writers.clear();
		log.debug("Ingest writers stopped");
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/**
	 * Stores one row on its own.
	 */
	@FunctionalInterface
	interface RowWriter {

		StoredEvent write(EventStore.EventRow row);

	}

	private record Pending(EventStore.EventRow row, RowWriter orElse, CompletableFuture<StoredEvent> result) {

	}

	/**
	 * The row was not committed within the store timeout (it may still be; a redelivery
	 * then finds it).
	 */
	static final class StoreTimedOut extends DataAccessException {

		StoreTimedOut(long millis) {
			super("The delivery was not stored within " + millis + " ms");
		}

	}

}
