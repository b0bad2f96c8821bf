package dev.aqid.receiver.emulator;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Runs the {@link AmiqusEmulator} on its own, as the Amiqus API stand-in of the
 * enrichment benchmark ({@code bench/enrichment.sh}). Launch it from the service's jar:
 *
 * <pre>
 * java -cp target/amiqus-webhook-receiver-0.1.0-SNAPSHOT.jar \
 *     -Dloader.main=dev.aqid.receiver.emulator.EmulatorMain \
 *     org.springframework.boot.loader.launch.PropertiesLauncher \
 *     --port=18080 --stats-port=18081 --latency=50ms --records=2000
 * </pre>
 *
 * Options ({@code --name=value} or {@code --name value}):
 * <ul>
 * <li>{@code --port}: the API's port on {@code 127.0.0.1} (default 0: any free one);</li>
 * <li>{@code --latency}: delay of every API answer, such as {@code 50ms} or {@code 8s}
 * (default 0);</li>
 * <li>{@code --records}: records and clients {@code 1..N} to serve, small objects; record
 * {@code i} belongs to client {@code i} (default 0);</li>
 * <li>{@code --stats-port}: port of a plain-text counter of the API requests received
 * (default 0: none).</li>
 * </ul>
 * Prints one line {@code EMULATOR base_url=... stats_url=...} once it serves, then serves
 * until it is killed; on {@code SIGTERM} or {@code SIGINT} it prints the final counts as
 * one {@code EMULATOR_FINAL ...} line. The counts are of every API request received,
 * whatever its answer, also beyond the 10,000 that {@link AmiqusEmulator#requests()}
 * keeps.
 */
public final class EmulatorMain {

	private static final Duration TALLY_INTERVAL = Duration.ofMillis(100);

	private final AmiqusEmulator emulator;

	private final Map<String, Long> byOperation = new HashMap<>();

	private final Set<String> distinctPaths = new HashSet<>();

	private ApiRequest lastSeen;

	private long total;

	private boolean overflow;

	private EmulatorMain(AmiqusEmulator emulator) {
		this.emulator = emulator;
	}

	/**
	 * Starts the emulator and serves until the process is killed.
	 * @param args the options, see the class description
	 * @throws InterruptedException never in practice: the main thread waits for ever
	 */
	public static void main(String[] args) throws InterruptedException {
		Map<String, String> options = options(args);
		int port = Integer.parseInt(options.getOrDefault("port", "0"));
		int statsPort = Integer.parseInt(options.getOrDefault("stats-port", "0"));
		Duration latency = duration(options.getOrDefault("latency", "0"));
		int records = Integer.parseInt(options.getOrDefault("records", "0"));
		AmiqusEmulator emulator = AmiqusEmulator.start(port);
		emulator.setLatency(latency);
		for (long id = 1; id <= records; id++) {
			emulator.putClient(id, client(id));
			emulator.putRecord(id, record(id));
		}
		EmulatorMain main = new EmulatorMain(emulator);
		ScheduledExecutorService tally = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "amiqus-emulator-tally");
			thread.setDaemon(true);
			return thread;
		});
		tally.scheduleWithFixedDelay(main::tally, 0, TALLY_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
		HttpServer stats = (statsPort > 0) ? main.serveStats(statsPort) : null;
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			if (stats != null) {
				stats.stop(0);
			}
			tally.shutdownNow();
			emulator.close();
			System.out.println("EMULATOR_FINAL " + main.counts());
			System.out.flush();
			stopped.countDown();
		}, "amiqus-emulator-shutdown"));
		System.out.println("EMULATOR base_url=" + emulator.baseUrl() + " stats_url="
				+ ((stats != null) ? "http://127.0.0.1:" + statsPort + "/" : "-") + " records=" + records
				+ " latency_ms=" + latency.toMillis());
		System.out.flush();
		stopped.await();
	}

	/**
	 * Adds the requests logged since the last call to the counts. The log is a window of
	 * the latest requests, so the newest one seen last time is looked up by identity.
	 */
	private synchronized void tally() {
		List<ApiRequest> requests = this.emulator.requests();
		int from = 0;
		if (this.lastSeen != null) {
			from = -1;
			for (int i = requests.size() - 1; i >= 0; i--) {
				if (requests.get(i) == this.lastSeen) {
					from = i + 1;
					break;
				}
			}
			if (from < 0) {
				this.overflow = true;
				from = 0;
			}
		}
		for (ApiRequest request : requests.subList(from, requests.size())) {
			this.total++;
			String path = request.path();
			int query = path.indexOf('?');
			path = (query >= 0) ? path.substring(0, query) : path;
			this.distinctPaths.add(request.method() + " " + path);
			this.byOperation.merge(operation(request.method(), path), 1L, Long::sum);
		}
		if (!requests.isEmpty()) {
			this.lastSeen = requests.get(requests.size() - 1);
		}
	}

	private synchronized String counts() {
		tally();
		StringBuilder line = new StringBuilder("requests=").append(this.total);
		line.append(" distinct_paths=").append(this.distinctPaths.size());
		for (String operation : List.of("record", "record_steps", "client", "other")) {
			line.append(' ').append(operation).append('=').append(this.byOperation.getOrDefault(operation, 0L));
		}
		return line.append(" overflow=").append(this.overflow).toString();
	}

	private static String operation(String method, String path) {
		String[] segments = path.split("/");
		if (method.equals("GET") && segments.length == 3 && segments[1].equals("records")) {
			return "record";
		}
		if (method.equals("GET") && segments.length == 4 && segments[1].equals("records")
				&& segments[3].equals("steps")) {
			return "record_steps";
		}
		if (method.equals("GET") && segments.length == 3 && segments[1].equals("clients")) {
			return "client";
		}
		return "other";
	}

	/**
	 * {@code GET /} answers the counts as one line of text.
	 */
	private HttpServer serveStats(int port) {
		HttpServer server;
		try {
			server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Emulator stats cannot listen on port " + port, ex);
		}
		server.createContext("/", this::answerStats);
		server.start();
		return server;
	}

	private void answerStats(HttpExchange exchange) throws IOException {
		try (exchange) {
			byte[] body = (counts() + "\n").getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		}
	}

	private static String client(long id) {
		return """
				{"object":"client","id":%d,"status":"approved","name":{"title":null,"first_name":"Bench",\
				"middle_name":null,"last_name":"Person %d"},"email":"bench.person+%d@example.com",\
				"reference":"bench-%d","created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z"}"""
			.formatted(id, id, id, id);
	}

	private static String record(long id) {
		return """
				{"object":"record","id":%d,"type":"client","status":"complete","client":{"object":"client",\
				"id":%d,"email":"bench.person+%d@example.com"},"created_at":"2024-01-01T00:00:00Z",\
				"updated_at":"2024-01-01T00:00:00Z"}""".formatted(id, id, id);
	}

	private static Map<String, String> options(String[] args) {
		Map<String, String> options = new HashMap<>();
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (!arg.startsWith("--")) {
				throw new IllegalArgumentException("Unexpected argument " + arg);
			}
			int equals = arg.indexOf('=');
			if (equals > 0) {
				options.put(arg.substring(2, equals), arg.substring(equals + 1));
			}
			else if (i + 1 < args.length) {
				options.put(arg.substring(2), args[++i]);
			}
			else {
				throw new IllegalArgumentException("Missing value for " + arg);
			}
		}
		return options;
	}

	/**
	 * {@code 50ms}, {@code 8s}, {@code 1m}, a bare number of milliseconds, or ISO-8601.
	 */
	private static Duration duration(String value) {
		String text = value.trim().toLowerCase(Locale.ROOT);
		if (text.startsWith("p")) {
			return Duration.parse(text.toUpperCase(Locale.ROOT));
		}
		if (text.endsWith("ms")) {
			return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
		}
		if (text.endsWith("s")) {
			return Duration.ofMillis(Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 1000));
		}
		if (text.endsWith("m")) {
			return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)) * 60);
		}
		return Duration.ofMillis(Long.parseLong(text));
	}

}
