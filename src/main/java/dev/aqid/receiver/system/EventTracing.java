package dev.aqid.receiver.system;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Traces that cross the events table. The span that stores a delivery (a child of the
 * webhook request's, which continues the sender's {@code traceparent}) is written down
 * with the event as a W3C {@code traceparent}; the work done for the event later, on
 * another thread or replica (the Amiqus calls of its enrichment, its forwarded POSTs),
 * continues that trace.
 * <p>
 * With tracing off (no OTLP endpoint: {@link TracingSwitch}) there is no tracer: the work
 * runs as it is, no span is made and no trace parent is written or sent.
 */
@Component
public class EventTracing {

	private static final String TRACE_PARENT = "traceparent";

	private final @Nullable Tracer tracer;

	private final @Nullable Propagator propagator;

	EventTracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
		Tracer available = tracer.getIfAvailable();
		this.tracer = (available != null && available != Tracer.NOOP) ? available : null;
		this.propagator = (this.tracer != null) ? propagator.getIfAvailable() : null;
	}

	/** Whether spans are made and exported (an OTLP endpoint is set). */
	public boolean enabled() {
		return this.tracer != null && this.propagator != null;
	}

	/**
	 * Runs the work in a new span, a child of the current one (the webhook request's).
	 * @param name the span's name
	 * @param work what to do, given the span's {@code traceparent} to store (null with
	 * tracing off)
	 * @param <T> what the work returns
	 * @return what the work returned
	 */
	public <T> T inChildSpan(String name, Function<@Nullable String, T> work) {
		Tracer tracer = this.tracer;
		if (tracer == null || this.propagator == null) {
			return work.apply(null);
		}
		Span span = tracer.nextSpan().name(name).start();
		try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
			return work.apply(headers(span).get(TRACE_PARENT));
		}
		catch (RuntimeException ex) {
			span.error(ex);
			throw ex;
		}
		finally {
			span.end();
		}
	}

	/**
	 * Runs the work in a new span that continues the trace a stored event was written in.
	 * @param name the span's name
	 * @param traceParent the event's {@code traceparent}; null or malformed: a trace of
	 * its own
	 * @param tags the span's tags (ids and names only, never personal data)
	 * @param work what to do, given the headers that carry this span to a server it calls
	 * (empty with tracing off)
	 * @param <T> what the work returns
	 * @param <E> what the work may throw
	 * @return what the work returned
	 * @throws E what the work threw
	 */
	public <T, E extends Exception> T continuing(String name, @Nullable String traceParent, Map<String, String> tags,
			SpanWork<T, E> work) throws E {
		Tracer tracer = this.tracer;
		Propagator propagator = this.propagator;
		if (tracer == null || propagator == null) {
			return work.run(Map.of());
		}
		Span.Builder builder = (traceParent != null)
				? propagator.extract(Map.of(TRACE_PARENT, traceParent), (carrier, key) -> carrier.get(key))
				: tracer.spanBuilder().setNoParent();
		builder.name(name);
		tags.forEach(builder::tag);
		Span span = builder.start();
		try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
			return work.run(headers(span));
		}
		catch (Exception ex) {
			span.error(ex);
			throw ex;
		}
		finally {
			span.end();
		}
	}

	private Map<String, String> headers(Span span) {
		Map<String, String> headers = new LinkedHashMap<>();
		if (this.propagator != null && !span.isNoop()) {
			this.propagator.inject(span.context(), headers, (carrier, key, value) -> {
				if (carrier != null) {
					carrier.put(key, value);
				}
			});
		}
		return Collections.unmodifiableMap(headers);
	}

	/**
	 * Work done inside a span.
	 *
	 * @param <T> what it returns
	 * @param <E> what it may throw
	 */
	@FunctionalInterface
	public interface SpanWork<T, E extends Exception> {

		/**
		 * @param propagation headers that carry the span to a server the work calls
		 * @return the result
		 * @throws E when the work fails
		 */
		T run(Map<String, String> propagation) throws E;

	}

}
