-- One row per verified webhook delivery. The row is also the enrichment work item, so a
-- delivery and its work item are written by one INSERT: there is no window in which one
-- exists without the other.
create table events (
    id                  bigint generated always as identity primary key,
    -- 'd:' || X-AQID-Delivery-Id, or 'h:' || hex(sha256(body)) when the header is absent.
    -- The unique constraint, not a check-then-insert, is what makes storage exactly-once.
    dedupe_key          text        not null,
    delivery_id         text,
    body_sha256         bytea       not null,
    attempt             integer,
    webhook_uuid        text,
    alias               text,
    triggered_at        timestamptz,
    received_at         timestamptz not null default now(),
    source              text        not null default 'webhook',
    content_type        text,
    raw_body            bytea       not null,
    -- The body as parsed JSON; null when the signed body is not JSON PostgreSQL accepts.
    payload             jsonb,
    -- Ids the payload refers to (null when absent or not of the documented type).
    record_id           bigint,
    record_type         text,
    client_id           bigint,
    form_reference      text,
    case_id             bigint,
    organisation_id     bigint,
    -- Enrichment state: the background workers' queue.
    enrichment_status   text        not null default 'pending',
    enrichment_attempts integer     not null default 0,
    next_attempt_at     timestamptz not null default now(),
    lease_owner         text,
    lease_until         timestamptz,
    last_error          text,
    enriched_at         timestamptz,
    constraint events_dedupe_key_unique unique (dedupe_key),
    constraint events_source_known check (source in ('webhook', 'backfill')),
    constraint events_enrichment_status_known
        check (enrichment_status in ('pending', 'enriched', 'failed', 'skipped'))
);

comment on table events is 'Verified Amiqus webhook deliveries, stored exactly once; also the enrichment queue';
