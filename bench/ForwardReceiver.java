/*
 * The internal system of bench/forwarding.sh: receives the events the service forwards, checks
 * each Standard Webhooks signature and measures, per distinct webhook-id, the time from the
 * event's received_at (in the body, stamped by the service when Amiqus's delivery arrived) to
 * its arrival here. Single-file program, JDK only:
 *
 *   java bench/ForwardReceiver.java --port P --secret whsec_...
 *
 * POST anything: answered 204 (401 when the signature does not verify). GET /stats: one line
 *
 *   FORWARD requests=.. distinct=.. duplicates=.. bad_signatures=.. first_arrival_ms=..
 *           last_arrival_ms=.. first_received_ms=.. min_ms=.. p50_ms=.. p99_ms=.. max_ms=..
 *
 * (times in epoch milliseconds; the latencies over the first arrival of each webhook-id).
 */

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpServer;

public class ForwardReceiver {

	static final Pattern RECEIVED_AT = Pattern.compile("\"received_at\"\\s*:\\s*\"([^\"]+)\"");

	public static void main(String[] args) throws Exception {
		int port = 0;
		String secret = null;
		for (int i = 0; i + 1 < args.length; i += 2) {
			switch (args[i]) {
				case "--port" -> port = Integer.parseInt(args[i + 1]);
				case "--secret" -> secret = args[i + 1];
				default -> throw new IllegalArgumentException("unknown option " + args[i]);
			}
		}
		if (secret == null || !secret.startsWith("whsec_")) {
			throw new IllegalArgumentException("--secret whsec_... is required");
		}
		byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
		Set<String> seen = ConcurrentHashMap.newKeySet();
		List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
		AtomicLong requests = new AtomicLong();
		AtomicLong badSignatures = new AtomicLong();
		AtomicLong firstArrival = new AtomicLong(Long.MAX_VALUE);
		AtomicLong lastArrival = new AtomicLong();
		AtomicLong firstReceived = new AtomicLong(Long.MAX_VALUE);

		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
		server.setExecutor(Executors.newFixedThreadPool(16));
		server.createContext("/", (exchange) -> {
			if (exchange.getRequestMethod().equals("GET")) {
				List<Long> sorted;
				synchronized (latencies) {
					sorted = new ArrayList<>(latencies);
				}
				Collections.sort(sorted);
				String line = "FORWARD requests=%d distinct=%d duplicates=%d bad_signatures=%d first_arrival_ms=%d last_arrival_ms=%d first_received_ms=%d min_ms=%d p50_ms=%d p99_ms=%d max_ms=%d\n"
					.formatted(requests.get(), seen.size(), requests.get() - seen.size() - badSignatures.get(),
							badSignatures.get(), (firstArrival.get() == Long.MAX_VALUE) ? 0 : firstArrival.get(),
							lastArrival.get(), (firstReceived.get() == Long.MAX_VALUE) ? 0 : firstReceived.get(),
							sorted.isEmpty() ? 0 : sorted.get(0), percentile(sorted, 50), percentile(sorted, 99),
							sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1));
				byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
				exchange.sendResponseHeaders(200, bytes.length);
				exchange.getResponseBody().write(bytes);
				exchange.close();
				return;
			}
			byte[] body = exchange.getRequestBody().readAllBytes();
			long now = System.currentTimeMillis();
			requests.incrementAndGet();
			String id = exchange.getRequestHeaders().getFirst("webhook-id");
			String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
			String signatures = exchange.getRequestHeaders().getFirst("webhook-signature");
			if (id == null || timestamp == null || signatures == null || !verifies(key, id, timestamp, body, signatures)) {
				badSignatures.incrementAndGet();
				exchange.sendResponseHeaders(401, -1);
				exchange.close();
				return;
			}
			if (seen.add(id)) {
				Matcher matcher = RECEIVED_AT.matcher(new String(body, StandardCharsets.UTF_8));
				if (matcher.find()) {
					long received = Instant.parse(matcher.group(1)).toEpochMilli();
					latencies.add(now - received);
					firstReceived.accumulateAndGet(received, Math::min);
				}
				firstArrival.accumulateAndGet(now, Math::min);
				lastArrival.accumulateAndGet(now, Math::max);
			}
			exchange.sendResponseHeaders(204, -1);
			exchange.close();
		});
		server.start();
		System.out.println("RECEIVER url=http://127.0.0.1:" + server.getAddress().getPort() + "/events");
	}

	static boolean verifies(byte[] key, String id, String timestamp, byte[] body, String signatures) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
			byte[] expected = mac.doFinal(body);
			for (String signature : signatures.split(" ")) {
				if (signature.startsWith("v1,") && MessageDigest.isEqual(expected,
						Base64.getDecoder().decode(signature.substring(3)))) {
					return true;
				}
			}
			return false;
		}
		catch (Exception ex) {
			return false;
		}
	}

	static long percentile(List<Long> sorted, int p) {
		if (sorted.isEmpty()) {
			return 0;
		}
		int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
		return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
	}

}
