-- Forwarding's outbox: one row per settled event and matching destination, written in the
-- transaction that settles the event (so there is no window in which an event is settled
-- and its forwarding is not queued). The row is the delivery's work item: workers claim
-- due rows with FOR UPDATE SKIP LOCKED and a lease, as enrichment does with events.
-- event_id is deliberately not a foreign key: the events table belongs to ingest, and
-- retention may delete an event whose delivery history is still worth keeping.
create table outbox (
    id               bigint generated always as identity primary key,
    event_id         bigint      not null,
    destination      text        not null,
    alias            text,
    -- 'record:<id>', else 'client:<id>', else 'case:<id>', else null: events with one key
    -- reach one destination in event order (event ids follow received order).
    order_key        text,
    received_at      timestamptz not null,
    status           text        not null default 'pending',
    attempts         integer     not null default 0,
    next_attempt_at  timestamptz not null default now(),
    lease_owner      text,
    lease_until      timestamptz,
    last_error       text,
    last_attempt_at  timestamptz,
    delivered_at     timestamptz,
    queued_at        timestamptz not null default now(),
    constraint outbox_event_destination_unique unique (event_id, destination),
    constraint outbox_status_known check (status in ('pending', 'delivered', 'failed'))
);

-- The workers' queue per destination: due, unfinished rows in due order.
create index outbox_due on outbox (destination, next_attempt_at) where status = 'pending';

-- The order check: an earlier unfinished row of the same destination and key.
create index outbox_pending_by_key on outbox (destination, order_key, event_id)
    where status = 'pending' and order_key is not null;

-- GET /api/destinations counts failed rows, and replay status=failed finds them.
create index outbox_failed on outbox (destination, event_id) where status = 'failed';

comment on table outbox is 'Events to forward to internal destinations: one row per event and destination';
