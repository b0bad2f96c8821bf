#!/usr/bin/env bash
# Query API benchmark for the Amiqus webhook receiver.
#
#   bench/query.sh                                   # 1,000,000 events, 100,000 snapshots
#   EVENTS=200000 SNAPSHOTS=20000 REQUESTS=500 bench/query.sh   # a quicker look
#   JAR=target/amiqus-webhook-receiver-0.1.0-SNAPSHOT.jar bench/query.sh   # no build, that jar
#
# Builds the jar in a copy of the work tree (unless JAR is given), starts it on a fresh embedded PostgreSQL
# (fixed port, an API key), loads EVENTS events and SNAPSHOTS snapshots with SQL through
# psql, then measures p50/p90/p99 of three requests with bench/QueryLoad.java (loopback
# only) and prints EXPLAIN (ANALYZE, BUFFERS) of the SQL behind each query API filter.
# Everything it starts is stopped and its temp dir removed on exit. See
# bench/README-query.md.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

EVENTS="${EVENTS:-1000000}"
SNAPSHOTS="${SNAPSHOTS:-100000}"
REQUESTS="${REQUESTS:-2000}"          # per scenario
CONCURRENCIES="${CONCURRENCIES:-1 4}" # one run of the load client per number of closed-loop workers
MAX_SECONDS="${MAX_SECONDS:-120}"     # per scenario, whatever happens
APP_PORT="${APP_PORT:-18181}"
DB_PORT="${DB_PORT:-15433}"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-240}"
LOAD_TIMEOUT="${LOAD_TIMEOUT:-1800}"  # seconds for loading the data
WORK="${WORK:-/tmp/querybench}"
KEEP_TMP="${KEEP_TMP:-0}"
JAR="${JAR:-}"                        # a built jar to run; empty: build one in a copy of the work tree
KEY="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"

