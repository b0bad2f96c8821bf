-- A captured delivery sent again under a new X-AQID-Delivery-Id: Amiqus signs only the
-- body, so the signature still holds. A body stored within amiqus.webhook.replay-window is
-- a duplicate of its first delivery whatever its delivery id. One row per body; the ingest
-- INSERT claims it in the same statement (ON CONFLICT, so concurrent copies collapse into
-- one), and takes over a guard older than the window. The retention job deletes guards
-- older than the window. dedupe_key names the event the body was first stored as.
create table replay_guards (
    body_sha256  bytea       primary key,
    dedupe_key   text        not null,
    guarded_at   timestamptz not null default now()
);

create index replay_guards_by_age on replay_guards using brin (guarded_at);

comment on table replay_guards is 'Bodies stored within the replay window, so a captured body is a duplicate under any delivery id';
