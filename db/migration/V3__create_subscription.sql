-- The registrar's view of our webhook subscription at Amiqus: one row. It holds the
-- secret Amiqus signs deliveries with, so every replica can verify them.
create table subscription (
    singleton                boolean     primary key default true check (singleton),
    webhook_id               bigint,
    webhook_uuid             text,
    url                      text,
    events                   text[],
    enabled                  boolean,
    secret                   text,
    -- The secret before the webhook was re-created, accepted until previous_secret_until
    -- so that retries of deliveries signed with it still verify.
    previous_secret          text,
    previous_secret_until    timestamptz,
    last_reconcile_at        timestamptz,
    last_reconcile_outcome   text,
    last_reconcile_error     text,
    duplicates               bigint[]    not null default '{}',
    reenabled_count          integer     not null default 0,
    last_backfill_scan_at    timestamptz,
    last_backfill_outcome    text,
    backfilled_total         bigint      not null default 0,
    updated_at               timestamptz not null default now()
);
