package dev.aqid.receiver.emulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Runs the emulator as a process of its own ({@link StandaloneEmulator}), as the Amiqus
 * API stand-in of the enrichment benchmark ({@code bench/enrichment.sh}). Launch it from
 * the service's jar:
 *
 * <pre>
 * java -cp target/amiqus-webhook-receiver-0.1.0-SNAPSHOT.jar \
 *     -Dloader.main=dev.aqid.receiver.emulator.EmulatorMain \
 *     org.springframework.boot.loader.launch.PropertiesLauncher \
 *     --server.port=18080 --emulator.latency=50ms --emulator.records=2000
 * </pre>
 *
 * Settings, as any Spring Boot property ({@link Options}): {@code server.port} (default
 * 0: any free one), {@code emulator.latency} (delay of every API answer, a
 * {@link Duration} such as {@code 50ms} or {@code 8s}), {@code emulator.records} (records
 * and clients {@code 1..N}, small objects; record {@code i} belongs to client {@code i}),
 * and {@code emulator.rate-limit} with {@code emulator.rate-limit-window} (default
 * {@code 1m}): requests allowed per window, refused with {@code 429} beyond, as
 * {@link AmiqusEmulator#enforceRateLimit} (default 0: none enforced).
 * <p>
 * Prints one line {@code EMULATOR base_url=... stats_url=...} once it serves, then serves
 * until it is stopped; on {@code SIGTERM} or {@code SIGINT} it prints the final counts as
 * one {@code EMULATOR_FINAL ...} line. {@code GET /emulator/stats} answers the counts of
 * every API request received, whatever its answer, as one line of text.
 */
@Import(StandaloneEmulator.class)
@EnableConfigurationProperties(EmulatorMain.Options.class)
public final class EmulatorMain {

	static final String STATS_PATH = "/emulator/stats";

	/**
	 * Starts the emulator and serves until the process is stopped.
	 * @param args Spring Boot arguments, such as {@code --emulator.records=2000}
	 */
	public static void main(String[] args) {
		// The benchmark's stand-in answered on 4 threads: keep its concurrency.
		StandaloneEmulator.run(0, Map.of("server.tomcat.threads.max", 4, "server.tomcat.threads.min-spare", 4), args,
				EmulatorMain.class);
	}

	@Bean
	RequestTally emulatorRequestTally(AmiqusEmulator emulator) {
		return new RequestTally(emulator);
	}

	@Bean
	FilterRegistrationBean<RequestTally> emulatorRequestTallyFilter(RequestTally tally) {
		FilterRegistrationBean<RequestTally> registration = new FilterRegistrationBean<>(tally);
		registration.addUrlPatterns(AmiqusAnswers.BASE_PATH + "/*", STATS_PATH);
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

	@Bean
	ApplicationListener<ApplicationReadyEvent> emulatorSeed(AmiqusEmulator emulator, Options options) {
		return (event) -> {
			emulator.setLatency(options.latency());
			emulator.enforceRateLimit(options.rateLimit(), options.rateLimitWindow());
			emulator.putRecordsAndClients(1, options.records());
			String base = emulator.baseUrl();
			String stats = base.substring(0, base.indexOf(AmiqusAnswers.BASE_PATH)) + STATS_PATH;
			System.out.println("EMULATOR base_url=" + base + " stats_url=" + stats + " records=" + options.records()
					+ " latency_ms=" + options.latency().toMillis() + " rate_limit=" + options.rateLimit()
					+ " rate_limit_window_s=" + options.rateLimitWindow().toSeconds());
			System.out.flush();
		};
	}

	/**
	 * The benchmark's settings.
	 *
	 * @param latency delay of every API answer
	 * @param records records and clients {@code 1..N} to serve
	 * @param rateLimit API requests allowed per window, refused with 429 beyond; 0 (the
	 * default) enforces none
	 * @param rateLimitWindow the rate limit's window
	 */
	@ConfigurationProperties("emulator")
	record Options(@DefaultValue("0ms") Duration latency, @DefaultValue("0") int records,
			@DefaultValue("0") int rateLimit, @DefaultValue("1m") Duration rateLimitWindow) {

	}

	/**
	 * Counts every API request (total, distinct method and path, per operation) and
	 * answers {@link #STATS_PATH}; prints the final counts when the application stops.
	 */
	static final class RequestTally extends OncePerRequestFilter implements DisposableBean {

		private final Map<String, Long> byOperation = new HashMap<>();

		private final Set<String> distinctPaths = new HashSet<>();

		private long total;

		private boolean finalPrinted;

		private final AmiqusEmulator emulator;

		RequestTally(AmiqusEmulator emulator) {
			this.emulator = emulator;
		}

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			String path = request.getRequestURI().substring(request.getContextPath().length());
			if (path.equals(STATS_PATH)) {
				byte[] body = (counts() + "\n").getBytes(StandardCharsets.UTF_8);
				response.setContentType("text/plain; charset=utf-8");
				response.setContentLength(body.length);
				response.getOutputStream().write(body);
				return;
			}
			count(request.getMethod(), path.substring(AmiqusAnswers.BASE_PATH.length()));
			chain.doFilter(request, response);
		}

		private synchronized void count(String method, String path) {
			this.total++;
			this.distinctPaths.add(method + " " + path);
			this.byOperation.merge(operation(method, path), 1L, Long::sum);
		}

		synchronized String counts() {
			StringBuilder line = new StringBuilder("requests=").append(this.total);
			line.append(" distinct_paths=").append(this.distinctPaths.size());
			for (String operation : List.of("record", "record_steps", "client", "other")) {
				line.append(' ').append(operation).append('=').append(this.byOperation.getOrDefault(operation, 0L));
			}
			// Every request is counted as it arrives; nothing can overflow any more.
			line.append(" rate_limited=").append(this.emulator.rateLimitedRequests());
			return line.append(" overflow=false").toString();
		}

		/**
		 * Called twice, by the servlet container and by Spring: prints once.
		 */
		@Override
		public synchronized void destroy() {
			if (!this.finalPrinted) {
				this.finalPrinted = true;
				System.out.println("EMULATOR_FINAL " + counts());
				System.out.flush();
			}
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

	}

}
