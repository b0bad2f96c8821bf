-- The latest object fetched from the Amiqus API for each entity an event refers to.
create table snapshots (
    kind        text        not null,
    -- The entity's id as Amiqus names it: a number, or a form's reference (uuid).
    entity_id   text        not null,
    -- The client the entity belongs to, when it has one: client.deleted removes every
    -- snapshot that holds that client's personal data.
    client_id   bigint,
    data        jsonb       not null,
    -- When the fetch started. The object reflects every event received before it, and a
    -- snapshot is never replaced by one fetched earlier.
    fetched_at  timestamptz not null,
    primary key (kind, entity_id),
    constraint snapshots_kind_known
        check (kind in ('record', 'record_steps', 'client', 'form', 'organisation', 'case'))
);

create index snapshots_by_client on snapshots (client_id) where client_id is not null;

-- The enrichment workers' queue: due, unfinished events in due order. Partial, so that
-- finished events cost it nothing.
create index events_due_for_enrichment on events (next_attempt_at) where enrichment_status = 'pending';
