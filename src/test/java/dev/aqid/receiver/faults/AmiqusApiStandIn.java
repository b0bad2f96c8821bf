package dev.aqid.receiver.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A small stand-in for the Amiqus API v2 in the test JVM: every record or client read
 * with the expected bearer token is answered 200 with plausible JSON, anything else the
 * service reads ({@code /status}) with {@code {}}. It keeps running while the service
 * under test is killed and restarted.
 */
final class AmiqusApiStandIn implements AutoCloseable {

	private static final Pattern RECORD = Pattern.compile("/api/v2/records/(\\d+)");

	private static final Pattern CLIENT = Pattern.compile("/api/v2/clients/(\\d+)");

	private final String token;

	private final HttpServer server;

	private final ExecutorService executor = Executors.newFixedThreadPool(8);

	private final AtomicLong fetches = new AtomicLong();

	private final AtomicLong unauthorized = new AtomicLong();

	AmiqusApiStandIn(String token) {
		this.token = token;
		try {
			this.server = HttpServer.create(new InetSocketAddress("localhost", 0), 100);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.server.createContext("/", this::answer);
		this.server.setExecutor(this.executor);
		this.server.start();
	}

	/** The base URL to give the service as {@code amiqus.api.url}. */
	String url() {
		return "http://localhost:" + this.server.getAddress().getPort() + "/api/v2";
	}

	/** Record and client reads answered 200. */
	long fetches() {
		return this.fetches.get();
	}

	long unauthorized() {
		return this.unauthorized.get();
	}

	private void answer(HttpExchange exchange) throws IOException {
		try (exchange) {
			if (!("Bearer " + this.token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
				this.unauthorized.incrementAndGet();
				send(exchange, 401, "{\"message\":\"Unauthenticated.\"}");
				return;
			}
			String path = exchange.getRequestURI().getPath();
			Matcher record = RECORD.matcher(path);
			Matcher client = CLIENT.matcher(path);
			if (record.matches()) {
				this.fetches.incrementAndGet();
				long id = Long.parseLong(record.group(1));
				send(exchange, 200, """
						{"object":"record","id":%d,"type":"client","status":"in_progress",\
						"created_at":"2024-05-07T12:00:00Z","updated_at":"2024-05-07T12:30:45Z",\
						"client":{"object":"client","id":%d,"status":"active"}}""".formatted(id, id + 1_000_000));
			}
			else if (client.matches()) {
				this.fetches.incrementAndGet();
				send(exchange, 200, """
						{"object":"client","id":%s,"status":"active","created_at":"2024-05-07T12:00:00Z"}"""
					.formatted(client.group(1)));
			}
			else {
				send(exchange, 200, "{}");
			}
		}
	}

	private static void send(HttpExchange exchange, int status, String json) throws IOException {
		byte[] body = json.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, body.length);
		exchange.getResponseBody().write(body);
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

}
