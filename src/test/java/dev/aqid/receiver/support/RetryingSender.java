package dev.aqid.receiver.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Sends a burst of distinct signed deliveries the way Amiqus does: each one keeps its
 * delivery id and is sent again (with the attempt header counting up) after any non-2xx
 * answer or no answer within 5 s, until it is acknowledged or the deadline passes. It
 * remembers exactly which deliveries were acknowledged, so a fault test can check that
 * each of them was stored.
 */
public final class RetryingSender implements AutoCloseable {

	private final URI endpoint;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final ExecutorService senders;

	private final Map<String, String> acknowledged = new ConcurrentHashMap<>();

	private final Map<Integer, AtomicLong> answers = new ConcurrentHashMap<>();

	private final Map<Integer, AtomicLong> slowestAnswerNanos = new ConcurrentHashMap<>();

	private final AtomicLong noAnswer = new AtomicLong();

	private final AtomicLong attempts = new AtomicLong();

	private final List<String> deliveryIds;

	private final IntFunction<String> bodies;

	private final Duration retryPause;

	private volatile long deadlineNanos;

	/**
	 * @param port where the receiver listens (it may be down for a while)
	 * @param count how many distinct deliveries to send
	 * @param concurrency how many are in flight at once
	 * @param bodies the body of the delivery with the given index
	 */
	public RetryingSender(int port, int count, int concurrency, IntFunction<String> bodies, Duration retryPause) {
		this.endpoint = URI.create("http://localhost:" + port + "/webhooks/amiqus");
		this.senders = Executors.newFixedThreadPool(concurrency);
		this.deliveryIds = IntStream.range(0, count).mapToObj((i) -> UUID.randomUUID().toString()).toList();
		this.bodies = bodies;
		this.retryPause = retryPause;
	}

	/** Starts sending in the background; every delivery gives up at the deadline. */
	public RetryingSender start(Duration deadline) {
		this.deadlineNanos = System.nanoTime() + deadline.toNanos();
		for (int i = 0; i < this.deliveryIds.size(); i++) {
			int index = i;
			this.senders.execute(() -> deliverUntilAcknowledged(index));
		}
		this.senders.shutdown();
		return this;
	}

	/** Waits until every delivery was acknowledged or gave up. */
	public RetryingSender awaitDone(Duration timeout) throws InterruptedException {
		if (!this.senders.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			throw new AssertionError("The sender was still retrying after " + timeout);
		}
		return this;
	}

	/** Waits until at least {@code count} deliveries were acknowledged, or fails. */
	public void awaitAcknowledged(int count, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (acknowledgedCount() < count) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Only " + acknowledgedCount() + " acknowledged, waiting for " + count);
			}
			Thread.sleep(2);
		}
	}

	private void deliverUntilAcknowledged(int index) {
		String deliveryId = this.deliveryIds.get(index);
		byte[] body = this.bodies.apply(index).getBytes(StandardCharsets.UTF_8);
		String signature = WebhookClient.sign(WebhookClient.SECRET, body);
		for (int attempt = 1; System.nanoTime() < this.deadlineNanos; attempt++) {
			this.attempts.incrementAndGet();
			HttpRequest request = HttpRequest.newBuilder(this.endpoint)
				.timeout(Duration.ofSeconds(5))
				.header("Content-Type", "application/json")
				.header("X-AQID-Signature", signature)
				.header("X-AQID-Delivery-Id", deliveryId)
				.header("X-AQID-Delivery-Attempt", Integer.toString(attempt))
				.POST(HttpRequest.BodyPublishers.ofByteArray(body))
				.build();
			long sentAt = System.nanoTime();
			try {
				HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
				long answerNanos = System.nanoTime() - sentAt;
				this.answers.computeIfAbsent(response.statusCode(), (status) -> new AtomicLong()).incrementAndGet();
				this.slowestAnswerNanos.computeIfAbsent(response.statusCode(), (status) -> new AtomicLong())
					.accumulateAndGet(answerNanos, Math::max);
				if (response.statusCode() / 100 == 2) {
					this.acknowledged.put(deliveryId, response.body());
					return;
				}
			}
			catch (IOException ex) {
				this.noAnswer.incrementAndGet();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			pause();
		}
	}

	private void pause() {
		try {
			Thread.sleep(this.retryPause.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Every delivery id this sender sends, acknowledged or not. */
	public List<String> deliveryIds() {
		return this.deliveryIds;
	}

	/** The delivery ids answered 2xx at least once. */
	public Set<String> acknowledged() {
		return Set.copyOf(this.acknowledged.keySet());
	}

	public int acknowledgedCount() {
		return this.acknowledged.size();
	}

	/** How many answers carried each HTTP status. */
	public Map<Integer, Long> answersByStatus() {
		Map<Integer, Long> counts = new java.util.TreeMap<>();
		this.answers.forEach((status, count) -> counts.put(status, count.get()));
		return counts;
	}

	/**
	 * The longest time an answer with the given status took to arrive (zero when there
	 * was none); an answer later than 5 s never arrives (it counts as
	 * {@link #noAnswer()}).
	 */
	public Duration slowestAnswer(int status) {
		AtomicLong nanos = this.slowestAnswerNanos.get(status);
		return Duration.ofNanos((nanos != null) ? nanos.get() : 0);
	}

	/** Attempts that got no answer at all (refused, reset or timed out). */
	public long noAnswer() {
		return this.noAnswer.get();
	}

	public long attempts() {
		return this.attempts.get();
	}

	@Override
	public void close() {
		this.senders.shutdownNow();
	}

}
