package dev.aqid.receiver.amiqus;

import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@code amiqus_api_calls_total{operation,status}} (status: the HTTP code, or
 * {@code io_error} when no response came), {@code amiqus_api_call_duration_seconds} by
 * operation, {@code amiqus_api_rate_limit_remaining} (NaN until Amiqus has sent the
 * header), {@code amiqus_api_rate_limit_pace_calls_per_second} (what the pacer allows
 * until the window ends) and {@code amiqus_api_rate_limit_wait_seconds} (time waited for
 * a turn). {@code 429}s are {@code amiqus_api_calls_total{status="429"}}.
 */
final class AmiqusApiMetrics {

	static final String IO_ERROR = "io_error";

	private final MeterRegistry registry;

	private final Timer turnWait;

	AmiqusApiMetrics(MeterRegistry registry, Supplier<Integer> rateLimitRemaining, RateLimitPacer pacer) {
		this.registry = registry;
		Gauge.builder("amiqus.api.rate.limit.pace", pacer, RateLimitPacer::pace)
			.description("Amiqus calls per second this instance may make until the rate-limit window ends")
			.baseUnit("calls_per_second")
			.strongReference(true)
			.register(registry);
		this.turnWait = Timer.builder("amiqus.api.rate.limit.wait")
			.description("Time enrichment waited for its turn to call Amiqus (pacing to the rate limit)")
			.register(registry);
		Gauge.builder("amiqus.api.rate.limit.remaining", rateLimitRemaining, AmiqusApiMetrics::valueOrNaN)
			.description("X-RateLimit-Remaining of the latest Amiqus API response that carried it")
			.strongReference(true)
			.register(registry);
	}

	void waitedForTurn(Timer.Sample sample) {
		sample.stop(this.turnWait);
	}

	Timer.Sample start() {
		return Timer.start(this.registry);
	}

	void finished(String operation, String status, Timer.Sample sample) {
		sample.stop(Timer.builder("amiqus.api.call.duration")
			.description("Time of one Amiqus API call, failed ones included")
			.tag("operation", operation)
			.publishPercentileHistogram()
			.register(this.registry));
		Counter.builder("amiqus.api.calls")
			.description("Amiqus API calls by operation and HTTP status")
			.tag("operation", operation)
			.tag("status", status)
			.register(this.registry)
			.increment();
	}

	private static double valueOrNaN(Supplier<Integer> supplier) {
		Integer value = supplier.get();
		return (value != null) ? value : Double.NaN;
	}

}
