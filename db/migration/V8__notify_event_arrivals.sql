-- Long-poll consumers of GET /api/events?wait=… wait on LISTEN event_arrivals instead of
-- polling. One notification per INSERT statement (the ingest writer stores a whole batch
-- with one statement), not per row: a statement-level trigger, so every path that inserts
-- events (live deliveries, the registrar's backfill, a batch stored row by row after a
-- refusal) notifies without knowing about it. PostgreSQL queues the notification in the
-- inserting transaction and delivers it only when that transaction commits; a rolled-back
-- insert notifies nobody. Identical notifications of one transaction are folded into one.
-- The payload is empty: a listener re-reads the stream, which alone knows what became
-- visible (see EventStream: an event shows once every older transaction has ended).
-- A statement that inserted nothing (every row a duplicate) still notifies; a waiter then
-- re-reads, finds nothing new and keeps waiting.
create function notify_event_arrivals() returns trigger
    language plpgsql as $$
begin
    perform pg_notify('event_arrivals', '');
    return null;
end
$$;

create trigger events_notify_arrivals
    after insert on events
    for each statement
    execute function notify_event_arrivals();
