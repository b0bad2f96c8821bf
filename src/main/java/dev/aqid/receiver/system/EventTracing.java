package dev.aqid.receiver.system;

import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Traces that cross the events table: the span that stores a delivery is written down as
 * a W3C {@code traceparent}, and the work done for the event later, on another thread or
 * replica, continues that trace. With tracing off (no OTLP endpoint: see
 * {@code TracingEnvironment}) there is no tracer, nothing is written and nothing is
 * measured.
 */
@Component
public class EventTracing {

	private static final Pattern TRACE_PARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");

	private final Tracer tracer;

	EventTracing(ObjectProvider<Tracer> tracer) {
		this.tracer = tracer.getIfAvailable(() -> Tracer.NOOP);
	}

	/**
	 * Runs the work in a new span, a child of the current one (the webhook request's).
	 * @param name the span's name
	 * @param work what to do, given the span's traceparent (null with tracing off)
	 * @param <T> what the work returns
	 * @return what the work returned
	 */
	public <T> T inChildSpan(String name, Function<String, T> work) {
		if (this.tracer == Tracer.NOOP) {
			return work.apply(null);
		}
		Span span = this.tracer.nextSpan().name(name).start();
		try (Tracer.SpanInScope scope = this.tracer.withSpan(span)) {
			return work.apply(traceParent(span));
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
	 * @param traceParent the event's traceparent; null or malformed: a trace of its own
	 * @param work what to do
	 * @param <T> what the work returns
	 * @return what the work returned
	 */
	public <T> T inSpanContinuing(String name, String traceParent, Supplier<T> work) {
		if (this.tracer == Tracer.NOOP) {
			return work.get();
		}
		TraceContext parent = parse(traceParent);
		Span span = ((parent != null) ? this.tracer.spanBuilder().setParent(parent) : this.tracer.spanBuilder())
			.name(name)
			.start();
		try (Tracer.SpanInScope scope = this.tracer.withSpan(span)) {
			return work.get();
		}
		catch (RuntimeException ex) {
			span.error(ex);
			throw ex;
		}
		finally {
			span.end();
		}
	}

	private String traceParent(Span span) {
		if (span.isNoop()) {
			return null;
		}
		TraceContext context = span.context();
		return "00-" + context.traceId() + "-" + context.spanId() + "-"
				+ (Boolean.TRUE.equals(context.sampled()) ? "01" : "00");
	}

	private TraceContext parse(String traceParent) {
		if (traceParent == null) {
			return null;
		}
		Matcher matcher = TRACE_PARENT.matcher(traceParent);
		if (!matcher.matches()) {
			return null;
		}
		return this.tracer.traceContextBuilder()
			.traceId(matcher.group(1))
			.spanId(matcher.group(2))
			.sampled((Integer.parseInt(matcher.group(3), 16) & 1) == 1)
			.build();
	}

}