BENCH_NAME=query-bench
# shellcheck source=bench/lib.sh
source "$SCRIPT_DIR/lib.sh"
for v in EVENTS SNAPSHOTS REQUESTS MAX_SECONDS APP_PORT DB_PORT; do
	[[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
for c in $CONCURRENCIES; do
	[[ "$c" =~ ^[1-9]$ ]] || die "CONCURRENCIES must be numbers from 1 to 9 (got '$c')"
done
[[ -e "$WORK" ]] && die "$WORK exists: remove it or set WORK"

SERVICE_PID=""
cleanup() {
	local status=$?
	if [[ -n "$SERVICE_PID" ]] && kill -0 "$SERVICE_PID" 2>/dev/null; then
		log "stopping the service (pid $SERVICE_PID)"
		kill -TERM "$SERVICE_PID" 2>/dev/null || true
		for _ in $(seq 1 600); do kill -0 "$SERVICE_PID" 2>/dev/null || break; sleep 0.1; done
		if kill -0 "$SERVICE_PID" 2>/dev/null; then
			kill -KILL "$SERVICE_PID" 2>/dev/null || true
		fi
		wait "$SERVICE_PID" 2>/dev/null || true
	fi
	# The embedded PostgreSQL outlives a killed service: stop it by its own pid file.
	local pidfile="$WORK/data/pg/postmaster.pid"
	if [[ -f "$pidfile" ]]; then
		local pgpid
		pgpid="$(head -1 "$pidfile")"
		if [[ -n "$pgpid" ]] && kill -0 "$pgpid" 2>/dev/null; then
			log "stopping PostgreSQL (pid $pgpid)"
			kill -INT "$pgpid" 2>/dev/null || true
			for _ in $(seq 1 300); do kill -0 "$pgpid" 2>/dev/null || break; sleep 0.1; done
		fi
	fi
	if [[ "$KEEP_TMP" == 1 ]]; then
		log "kept $WORK"
	else
		rm -rf "$WORK"
	fi
	exit "$status"
}
exit_through cleanup

psql_() { PGCONNECT_TIMEOUT=5 /usr/bin/psql -h localhost -p "$DB_PORT" -U postgres -d postgres -X -q -v ON_ERROR_STOP=1 "$@"; }

# ------------------------------------------------------------------------------- build
if [[ -n "$JAR" ]]; then
	[[ -f "$JAR" ]] || die "JAR=$JAR does not exist"
	mkdir -p "$WORK"
	log "running $JAR (no build)"
else
	log "building the jar in a copy of the work tree ($WORK/src)"
	mkdir -p "$WORK/src"
	tar -C "$ROOT" --exclude=./target --exclude=./.git --exclude=./data -cf - . | tar -C "$WORK/src" -xf -
	(cd "$WORK/src" && ./mvnw -q -DskipTests package) || die "build failed"
	JAR="$(ls "$WORK"/src/target/amiqus-webhook-receiver-*.jar | grep -v plain | head -1)"
fi

# ------------------------------------------------------------------------------- start
log "starting the service on :$APP_PORT, embedded PostgreSQL on :$DB_PORT"
AMIQUS_DEMO_ENABLED=false RECEIVER_DATA_DIR="$WORK/data" RECEIVER_EMBEDDED_DB_PORT="$DB_PORT" RECEIVER_API_KEYS="$KEY" \
	SERVER_PORT="$APP_PORT" AMIQUS_WEBHOOK_SECRETS="bench-secret" \
	java -Xms512m -Xmx1g -jar "$JAR" >"$WORK/service.log" 2>&1 &
SERVICE_PID=$!
for i in $(seq 1 "$STARTUP_TIMEOUT"); do
	curl -fs "http://localhost:$APP_PORT/actuator/health" >/dev/null 2>&1 && break
	kill -0 "$SERVICE_PID" 2>/dev/null || { tail -50 "$WORK/service.log" >&2; die "the service died at start-up"; }
	(( i == STARTUP_TIMEOUT )) && die "the service did not start within ${STARTUP_TIMEOUT}s"
	sleep 1
done
log "service up"

# -------------------------------------------------------------------------------- load
log "loading $EVENTS events (10 per transaction, so insert_xid is spread as in real life) and $SNAPSHOTS snapshots"
load_started=$SECONDS
timeout "$LOAD_TIMEOUT" /usr/bin/psql -h localhost -p "$DB_PORT" -U postgres -d postgres -X -q -v ON_ERROR_STOP=1 \
	-v events="$EVENTS" -v snapshots="$SNAPSHOTS" <<'SQL' || die "loading failed"
set synchronous_commit = off;
-- Events over the last 180 days, oldest first; aliases, ids and statuses in realistic mixes.
create temporary table alias_mix (alias text, upto int);
insert into alias_mix values ('record.updated', 35), ('record.created', 45), ('record.finished', 55),
  ('record.reviewed', 58), ('record.status', 60), ('client.updated', 75), ('client.created', 83),
  ('form.completed', 88), ('form.updated', 90), ('case.updated', 94), ('case.created', 95),
  ('watchlist.updated', 99), ('ping', 100);
create or replace procedure bench_load_events(total int, batch int) language plpgsql as $$
declare
  i int := 1;
  started timestamptz := now() - interval '180 days';
  step interval := interval '180 days' / total;
begin
  while i <= total loop
    insert into events (dedupe_key, delivery_id, body_sha256, attempt, webhook_uuid, alias, triggered_at,
                        received_at, content_type, raw_body, payload, record_id, record_type, client_id,
                        form_reference, case_id, enrichment_status, enrichment_attempts, next_attempt_at,
                        last_error, enriched_at)
    select 'd:' || u, u, sha256(convert_to(body, 'UTF8')), 1, '5c1d7a0e-1111-4222-8333-944445555666', alias,
           at, at, 'application/json', convert_to(body, 'UTF8'), body::jsonb,
           case when alias like 'record.%' or alias = 'watchlist.updated' then record end,
           case when alias like 'record.%' or alias = 'watchlist.updated' then 'client' end,
           case when alias <> 'ping' then client end,
           case when alias like 'form.%' then u end,
           case when alias like 'case.%' then record % 5000 + 1 end,
           status, case when status = 'pending' then 0 else 1 end, at,
           case when status = 'failed' then 'Amiqus answered 500' end,
           case when status = 'enriched' then at + interval '2 seconds' end
      from (select n, gen_random_uuid()::text as u, started + step * n as at,
                   (select a.alias from alias_mix a where a.upto > (n * 7919) % 100 order by a.upto limit 1) as alias,
                   (n * 104729) % 200000 + 1 as record, (n * 15485863) % 100000 + 1 as client,
                   case when n > total - 2000 then 'pending'
                        when n % 97 = 0 then 'failed'
                        when n % 13 = 0 then 'skipped' else 'enriched' end as status
              from generate_series(i::bigint, least(i + batch - 1, total)::bigint) as n) g,
           lateral (select format('{"webhook":{"uuid":"5c1d7a0e-1111-4222-8333-944445555666","created_at":"2024-05-07T12:00:00Z","events":["*"]},"trigger":{"triggered_at":"%s","alias":"%s"},"data":{"record":{"id":%s,"type":"client","show":"https://id.amiqus.co/api/v2/records/%s"},"client":{"id":%s,"show":"https://id.amiqus.co/api/v2/clients/%s"},"case":null}}',
                               to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), alias, record, record,
                               client, client) as body) b;
    commit;
    i := i + batch;
  end loop;
end $$;
call bench_load_events(:events, 10);
drop procedure bench_load_events;

-- Snapshots: records 1..40%, clients 30%, steps 15%, forms 10%, organisations 3%, cases 2%.
insert into snapshots (kind, entity_id, client_id, data, fetched_at)
select kind, entity_id, n % 100000 + 1,
       jsonb_build_object('object', kind, 'id', entity_id, 'status', 'complete', 'created_at', now() - interval '30 days',
                          'client', jsonb_build_object('id', n % 100000 + 1, 'name', jsonb_build_object('first', 'Ada', 'last', 'Lovelace'),
                                                       'email', 'ada' || n || '@example.com'),
                          'steps', jsonb_build_array(jsonb_build_object('type', 'photo', 'status', 'complete'),
                                                     jsonb_build_object('type', 'watchlist', 'status', 'complete')),
                          'notes', repeat('x', 400)),
       now() - (n % 1000) * interval '1 minute'
  from (select n,
               case when n <= :snapshots * 0.40 then 'record'
                    when n <= :snapshots * 0.70 then 'client'
                    when n <= :snapshots * 0.85 then 'record_steps'
                    when n <= :snapshots * 0.95 then 'form'
                    when n <= :snapshots * 0.98 then 'organisation' else 'case' end as kind,
               case when n <= :snapshots * 0.40 then n::text
                    when n <= :snapshots * 0.70 then (n - (:snapshots * 0.40)::int)::text
                    when n <= :snapshots * 0.85 then (n - (:snapshots * 0.70)::int)::text
                    when n <= :snapshots * 0.95 then gen_random_uuid()::text
                    else n::text end as entity_id
          from generate_series(1, :snapshots) n) s;
vacuum analyze events;
vacuum analyze snapshots;
-- Write the loaded pages out now, not during the measurement.
checkpoint;
SQL
log "loaded in $((SECONDS - load_started))s"
result query.events "$EVENTS" count
result query.load_s "$((SECONDS - load_started))" s
psql_ -c "select count(*) as events, pg_size_pretty(pg_total_relation_size('events')) as events_size,
                 (select count(*) from snapshots) as snapshots,
                 pg_size_pretty(pg_total_relation_size('snapshots')) as snapshots_size from events"
psql_ -c "select indexrelname as index, pg_size_pretty(pg_relation_size(indexrelid)) as size
            from pg_stat_user_indexes where relname = 'events' order by indexrelname"

# -------------------------------------------------------------------- starting cursors
BASE="http://localhost:$APP_PORT"
RECORD_IDS="$(psql_ -At -c "select count(*) from snapshots where kind = 'record'")"
cursors=()
for fraction in 0.40 0.50 0.60 0.70 0.45 0.55 0.65 0.75 0.35; do
	at="$(psql_ -At -c "select to_char((now() - interval '180 days' + interval '180 days' * $fraction) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")"
	page="$(curl -fs -H "Authorization: Bearer $KEY" "$BASE/api/events?limit=1&received_after=$at")"
	cursor="$(sed -n 's/.*"next_cursor":"\([A-Za-z0-9_-]*\)".*/\1/p' <<<"$page")"
	[[ -n "$cursor" ]] || die "no cursor at $at"
	cursors+=("$cursor")
done

# ----------------------------------------------------------------------------- measure
for concurrency in $CONCURRENCIES; do
	log "measuring: $REQUESTS requests per scenario, $concurrency worker(s), loopback"
	echo
	java -Xmx256m "$SCRIPT_DIR/QueryLoad.java" "$BASE" "$KEY" "$REQUESTS" "$concurrency" "$MAX_SECONDS" \
		"$RECORD_IDS" "${cursors[@]}" | tee "$WORK/queryload-$concurrency.out" || log "the load client reported failures"
	echo
	while read -r _ line; do
		scenario="$(tr ' ' '\n' <<<"$line" | sed -n 's/^scenario=//p')"
		for k in p50_ms p99_ms req_per_s failures; do
			v="$(tr ' ' '\n' <<<"$line" | sed -n "s/^$k=//p")"
			case "$k" in *_ms) unit=ms ;; req_per_s) unit=requests/s ;; *) unit=count ;; esac
			result "query.c$concurrency.$scenario.$k" "$v" "$unit"
		done
	done < <(grep '^QUERY ' "$WORK/queryload-$concurrency.out" || true)
	# Every run starts its workers at the same points in the middle of the stream.
