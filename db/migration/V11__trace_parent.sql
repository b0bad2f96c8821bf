-- With tracing on (an OTLP endpoint set), the W3C traceparent of the span that stored the
-- delivery: enrichment and forwarding continue that trace, so one trace runs from the
-- webhook request through storage to the Amiqus calls made for the event and its forwarded
-- POSTs. Null while tracing is off (the default).
alter table events add column trace_parent text;

-- Forwarding's copy, written with the outbox row in the settling transaction, so the
-- forwarding worker continues the trace without reading the events table.
alter table outbox add column trace_parent text;
