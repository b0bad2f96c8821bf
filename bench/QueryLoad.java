import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load client for bench/query.sh: measures the query API's latency on loopback.
 *
 * java QueryLoad.java BASE_URL API_KEY REQUESTS CONCURRENCY MAX_SECONDS RECORD_IDS
 *
 * Three scenarios, each with an unmeasured warm-up (up to 500 requests), then REQUESTS requests from
 * CONCURRENCY closed-loop workers, stopped after MAX_SECONDS whatever happens:
 *   entity  GET /api/records/{random id in 1..RECORD_IDS}
 *   alias   GET /api/events?alias=record.updated&limit=50
 *   follow  GET /api/events?cursor=...: each worker follows the stream from its own point in
 *           the middle of it, sending back the next_cursor of its previous page
 * Prints p50, p90, p99, max and throughput per scenario, and the same as one "QUERY scenario=..."
 * line per scenario; exits 1 on any non-200 answer.
 */
public class QueryLoad {

	private static final Pattern NEXT_CURSOR = Pattern.compile("\"next_cursor\":\"([A-Za-z0-9_-]+)\"");

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(5))
		.version(HttpClient.Version.HTTP_1_1)
		.build();

	static String base;

	static String key;

	public static void main(String[] args) throws Exception {
		base = args[0];
		key = args[1];
		int requests = Integer.parseInt(args[2]);
		int concurrency = Integer.parseInt(args[3]);
		long maxSeconds = Long.parseLong(args[4]);
		int recordIds = Integer.parseInt(args[5]);
		if (!base.startsWith("http://localhost") && !base.startsWith("http://127.")) {
			throw new IllegalArgumentException("Loopback only: " + base);
		}

		String[] cursors = new String[concurrency];
		for (int i = 0; i < concurrency; i++) {
			// A starting point in the middle of the stream, found once (not measured).
			String start = args.length > 6 + i ? args[6 + i] : args[6];
			cursors[i] = start;
		}

		System.out.printf("%-8s %8s %8s %8s %8s %8s %9s%n", "scenario", "requests", "p50 ms", "p90 ms", "p99 ms",
				"max ms", "req/s");
		boolean ok = true;
		ok &= run("entity", requests, concurrency, maxSeconds,
				(worker) -> "/api/records/" + ThreadLocalRandom.current().nextInt(1, recordIds + 1), null);
		ok &= run("alias", requests, concurrency, maxSeconds, (worker) -> "/api/events?alias=record.updated&limit=50",
				null);
		ok &= run("follow", requests, concurrency, maxSeconds,
				(worker) -> "/api/events?limit=50&cursor=" + URLEncoder.encode(cursors[worker], StandardCharsets.UTF_8),
				cursors);
		System.exit(ok ? 0 : 1);
	}

	static boolean run(String name, int requests, int concurrency, long maxSeconds, IntFunction<String> path,
			String[] cursors) throws InterruptedException {
		// Warm-up: JIT, connection pool, PostgreSQL's plan cache; not measured.
		for (int i = 0; i < Math.min(500, requests / 2); i++) {
			call(path.apply(i % concurrency), cursors, i % concurrency);
		}
		long[] latencies = new long[requests];
		AtomicInteger next = new AtomicInteger();
		AtomicInteger failures = new AtomicInteger();
		long deadline = System.nanoTime() + Duration.ofSeconds(maxSeconds).toNanos();
		List<Thread> workers = new ArrayList<>();
		long started = System.nanoTime();
		for (int w = 0; w < concurrency; w++) {
			int worker = w;
			Thread thread = new Thread(() -> {
				int i;
				while ((i = next.getAndIncrement()) < requests && System.nanoTime() < deadline) {
					long t0 = System.nanoTime();
					boolean ok = call(path.apply(worker), cursors, worker);
					latencies[i] = System.nanoTime() - t0;
					if (!ok) {
						failures.incrementAndGet();
					}
				}
			});
			thread.start();
			workers.add(thread);
		}
		for (Thread worker : workers) {
			worker.join();
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		int done = Math.min(next.get(), requests);
		long[] measured = Arrays.stream(latencies, 0, done).filter((l) -> l > 0).sorted().toArray();
		System.out.printf("%-8s %8d %8.2f %8.2f %8.2f %8.2f %9.0f%s%n", name, measured.length, ms(measured, 0.50),
				ms(measured, 0.90), ms(measured, 0.99), measured[measured.length - 1] / 1e6, measured.length / seconds,
				(failures.get() > 0) ? "  FAILURES: " + failures.get() : "");
		// One machine-readable line per scenario, for bench/query.sh.
		System.out.printf(java.util.Locale.ROOT,
				"QUERY scenario=%s concurrency=%d requests=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f req_per_s=%.0f failures=%d%n",
				name, concurrency, measured.length, ms(measured, 0.50), ms(measured, 0.90), ms(measured, 0.99),
				measured[measured.length - 1] / 1e6, measured.length / seconds, failures.get());
		return failures.get() == 0 && measured.length == requests;
	}

	static boolean call(String path, String[] cursors, int worker) {
		try {
			HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
				.timeout(Duration.ofSeconds(10))
				.header("Authorization", "Bearer " + key)
				.GET()
				.build();
			HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				System.err.println(response.statusCode() + " " + path + " " + response.body());
				return false;
			}
			if (cursors != null) {
				Matcher cursor = NEXT_CURSOR.matcher(response.body());
				if (cursor.find()) {
					cursors[worker] = cursor.group(1);
				}
			}
			return true;
		}
		catch (Exception ex) {
			System.err.println(path + ": " + ex);
			return false;
		}
	}

	static double ms(long[] sorted, double quantile) {
		int index = (int) Math.ceil(quantile * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
	}

}