done
# The service's own view (Spring's http.server.requests timer, all runs and warm-ups
# together): time from request in to response out, without the load client or loopback.
log "server-side time per request (http_server_requests_seconds, all runs):"
curl -fs -H "Authorization: Bearer $KEY" "$BASE/actuator/prometheus" \
	| awk '/^http_server_requests_seconds_(count|sum|max)\{/ && /uri="\/api\/(events|records\/\{id\})"/ && /status="200"/ {
		match($0, /uri="[^"]*"/); uri = substr($0, RSTART + 5, RLENGTH - 6)
		if ($0 ~ /_count\{/) count[uri] += $NF; else if ($0 ~ /_sum\{/) sum[uri] += $NF; else if ($NF > max[uri]) max[uri] = $NF
	} END { for (u in count) printf "   %-18s %8d requests, mean %.2f ms, max in the last minutes %.2f ms\n", u, count[u], 1000 * sum[u] / count[u], 1000 * max[u] }'
echo

# ----------------------------------------------------------------------------- explain
# The SQL the service runs for each filter (EventStream, SnapshotsController), with the
# parameters written in.
middle="$(psql_ -At -F ' ' -c "select insert_xid, id from events order by insert_xid, id offset ($EVENTS / 2) limit 1")"
read -r mid_xid mid_id <<<"$middle"
some="$(psql_ -At -F ' ' -c "select record_id, client_id from events where record_id is not null offset ($EVENTS / 3) limit 1")"
read -r some_record some_client <<<"$some"
cols="id, delivery_id, alias, received_at, triggered_at, attempt, source, webhook_uuid, content_type,
      record_id, record_type, client_id, form_reference, case_id, organisation_id, enrichment_status,
      enrichment_attempts, last_error, enriched_at, next_attempt_at, payload is not null as parsed, raw_body,
      insert_xid::text as stream_xid"
horizon="insert_xid < pg_snapshot_xmin(pg_current_snapshot())"
explain() {
	echo "== $1"
	psql_ -c "explain (analyze, buffers, costs off, summary on) $2" | sed 's/^/   /'
}
explain "entity lookup: GET /api/records/12345" \
	"select entity_id, fetched_at, data::text from snapshots where kind = 'record' and entity_id = '12345'"
explain "alias filter page: GET /api/events?alias=record.updated&limit=50" \
	"select $cols from events where $horizon and alias = 'record.updated' order by insert_xid, id limit 50"
explain "follow the stream: GET /api/events?cursor=<middle>&limit=50" \
	"select $cols from events where $horizon and (insert_xid, id) > ('$mid_xid'::xid8, $mid_id) order by insert_xid, id limit 50"
explain "alias wildcard with cursor: GET /api/events?alias=case.*&cursor=<middle>" \
	"select $cols from events where $horizon and (insert_xid, id) > ('$mid_xid'::xid8, $mid_id) and alias ~>=~ 'case.' and alias ~<~ 'case/' order by insert_xid, id limit 50"
explain "record filter: GET /api/events?record_id=$some_record" \
	"select $cols from events where $horizon and record_id = $some_record order by insert_xid, id limit 50"
explain "client filter: GET /api/events?client_id=$some_client" \
	"select $cols from events where $horizon and client_id = $some_client order by insert_xid, id limit 50"
explain "status filter: GET /api/events?status=failed" \
	"select $cols from events where $horizon and enrichment_status = 'failed' order by insert_xid, id limit 50"
# A first page with a time window that most of the stream lies before: read the window first
# (EventStream.scanTimeWindowFirst), then sort.
explain "time window: GET /api/events?received_after=<-31d>&received_before=<-30d>" \
	"with in_window as materialized (select $cols, insert_xid as position_xid from events where $horizon and received_at >= now() - interval '31 days' and received_at < now() - interval '30 days') select * from in_window order by position_xid, id limit 50"
explain "time window walked along the stream (what a window near the start gets)" \
	"select $cols from events where $horizon and received_at < now() - interval '179 days' order by insert_xid, id limit 50"
log "done"
