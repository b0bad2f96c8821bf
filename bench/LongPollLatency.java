import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time from a delivery's 202 to the answer of a long poll waiting for it, over loopback:
 * for each event, GET /api/events?client_id=C&cursor=…&wait=30s is sent, then (after a
 * pause that lets it start waiting) a signed POST /webhooks/amiqus; the long poll's answer
 * must carry exactly that event. Prints p50/p90/p99/max in milliseconds.
 *
 * java bench/LongPollLatency.java BASE_URL API_KEY SECRET COUNT
 */
public class LongPollLatency {

	private static final Pattern CURSOR = Pattern.compile("\"next_cursor\":\"([^\"]+)\"");

	private static final Pattern EVENT_ID = Pattern.compile("\"event_id\":\"(\\d+)\"");

	public static void main(String[] args) throws Exception {
		String base = args[0];
		String key = args[1];
		String secret = args[2];
		int count = Integer.parseInt(args[3]);
		long client = 7_000_000_000L + (System.nanoTime() & 0xFFFFFFL);
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		post(http, base, secret, client, 0);
		String cursor = null;
		String body = get(http, base + "/api/events?client_id=" + client + "&limit=100", key).join().body();
		cursor = match(CURSOR, body);
		List<Double> afterAck = new ArrayList<>();
		List<Double> afterSend = new ArrayList<>();
		int early = 0;
		for (int i = 1; i <= count; i++) {
			CompletableFuture<HttpResponse<String>> poll = get(http,
					base + "/api/events?client_id=" + client + "&wait=30s&cursor=" + cursor, key);
			CompletableFuture<Long> answeredAt = poll.thenApply((response) -> System.nanoTime());
			Thread.sleep(30);
			long sent = System.nanoTime();
			String eventId = post(http, base, secret, client, i);
			long acked = System.nanoTime();
			long answered = answeredAt.get(40, TimeUnit.SECONDS);
			String page = poll.join().body();
			if (!eventId.equals(match(EVENT_ID, page))) {
				throw new IllegalStateException("poll " + i + " answered " + page + ", expected event " + eventId);
			}
			cursor = match(CURSOR, page);
			if (answered < acked) {
				early++;
			}
			afterAck.add(Math.max(0, answered - acked) / 1e6);
			afterSend.add((answered - sent) / 1e6);
		}
		System.out.printf("long polls: %d; answered before the 202 was read: %d%n", count, early);
		print("202 -> long-poll answer", afterAck);
		print("POST sent -> long-poll answer", afterSend);
	}

	private static void print(String what, List<Double> millis) {
		Collections.sort(millis);
		System.out.printf("%-30s ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f%n", what, at(millis, 0.50),
				at(millis, 0.90), at(millis, 0.99), millis.get(millis.size() - 1));
	}

	private static double at(List<Double> sorted, double q) {
		return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
	}

	private static CompletableFuture<HttpResponse<String>> get(HttpClient http, String url, String key) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(url))
			.timeout(Duration.ofSeconds(60))
			.header("Authorization", "Bearer " + key)
			.build();
		return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
	}

	private static String post(HttpClient http, String base, String secret, long client, int i) throws Exception {
		byte[] body = ("{\"webhook\":{\"uuid\":\"5c1d7a0e-1111-4222-8333-944445555666\",\"created_at\":\"2024-05-07T12:00:00Z\","
				+ "\"events\":[\"*\"]},\"trigger\":{\"triggered_at\":\"2024-05-07T12:30:45Z\",\"alias\":\"record.updated\"},"
				+ "\"data\":{\"record\":{\"id\":" + (1000 + i) + ",\"type\":\"client\"},\"client\":{\"id\":" + client
				+ "},\"case\":null}}")
			.getBytes(StandardCharsets.UTF_8);
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
		HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/webhooks/amiqus"))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.header("X-AQID-Signature", Base64.getEncoder().encodeToString(mac.doFinal(body)))
			.header("X-AQID-Delivery-Id", UUID.randomUUID().toString())
			.POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.build();
		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 202) {
			throw new IllegalStateException("delivery " + i + " answered " + response.statusCode());
		}
		return match(EVENT_ID, response.body());
	}

	private static String match(Pattern pattern, String text) {
		Matcher matcher = pattern.matcher(text);
		if (!matcher.find()) {
			throw new IllegalStateException("no " + pattern + " in " + text);
		}
		return matcher.group(1);
	}

}
