package dev.aqid.receiver.query;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.aqid.receiver.ingest.EventArrivals;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * Requests waiting for events: each is a {@link DeferredResult} (Spring MVC async), so a
 * waiting request holds no Tomcat thread, only its connection and a few objects. Each
 * waiter subscribes to {@link EventArrivals}; on every wake-up it re-reads its page on
 * one of a few check threads, and answers as soon as the page has events, or with the
 * empty answer when its wait is over. Wake-ups that come while a waiter's re-read is
 * under way fold into one more re-read after it, so a burst of notifications costs each
 * waiter at most two queries, and the check threads bound how many run at once.
 * <p>
 * On shutdown every waiter is answered with its empty answer at once (the caller polls
 * again, at another replica), so that waiting requests never hold up a graceful shutdown.
 */
@Component
class LongPolls implements SmartLifecycle, DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(LongPolls.class);

	/**
	 * Stops before the web server's graceful shutdown (which waits for in-flight
	 * requests, waiting ones included) starts.
	 */
	private static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

	/** The servlet container's own timeout, only a backstop behind ours. */
	private static final long CONTAINER_TIMEOUT_MARGIN_MILLIS = 10_000;

	private final EventArrivals arrivals;

	private final ThreadPoolExecutor checks;

	private final ScheduledThreadPoolExecutor deadlines;

	private final Set<Waiter<?>> waiting = ConcurrentHashMap.newKeySet();

	private volatile boolean running;

	LongPolls(EventArrivals arrivals, LongPollProperties properties, MeterRegistry registry) {
		this.arrivals = arrivals;
		AtomicInteger threads = new AtomicInteger();
		this.checks = new ThreadPoolExecutor(properties.checkThreads(), properties.checkThreads(), 0,
				TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), (task) -> {
					Thread thread = new Thread(task, "long-poll-check-" + threads.getAndIncrement());
					thread.setDaemon(true);
					return thread;
				});
		this.deadlines = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "long-poll-deadlines");
			thread.setDaemon(true);
			return thread;
		});
		this.deadlines.setRemoveOnCancelPolicy(true);
		Gauge.builder("receiver.query.long_polls.waiting", this.waiting, Set::size)
			.description("GET /api/events requests waiting for an event (wait=…)")
			.register(registry);
	}

	/**
	 * Answers with the first non-empty result of {@code check}, read now and again
	 * whenever events may have arrived, or with {@code whenNothing} after {@code wait}.
	 * The first read runs on the calling thread: its failure is the caller's.
	 * @param check reads the page; empty when there is nothing to answer yet
	 * @param wait the longest wait
	 * @param whenNothing the answer when the wait is over
	 * @param <T> the answer's type
	 * @return the answer to come
	 */
	<T> DeferredResult<T> await(Supplier<Optional<T>> check, Duration wait, T whenNothing) {
		DeferredResult<T> result = new DeferredResult<>(wait.toMillis() + CONTAINER_TIMEOUT_MARGIN_MILLIS);
		if (!this.running) {
			result.setResult(check.get().orElse(whenNothing));
			return result;
		}
		Waiter<T> waiter = new Waiter<>(check, result, whenNothing);
		this.waiting.add(waiter);
		// Subscribed before the first read: nothing that commits after it is missed.
		waiter.subscription = this.arrivals.subscribe(waiter::signal);
		Optional<T> found;
		try {
			found = check.get();
		}
		catch (RuntimeException ex) {
			waiter.abandon();
			throw ex;
		}
		if (found.isPresent()) {
			waiter.finish(found.get());
			return result;
		}
		result.onTimeout(() -> waiter.finish(whenNothing));
		result.onError((ex) -> waiter.abandon());
		result.onCompletion(waiter::abandon);
		waiter.deadline = this.deadlines.schedule(() -> waiter.finish(whenNothing), wait.toMillis(),
				TimeUnit.MILLISECONDS);
		if (!this.running) {
			// Stopped meanwhile, possibly before this waiter was there to be answered.
			waiter.finish(whenNothing);
			return result;
		}
		waiter.checked();
		return result;
	}

	/** How many requests wait now. */
	int waiting() {
		return this.waiting.size();
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		for (Waiter<?> waiter : this.waiting) {
			waiter.finishEmpty();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/** The threads go with the context. */
	@Override
	public void destroy() {
		this.checks.shutdownNow();
		this.deadlines.shutdownNow();
	}

	/**
	 * One waiting request. Its state: a read is under way ({@code CHECKING}), a read is
	 * under way and another is due after it ({@code CHECK_AGAIN}), nothing under way
	 * ({@code IDLE}), answered ({@code DONE}).
	 */
	private final class Waiter<T> {

		private static final int IDLE = 0;

		private static final int CHECKING = 1;

		private static final int CHECK_AGAIN = 2;

		private static final int DONE = 3;

		private final AtomicInteger state = new AtomicInteger(CHECKING);

		private final Supplier<Optional<T>> check;

		private final DeferredResult<T> result;

		private final T whenNothing;

		private volatile EventArrivals.Subscription subscription;

		private volatile ScheduledFuture<?> deadline;

		Waiter(Supplier<Optional<T>> check, DeferredResult<T> result, T whenNothing) {
			this.check = check;
			this.result = result;
			this.whenNothing = whenNothing;
		}

		/** Events may have arrived. */
		void signal() {
			while (true) {
				int current = this.state.get();
				if (current == DONE || current == CHECK_AGAIN) {
					return;
				}
				if (current == IDLE && this.state.compareAndSet(IDLE, CHECKING)) {
					submit();
					return;
				}
				if (current == CHECKING && this.state.compareAndSet(CHECKING, CHECK_AGAIN)) {
					return;
				}
			}
		}

		private void submit() {
			try {
				LongPolls.this.checks.execute(this::check);
			}
			catch (RejectedExecutionException ex) {
				finish(this.whenNothing);
			}
		}

		private void check() {
			Optional<T> found;
			try {
				found = this.check.get();
			}
			catch (RuntimeException ex) {
				// The database is away: keep waiting; the next wake-up reads again.
				log.debug("A long-poll re-read failed: {}", ex.toString());
				found = Optional.empty();
			}
			if (found.isPresent()) {
				finish(found.get());
			}
			else {
				checked();
			}
		}

		/** A read found nothing: rest, or read again if woken meanwhile. */
		void checked() {
			while (true) {
				int current = this.state.get();
				if (current == DONE) {
					return;
				}
				if (current == CHECKING && this.state.compareAndSet(CHECKING, IDLE)) {
					return;
				}
				if (current == CHECK_AGAIN && this.state.compareAndSet(CHECK_AGAIN, CHECKING)) {
					submit();
					return;
				}
			}
		}

		void finish(T answer) {
			if (abandon()) {
				this.result.setResult(answer);
			}
		}

		void finishEmpty() {
			finish(this.whenNothing);
		}

		/**
		 * Stops waiting without answering.
		 * @return whether this call stopped it (false: it had stopped already)
		 */
		boolean abandon() {
			if (this.state.getAndSet(DONE) == DONE) {
				return false;
			}
			LongPolls.this.waiting.remove(this);
			EventArrivals.Subscription subscription = this.subscription;
			if (subscription != null) {
				subscription.close();
			}
			ScheduledFuture<?> deadline = this.deadline;
			if (deadline != null) {
				deadline.cancel(false);
			}
			return true;
		}

	}

}
