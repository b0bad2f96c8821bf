package dev.aqid.receiver.forwarding;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

/**
 * {@code receiver_forwarding_deliveries_total{destination,outcome}} (delivered, retry,
 * failed), {@code receiver_forwarding_attempts_total{destination,result}} (2xx, 4xx, 5xx,
 * timeout, error), {@code receiver_forwarding_latency_seconds{destination}} (received to
 * delivered) and {@code receiver_forwarding_backlog{destination}} (pending rows, sampled
 * by the workers). Each destination's outcome counters exist from the start at 0, so that
 * alerts on their increase see the first failure too.
 */
@Component
class ForwardingMetrics {

	private final MeterRegistry registry;

	private final Map<String, AtomicLong> backlog = new ConcurrentHashMap<>();

	private final Map<String, Timer> latency = new ConcurrentHashMap<>();

	ForwardingMetrics(MeterRegistry registry, Destinations destinations) {
		this.registry = registry;
		for (Destination destination : destinations.all()) {
			AtomicLong value = new AtomicLong();
			this.backlog.put(destination.name(), value);
			Gauge.builder("receiver.forwarding.backlog", value, AtomicLong::get)
				.description("Deliveries not yet delivered or failed (sampled by the workers)")
				.tag("destination", destination.name())
				.register(registry);
			this.latency.put(destination.name(),
					Timer.builder("receiver.forwarding.latency")
						.description("Time from receiving an event to its delivery to a destination")
						.tag("destination", destination.name())
						.publishPercentileHistogram()
						.register(registry));
			for (String outcome : new String[] { "delivered", "retry", "failed" }) {
				deliveries(destination.name(), outcome);
			}
		}
	}

	void attempt(String destination, String result) {
		Counter.builder("receiver.forwarding.attempts")
			.description("Delivery attempts by destination and result")
			.tag("destination", destination)
			.tag("result", result)
			.register(this.registry)
			.increment();
	}

	void delivery(String destination, String outcome) {
		deliveries(destination, outcome).increment();
	}

	private Counter deliveries(String destination, String outcome) {
		return Counter.builder("receiver.forwarding.deliveries")
			.description("Deliveries by destination and outcome")
			.tag("destination", destination)
			.tag("outcome", outcome)
			.register(this.registry);
	}

	void delivered(String destination, Duration sinceReceived) {
		delivery(destination, "delivered");
		Timer timer = this.latency.get(destination);
		if (timer != null) {
			timer.record(sinceReceived);
		}
	}

	void backlog(String destination, long pending) {
		AtomicLong value = this.backlog.get(destination);
		if (value != null) {
			value.set(pending);
		}
	}

}
