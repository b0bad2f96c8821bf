package dev.aqid.receiver.forwarding;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpServer;

/**
 * An internal system that receives forwarded events: a real HTTP server (the JDK's) that
 * records every request in arrival order and answers what the test scripts, 204 unless
 * told otherwise. Public for the fault tests, which forward to one across restarts.
 */
public final class TestDestination implements AutoCloseable {

	private final HttpServer server;

	private final ExecutorService executor = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "test-destination");
		thread.setDaemon(true);
		return thread;
	});

	private final List<Request> requests = new CopyOnWriteArrayList<>();

	private final List<Answer> answers = new CopyOnWriteArrayList<>();

	public TestDestination() {
		try {
			this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		// A thread per request: a destination told to hang must not stop the others.
		this.server.setExecutor(this.executor);
		this.server.createContext("/", (exchange) -> {
			String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
			Request request = new Request(exchange.getRequestURI().getPath(),
					exchange.getRequestHeaders().getFirst("webhook-id"),
					exchange.getRequestHeaders().getFirst("webhook-timestamp"),
					exchange.getRequestHeaders().getFirst("webhook-signature"), body, System.nanoTime());
			int status = 204;
			for (Answer answer : this.answers) {
				if (answer.when().test(request)) {
					status = answer.status().applyAsInt(request);
					break;
				}
			}
			this.requests.add(request.answered(status));
			exchange.sendResponseHeaders(status, -1);
			exchange.close();
		});
		this.server.start();
	}

	public String url(String path) {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + path;
	}

	/** Answers the requests that match as the function says. */
	public void answer(Predicate<Request> when, ToIntFunction<Request> status) {
		this.answers.add(new Answer(when, status));
	}

	private record Answer(Predicate<Request> when, ToIntFunction<Request> status) {

	}

	public List<Request> requests() {
		return List.copyOf(this.requests);
	}

	public List<Request> requests(String webhookId) {
		return this.requests.stream().filter((request) -> webhookId.equals(request.id())).toList();
	}

	/**
	 * Answers {@code status} after {@code delay}: a slow destination, or with a delay
	 * longer than the service's read timeout one that hangs.
	 */
	static int after(Duration delay, int status) {
		try {
			Thread.sleep(delay.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return status;
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	/**
	 * One request as received, and the status it was answered with.
	 */
	public record Request(String path, String id, String timestamp, String signature, String body, long receivedNanos,
			int status) {

		Request(String path, String id, String timestamp, String signature, String body, long receivedNanos) {
			this(path, id, timestamp, signature, body, receivedNanos, 0);
		}

		Request answered(int status) {
			return new Request(this.path, this.id, this.timestamp, this.signature, this.body, this.receivedNanos,
					status);
		}

		public boolean delivered() {
			return this.status >= 200 && this.status < 300;
		}

		/**
		 * Whether one of the request's signatures verifies with the secret, checked as a
		 * consumer would, with nothing from the service's code.
		 * @param secret {@code whsec_} + base64 of the key bytes
		 */
		public boolean signedWith(String secret) {
			try {
				Mac mac = Mac.getInstance("HmacSHA256");
				mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())),
						"HmacSHA256"));
				String expected = "v1," + Base64.getEncoder()
					.encodeToString(mac
						.doFinal((this.id + "." + this.timestamp + "." + this.body).getBytes(StandardCharsets.UTF_8)));
				return List.of(this.signature.split(" ")).contains(expected);
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
