-- With tracing on (an OTLP endpoint set), the W3C traceparent of the span that stored the
-- delivery: enrichment continues that trace, so one trace runs from the webhook request
-- through storage to the Amiqus calls made for it. Null while tracing is off.
alter table events add column trace_parent text;
