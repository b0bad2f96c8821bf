-- The query API's event stream: ordered by (insert_xid, id), where insert_xid is the id of
-- the transaction that inserted the row. Identity ids are allocated at insert time, so a
-- transaction holding a smaller id can commit after a larger id is already visible, and a
-- reader following "id > last seen" would skip it for ever. The API returns only rows whose
-- inserting transaction is older than every transaction still running
-- (insert_xid < pg_snapshot_xmin(pg_current_snapshot())): nothing can appear behind them
-- any more, so a cursor on (insert_xid, id) never skips a row.
--
-- The ingest INSERT does not name the column: the default fills it. Existing rows get the
-- migrating transaction's id (the volatile default rewrites the table once).
alter table events add column insert_xid xid8 not null default pg_current_xact_id();

-- Every index below also costs the ingest INSERT (and the enrichment UPDATEs, which are
-- not HOT because they change indexed columns) a little, so there is one per documented
-- filter and no more. Each ends in (insert_xid, id) so that an equality filter plus the
-- stream order plus a cursor is one index range scan that stops after `limit` rows.

-- The unfiltered stream (and the fallback for every filter that matches most rows).
create index events_stream on events (insert_xid, id);

-- alias=record.updated (equality) and alias=record.* (the byte-wise range
-- alias ~>=~ 'record.' and alias ~<~ 'record/'). text_pattern_ops compares bytes, whatever
-- the database's collation, which is what a prefix range needs; equality works on it too.
create index events_stream_by_alias on events (alias text_pattern_ops, insert_xid, id);

-- record_id=..., client_id=...: only events that name one.
create index events_stream_by_record on events (record_id, insert_xid, id) where record_id is not null;
create index events_stream_by_client on events (client_id, insert_xid, id) where client_id is not null;

-- status=pending|failed|skipped: the rare states an operator looks for. status=enriched,
-- which most events reach, is served by events_stream with a filter, so enriching an event
-- does not add an entry here.
create index events_stream_by_open_status on events (enrichment_status, insert_xid, id)
    where enrichment_status <> 'enriched';

-- received_after / received_before: received_at grows with the table, so a BRIN index
-- (a few pages for millions of rows, almost free to maintain) narrows a time window to
-- the block ranges that hold it.
create index events_received_at_brin on events using brin (received_at) with (pages_per_range = 32);
