-- POST /api/events/{id}/replay and POST /api/events/replay: when an operator asked for the
-- event to be enriched again. An event needs a fetch when its object's snapshot was fetched
-- before max(received_at, replayed_at), so a replay fetches again even when the snapshot is
-- newer than the event (the usual case: an operator replays because a snapshot is stale),
-- and a bulk replay of many events about one object still costs one fetch.
alter table events add column replayed_at timestamptz;
