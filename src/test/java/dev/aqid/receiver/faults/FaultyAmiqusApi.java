package dev.aqid.receiver.faults;

import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A stand-in for the Amiqus API's {@code GET /records/{id}} that injects faults at
 * random: 500s, connection resets, empty responses, stalls longer than the receiver's
 * read timeout, and 429s that, like Amiqus's rate limit, answer every request with 429
 * until their {@code Retry-After} has passed. Some records are gone (always 404).
 * <p>
 * Reproducible: the answer to the n-th request for a path (not counting those that fell
 * inside a rate-limit window) depends only on the seed, the path and n, not on how the
 * receiver's threads interleave. Counts every answer by kind, and every request that came
 * in while the receiver should have been paused by a 429.
 */
final class FaultyAmiqusApi implements AutoCloseable {

	/** What the stand-in answered. */
	enum Answer {

		OK, NOT_FOUND, SERVER_ERROR, RATE_LIMITED, STALL, CONNECTION_RESET, EMPTY_RESPONSE

	}

	private static final Pattern RECORD = Pattern.compile("/api/v2/records/(\\d+)");

	static final int RETRY_AFTER_SECONDS = 1;

	/**
	 * Requests already on their way when the 429 was answered may still arrive this long
	 * after it; later ones during the window mean the receiver ignored Retry-After.
	 */
	static final long IN_FLIGHT_GRACE_NANOS = 500_000_000L;

	static final int STALL_MILLIS = 10_000;

	private final long seed;

	private final String token;

	private final WireMockServer server;

	private final Map<String, AtomicInteger> requestsPerPath = new ConcurrentHashMap<>();

	private final Map<Answer, AtomicLong> answers = new EnumMap<>(Answer.class);

	private final AtomicLong callsWhilePaused = new AtomicLong();

	private final AtomicLong wrongToken = new AtomicLong();

	private final Object windowLock = new Object();

	private long windowStart;

	private long windowEnd;

	private volatile boolean faulty = true;

	FaultyAmiqusApi(long seed, String token) {
		this.seed = seed;
		this.token = token;
		for (Answer answer : Answer.values()) {
			this.answers.put(answer, new AtomicLong());
		}
		// Stalled answers hold a Jetty thread for 10 s each: plenty of threads.
		this.server = new WireMockServer(options().dynamicPort().containerThreads(64).extensions(new FaultInjector()));
		this.server.start();
		// Every request matches, so WireMock never prints an unmatched request (with its
		// Authorization header) to the log.
		this.server.stubFor(any(anyUrl()).willReturn(okJson("{}")));
	}

	String baseUrl() {
		return this.server.baseUrl() + "/api/v2";
	}

	/** Records whose id this says are gone answer 404 every time. */
	boolean gone(long recordId) {
		return new SplittableRandom(this.seed ^ (recordId * 0x9E3779B97F4A7C15L)).nextDouble() < 0.06;
	}

	/** From now on every request is answered normally (gone records still 404). */
	void heal() {
		this.faulty = false;
	}

	long count(Answer answer) {
		return this.answers.get(answer).get();
	}

	Map<Answer, Long> counts() {
		Map<Answer, Long> counts = new EnumMap<>(Answer.class);
		this.answers.forEach((answer, count) -> counts.put(answer, count.get()));
		return counts;
	}

	long requests(String path) {
		AtomicInteger count = this.requestsPerPath.get(path);
		return (count != null) ? count.get() : 0;
	}

	long callsWhilePaused() {
		return this.callsWhilePaused.get();
	}

	long wrongToken() {
		return this.wrongToken.get();
	}

	@Override
	public void close() {
		this.server.stop();
	}

	private ResponseDefinition answer(ServeEvent event) {
		String path = event.getRequest().getUrl().split("\\?", 2)[0];
		if (!("Bearer " + this.token).equals(event.getRequest().getHeader("Authorization"))) {
			this.wrongToken.incrementAndGet();
		}
		long now = System.nanoTime();
		if (this.faulty) {
			synchronized (this.windowLock) {
				if (now - this.windowEnd < 0) {
					if (now - this.windowStart > IN_FLIGHT_GRACE_NANOS) {
						this.callsWhilePaused.incrementAndGet();
					}
					return count(Answer.RATE_LIMITED, rateLimited());
				}
			}
		}
		int n = this.requestsPerPath.computeIfAbsent(path, (key) -> new AtomicInteger()).incrementAndGet();
		Matcher record = RECORD.matcher(path);
		if (!record.matches()) {
			return count(Answer.NOT_FOUND, aResponse().withStatus(404).withBody("{\"error\":\"Not found\"}"));
		}
		long recordId = Long.parseLong(record.group(1));
		if (gone(recordId)) {
			return count(Answer.NOT_FOUND,
					aResponse().withStatus(404)
						.withHeader("Content-Type", "application/json")
						.withBody("{\"error\":\"Record not found\"}"));
		}
		Answer choice = this.faulty ? choose(path, n) : Answer.OK;
		return count(choice, switch (choice) {
			case SERVER_ERROR -> aResponse().withStatus(500)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"message\":\"Server Error\"}");
			case RATE_LIMITED -> openRateLimitWindow(now);
			case STALL -> okJson(recordJson(recordId)).withFixedDelay(STALL_MILLIS);
			case CONNECTION_RESET -> aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER);
			case EMPTY_RESPONSE -> aResponse().withFault(Fault.EMPTY_RESPONSE);
			default -> okJson(recordJson(recordId)).withHeader("X-RateLimit-Limit", "200")
				.withHeader("X-RateLimit-Remaining", "150");
		});
	}

	private Answer choose(String path, int n) {
		double roll = new SplittableRandom(this.seed ^ (path.hashCode() * 0xC2B2AE3D27D4EB4FL) ^ (n * 0x165667B1L))
			.nextDouble();
		if (roll < 0.10) {
			return Answer.SERVER_ERROR;
		}
		if (roll < 0.13) {
			return Answer.RATE_LIMITED;
		}
		if (roll < 0.17) {
			return Answer.STALL;
		}
		if (roll < 0.21) {
			return Answer.CONNECTION_RESET;
		}
		if (roll < 0.25) {
			return Answer.EMPTY_RESPONSE;
		}
		return Answer.OK;
	}

	/** Like Amiqus: once the limit is hit, every call is refused until Retry-After. */
	private ResponseDefinitionBuilder openRateLimitWindow(long now) {
		synchronized (this.windowLock) {
			this.windowStart = now;
			this.windowEnd = now + RETRY_AFTER_SECONDS * 1_000_000_000L;
		}
		return rateLimited();
	}

	private static ResponseDefinitionBuilder rateLimited() {
		return aResponse().withStatus(429)
			.withHeader("Content-Type", "application/json")
			.withHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS))
			.withHeader("X-RateLimit-Limit", "200")
			.withHeader("X-RateLimit-Remaining", "0")
			.withBody("{\"message\":\"Too Many Attempts.\"}");
	}

	private static String recordJson(long recordId) {
		return "{\"object\":\"record\",\"id\":" + recordId + ",\"type\":\"client\",\"status\":\"complete\"}";
	}

	private ResponseDefinition count(Answer answer, ResponseDefinitionBuilder response) {
		this.answers.get(answer).incrementAndGet();
		return response.build();
	}

	private final class FaultInjector implements ResponseDefinitionTransformerV2 {

		@Override
		public ResponseDefinition transform(ServeEvent serveEvent) {
			return answer(serveEvent);
		}

		@Override
		public String getName() {
			return "amiqus-faults";
		}

	}

}
