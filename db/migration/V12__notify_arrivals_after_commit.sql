-- The ingest writer now notifies event_arrivals itself, in a transaction of its own right
-- after each insert statement that stored events (EventStore), instead of this trigger.
-- PostgreSQL serialises the commits of transactions that sent a NOTIFY (a lock held until
-- the commit record is flushed), so with the notification inside the insert only one batch
-- could commit at a time and commits of several writers never shared a WAL flush. Every
-- path that stores events goes through EventStore (live deliveries, backfill, rows stored
-- one by one), and a statement that stored nothing (all duplicates) now wakes nobody.
drop trigger events_notify_arrivals on events;
drop function notify_event_arrivals();
