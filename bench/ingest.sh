#!/usr/bin/env bash
# Ingest benchmark for the Amiqus webhook receiver.
#
#   bench/ingest.sh                      # embedded PostgreSQL in a fresh temp dir
#   QUICK=1 bench/ingest.sh              # a smoke run: 3 s phases, junk numbers
#   CONCURRENCY=32 DURATION=30 RATE=1000 CLOSED_WARMUP=20 WARMUP=5 bench/ingest.sh
#   SPRING_DATASOURCE_URL=jdbc:postgresql://db:5432/receiver SPRING_DATASOURCE_USERNAME=u \
#     SPRING_DATASOURCE_PASSWORD=p bench/ingest.sh      # external PostgreSQL (see README.md)
#   BASE_JAR=/path/to/old.jar ROUNDS=3 bench/ingest.sh  # old and new jar side by side, alternating
#
# Runs (a) a closed loop at CONCURRENCY, (b) an open loop at RATE/s, both with wrk
# (bench/ingest.lua) sending deliveries pre-signed by bench/SignRequests.java, (c) pgbench doing
# the same single-row INSERT into the same events table on the same PostgreSQL, (d) pgbench doing
# a lean single-row INSERT ... ON CONFLICT (id, dedupe key, body) into a table of its own: the
# ceiling the service's stored deliveries/s is compared with; then prints a table. See bench/README.md for what every number means.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

QUICK="${QUICK:-0}"                 # 1: smoke-run defaults for the three durations below
if [[ "$QUICK" == 1 ]]; then
	DURATION="${DURATION:-3}" WARMUP="${WARMUP:-1}" CLOSED_WARMUP="${CLOSED_WARMUP:-3}"
fi
CONCURRENCY="${CONCURRENCY:-32}"
DURATION="${DURATION:-30}"          # seconds, each of the three measured phases
WARMUP="${WARMUP:-5}"               # seconds, unmeasured, before the open loop and pgbench
CLOSED_WARMUP="${CLOSED_WARMUP:-20}" # seconds, unmeasured, before the closed loop: the service's
                                     # first load after start-up, when its JIT is still compiling
RATE="${RATE:-1000}"                # open-loop arrival rate, requests/s
OPEN_CONNECTIONS="${OPEN_CONNECTIONS:-}"  # open-loop connections (default max(64, RATE/20)), one wrk thread each
DUPLICATES_EVERY="${DUPLICATES_EVERY:-0}" # >0: every Nth request re-sends an earlier delivery
PGBENCH_JOBS="${PGBENCH_JOBS:-2}"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-240}" # seconds to wait for /actuator/health = UP
STOP_TIMEOUT="${STOP_TIMEOUT:-60}"
JAR="${JAR:-$ROOT/target/amiqus-webhook-receiver-0.1.0-SNAPSHOT.jar}"
SERVICE_JAVA_OPTS="${SERVICE_JAVA_OPTS:-}"
LOAD_JAVA_OPTS="${LOAD_JAVA_OPTS:--XX:+UseSerialGC -Xmx1g}" # JVM options of the request signer
export SUPPLY_PER_S="${SUPPLY_PER_S:-6000}" # closed loop: requests pre-signed per second of the run
export LOAD_DRAIN="${LOAD_DRAIN:-10}"       # seconds after a window in which wrk collects the answers
STRICT_TARGETS="${STRICT_TARGETS:-0}"     # 1: exit non-zero when a performance target is missed
KEEP_TMP="${KEEP_TMP:-0}"                 # 1: keep logs and the data dir after the run

BENCH_NAME=ingest-bench
# shellcheck source=bench/lib.sh
source "$SCRIPT_DIR/lib.sh"

# --------------------------------------------------------------------------- base beside new
# BASE_JAR set: no run of its own, but ROUNDS rounds of this script on BASE_JAR (with
# BASE_JAVA_OPTS) and on JAR (with NEW_JAVA_OPTS, default the recommended JVM options of
# README "Memory"), alternating and starting with a different build each round, then a
# table of both side by side (medians over the rounds) and RESULT lines: the new build's
# under the usual names, the base's with the suffix .base.
BASE_JAR="${BASE_JAR:-}"
ROUNDS="${ROUNDS:-2}"
RECOMMENDED_JAVA_OPTS="-XX:+UseSerialGC -Xms32m -Xmx512m -XX:MinHeapFreeRatio=20 -XX:MaxHeapFreeRatio=40"
NEW_JAVA_OPTS="${NEW_JAVA_OPTS-$RECOMMENDED_JAVA_OPTS}"
BASE_JAVA_OPTS="${BASE_JAVA_OPTS:-}"
NEW_ENV="${NEW_ENV:-}"   # environment of the new build's run, e.g. MALLOC_ARENA_MAX=2
BASE_ENV="${BASE_ENV:-}"
if [[ -n "$BASE_JAR" ]]; then
	require_positive ROUNDS
	[[ -f "$BASE_JAR" ]] || die "BASE_JAR $BASE_JAR not found"
	SIDE_TMP="$(mktemp -d "${TMPDIR:-/tmp}/ingest-side.XXXXXX")"
	trap 'rm -rf "$SIDE_TMP"' EXIT
	builds=(base new)
	side_rc=0
	for round in $(seq 1 "$ROUNDS"); do
		for i in 0 1; do
			build="${builds[$(((i + round - 1) % 2))]}"
			if [[ "$build" == base ]]; then jar="$BASE_JAR" opts="$BASE_JAVA_OPTS" envs="$BASE_ENV"; else jar="$JAR" opts="$NEW_JAVA_OPTS" envs="$NEW_ENV"; fi
			log "round $round: $build ($jar, SERVICE_JAVA_OPTS=$opts, environment: ${envs:-as is})"
			: >"$SIDE_TMP/$build.$round"
			# shellcheck disable=SC2086
			env $envs BASE_JAR="" JAR="$jar" SERVICE_JAVA_OPTS="$opts" BENCH_RESULTS="$SIDE_TMP/$build.$round" \
				"$SCRIPT_DIR/ingest.sh" >"$SIDE_TMP/$build.$round.out" 2>&1 || { side_rc=1; log "round $round $build failed: $SIDE_TMP/$build.$round.out"; tail -n 20 "$SIDE_TMP/$build.$round.out" >&2; }
			grep -E '^(RESULT (ingest|memory)\.|== memory|threads|nmt )' "$SIDE_TMP/$build.$round.out" | sed "s/^/[$build $round] /"
		done
	done
	fig() { # build round name
		sed -n "s/^RESULT $3=\([^ ]*\) .*/\1/p" "$SIDE_TMP/$1.$2" 2>/dev/null | head -n1
	}
	med() { { grep -E '^[0-9.]+$' || true; } | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
	side_results=()
	names=(ingest.closed_throughput ingest.closed_p50_ms ingest.closed_p99_ms ingest.open_answered_per_s ingest.open_p50_ms
		ingest.open_p99_ms ingest.open_p999_ms ingest.pgbench_tps ingest.ratio_to_pgbench ingest.lean_pgbench_tps
		ingest.ratio_to_lean_pgbench memory.service_vmhwm_mb memory.service_rss_max_mb memory.service_threads_max ingest.non202_errors)
	echo
	echo "== base beside new, $ROUNDS round(s): base $BASE_JAR ($BASE_JAVA_OPTS), new $JAR ($NEW_JAVA_OPTS)"
	printf '| %-34s | %-28s | %-28s | %-9s |\n' metric "base (median; each round)" "new (median; each round)" "new/base"
	printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..36})" "$(printf -- '-%.0s' {1..30})" "$(printf -- '-%.0s' {1..30})" "-----------"
	for n in "${names[@]}"; do
		b_all="" n_all=""
		for round in $(seq 1 "$ROUNDS"); do b_all+="$(fig base "$round" "$n") "; n_all+="$(fig new "$round" "$n") "; done
		b="$(tr ' ' '\n' <<<"$b_all" | med)" nw="$(tr ' ' '\n' <<<"$n_all" | med)"
		r="$(awk -v a="$nw" -v b="$b" 'BEGIN { if (a ~ /^[0-9.]+$/ && b + 0 > 0) printf "%.2f", a / b; else print "-" }')"
		printf '| %-34s | %-28s | %-28s | %-9s |\n' "$n" "$b (${b_all% })" "$nw (${n_all% })" "$r"
		side_results+=("$n $nw" "$n.base $b")
	done
	echo
	for r in "${side_results[@]}"; do result ${r% *} "${r##* }" -; done
	exit "$side_rc"
fi

[[ "$QUICK" == 0 || "$QUICK" == 1 ]] || die "QUICK is 0 or 1 (got '$QUICK')"
require_positive CONCURRENCY DURATION RATE PGBENCH_JOBS STARTUP_TIMEOUT STOP_TIMEOUT SUPPLY_PER_S
[[ "$WARMUP" =~ ^[0-9]+$ ]] || die "WARMUP must be a whole number of seconds (got '$WARMUP')"
[[ "$CLOSED_WARMUP" =~ ^[0-9]+$ ]] || die "CLOSED_WARMUP must be a whole number of seconds (got '$CLOSED_WARMUP')"
[[ "$DUPLICATES_EVERY" =~ ^[0-9]+$ && "$DUPLICATES_EVERY" != 1 ]] || die "DUPLICATES_EVERY must be 0 or a number >= 2 (got '$DUPLICATES_EVERY')"
[[ -z "$OPEN_CONNECTIONS" || "$OPEN_CONNECTIONS" =~ ^[1-9][0-9]*$ ]] || die "OPEN_CONNECTIONS must be a positive integer"

# --------------------------------------------------------------------------- cleanup
BENCH_TMP="$(mktemp -d "${TMPDIR:-/tmp}/ingest-bench.XXXXXX")"
SERVICE_PID=""
SERVICE_LOG="$BENCH_TMP/service.log"
BG_PIDS=()
MEM_SAMPLER_PID=""

# Runs a command in the background with its output in a file (shown live), and waits for it
# with `wait`, which a trapped signal interrupts, so Ctrl-C/SIGTERM cleans up at once.
# Sets BG_RC to the command's exit status.
run_bg() { # outfile command...
	local out=$1 pid tpid
	shift
	: >"$out"
	"$@" >"$out" 2>&1 &
	pid=$!
	tail -n +1 -f --pid="$pid" "$out" &
	tpid=$!
	BG_PIDS=("$pid" "$tpid")
	BG_RC=0
	wait "$pid" || BG_RC=$?
	wait "$tpid" 2>/dev/null || true
	BG_PIDS=()
}

stop_service() {
	if [[ -n "$SERVICE_PID" ]] && kill -0 "$SERVICE_PID" 2>/dev/null; then
		log "stopping the service (pid $SERVICE_PID, SIGTERM)"
		terminate_service "$SERVICE_PID" "$STOP_TIMEOUT"
		log "service stopped after ${STOPPED_AFTER_S}s"
	fi
	SERVICE_PID=""
	stop_leftover_postgres "$BENCH_TMP"
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	local p
	for p in "${BG_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	[[ -n "$MEM_SAMPLER_PID" ]] && kill -TERM "$MEM_SAMPLER_PID" 2>/dev/null || true
	stop_service
	if (( rc != 0 )) && [[ -f "$SERVICE_LOG" ]]; then
		log "last lines of the service log:"
		tail -n 40 "$SERVICE_LOG" >&2 || true
	fi
	dispose_bench_tmp "$rc"
	exit "$rc"
}
exit_through cleanup

# --------------------------------------------------------------------------- prerequisites
cd "$ROOT"
require_commands java javac curl
require_wrk

if ! command -v pgbench >/dev/null || ! command -v psql >/dev/null; then
	log "pgbench/psql missing: installing postgresql-client with apt-get"
	SUDO=""
	(( EUID == 0 )) || SUDO="sudo"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql-client >/dev/null
fi

build_jar_if_missing


# --------------------------------------------------------------------------- start the service
SECRET="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
HTTP_PORT="${BENCH_HTTP_PORT:-$(free_port)}"
URL="http://127.0.0.1:$HTTP_PORT/webhooks/amiqus"
export LOAD_URL="$URL" LOAD_SECRET="$SECRET" LOAD_DIR="$BENCH_TMP/load"
# This measures ingest only: the enrichment workers are off unless BENCH_ENRICHMENT=true,
# no API token is passed on, and the Amiqus API URL is a closed local port, so nothing the
# benchmark stores is ever fetched from Amiqus.
DEAD_PORT="$(free_port "$HTTP_PORT")"

declare -a SERVICE_ENV=(
	"SERVER_PORT=$HTTP_PORT"
	"AMIQUS_WEBHOOK_SECRETS=$SECRET"
	"RECEIVER_DATA_DIR=$BENCH_TMP/data"
	"AMIQUS_API_URL=http://127.0.0.1:$DEAD_PORT/api/v2"
	"AMIQUS_ENRICHMENT_ENABLED=${BENCH_ENRICHMENT:-false}"
	"AMIQUS_DEMO_ENABLED=false"
)

if [[ -n "${SPRING_DATASOURCE_URL:-}" ]]; then
	DB_MODE="external"
	# pgbench/psql talk to the same server: PG* variables win, else they come from the JDBC URL.
	if [[ "$SPRING_DATASOURCE_URL" =~ ^jdbc:postgresql://([^/:?]+)(:([0-9]+))?/([^?]+) ]]; then
		export PGHOST="${PGHOST:-${BASH_REMATCH[1]}}"
		export PGPORT="${PGPORT:-${BASH_REMATCH[3]:-5432}}"
		export PGDATABASE="${PGDATABASE:-${BASH_REMATCH[4]}}"
	fi
	[[ -n "${SPRING_DATASOURCE_USERNAME:-}" ]] && export PGUSER="${PGUSER:-$SPRING_DATASOURCE_USERNAME}"
	[[ -n "${SPRING_DATASOURCE_PASSWORD:-}" ]] && export PGPASSWORD="${PGPASSWORD:-$SPRING_DATASOURCE_PASSWORD}"
	[[ -n "${PGHOST:-}" ]] || die "cannot derive PGHOST from SPRING_DATASOURCE_URL; set PGHOST/PGPORT/PGDATABASE"
else
	DB_MODE="embedded"
	DB_PORT="${RECEIVER_EMBEDDED_DB_PORT:-$(free_port "$HTTP_PORT $DEAD_PORT")}"
	SERVICE_ENV+=("RECEIVER_EMBEDDED_DB_PORT=$DB_PORT")
	export PGHOST=127.0.0.1 PGPORT="$DB_PORT" PGUSER=postgres PGDATABASE=postgres
	unset PGPASSWORD
fi

log "starting the service on :$HTTP_PORT ($DB_MODE PostgreSQL at $PGHOST:$PGPORT/$PGDATABASE), temp dir $BENCH_TMP"
START_TS=$(date +%s.%N)
# shellcheck disable=SC2086
env -u AMIQUS_API_TOKEN "${SERVICE_ENV[@]}" java $SERVICE_JAVA_OPTS -jar "$JAR" >"$SERVICE_LOG" 2>&1 &
SERVICE_PID=$!

deadline=$(( $(date +%s) + STARTUP_TIMEOUT ))
until curl -fsS --max-time 2 "http://127.0.0.1:$HTTP_PORT/actuator/health" 2>/dev/null | grep -q '"UP"'; do
	kill -0 "$SERVICE_PID" 2>/dev/null || die "the service exited during start-up"
	(( $(date +%s) < deadline )) || die "the service was not healthy within ${STARTUP_TIMEOUT}s"
	sleep 0.5
done
STARTUP_S=$(awk -v a="$START_TS" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
log "service healthy after ${STARTUP_S}s"

export PGCONNECT_TIMEOUT=10
q() { psql -X -q -v ON_ERROR_STOP=1 -At -c "$1"; }

# percentage of all cores busy over $1 seconds
machine_busy() {
	local a b
	a=($(head -n1 /proc/stat))
	sleep "$1"
	b=($(head -n1 /proc/stat))
	awk -v t0="$(( a[1]+a[2]+a[3]+a[4]+a[5]+a[6]+a[7]+a[8] ))" -v i0="$(( a[4]+a[5] ))" \
		-v t1="$(( b[1]+b[2]+b[3]+b[4]+b[5]+b[6]+b[7]+b[8] ))" -v i1="$(( b[4]+b[5] ))" \
		'BEGIN { if (t1 > t0) printf "%.0f", 100 * (1 - (i1 - i0) / (t1 - t0)); else print "?" }'
}

PG_VERSION="$(q 'select version()')"
JAVA_VERSION="$(java -version 2>&1 | head -n1)"
echo
echo "== machine"
echo "nproc:       $(nproc)"
echo "memory:      $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
echo "java:        $JAVA_VERSION"
echo "postgresql:  $PG_VERSION ($DB_MODE, $PGHOST:$PGPORT)"
echo "pgbench:     $(pgbench --version)"
echo "data dir fs: $(df -hP "$BENCH_TMP" | awk 'NR==2 { print $1 " on " $6 }')"
echo "settings:    $(q "select string_agg(name || '=' || setting, ' ' order by name) from pg_settings where name in ('fsync','synchronous_commit','full_page_writes','max_connections','shared_buffers','wal_level')")"
echo "service:     started in ${STARTUP_S}s; jar $(basename "$JAR")"
BUSY_BEFORE="$(machine_busy 2)"
echo "busy before: ${BUSY_BEFORE}% of all cores over 2 s with the service idle"
echo "migrations:  $(ls "$ROOT"/db/migration/*.sql 2>/dev/null | xargs -r -n1 basename | tr '\n' ' ')"
echo

[[ "$BUSY_BEFORE" =~ ^[0-9]+$ ]] && (( BUSY_BEFORE > 20 )) \
	&& log "WARNING: the machine was ${BUSY_BEFORE}% busy before the load started: other work skews every number below"
q "select 1 from events limit 1" >/dev/null || die "table events not found in $PGDATABASE"
# CPU of the database is measured through its postmaster's process tree: found for the
# embedded one; for a local external one give DB_POSTMASTER_PID.
if [[ "$DB_MODE" == embedded && -z "${DB_POSTMASTER_PID:-}" ]]; then
	pmfile="$(find "$BENCH_TMP/data" -name postmaster.pid 2>/dev/null | head -n1)"
	[[ -n "$pmfile" ]] && DB_POSTMASTER_PID="$(head -n1 "$pmfile")"
fi

PGBENCH_PREFIX="pgbench:"
service_rows() { q "select count(*) from events where dedupe_key not like '${PGBENCH_PREFIX}%'"; }
ROWS_BEFORE="$(service_rows)"

# --------------------------------------------------------------------------- (a) closed loop
FAILED=()
export WATCH_PID="$SERVICE_PID" WATCH_DB_PID="${DB_POSTMASTER_PID:-}"
run_load() { # load_phase arguments (bench/lib.sh): closed|open name ...
	local name=$2
	run_bg "$BENCH_TMP/$name.out" load_phase "$@"
	if (( BG_RC != 0 )); then
		FAILED+=("$name: load phase exit $BG_RC (non-202 answers, I/O errors, requests never sent or too few pre-signed)")
	fi
	kill -0 "$SERVICE_PID" 2>/dev/null || die "the service died during the $name run"
}
dup_args=()
(( DUPLICATES_EVERY > 0 )) && dup_args=(--duplicates-every "$DUPLICATES_EVERY")
OPEN_CONNECTIONS="${OPEN_CONNECTIONS:-$(( RATE / 20 > 64 ? (RATE + 19) / 20 : 64 ))}"

# Memory under load: every 0.5 s during (a) and (b), the service's VmRSS and its embedded
# PostgreSQL's summed RSS and PSS (kB), into mem.samples.
MEM_SAMPLES="$BENCH_TMP/mem.samples"
: >"$MEM_SAMPLES"
(
	trap 'exit 0' TERM
	while kill -0 "$SERVICE_PID" 2>/dev/null; do
		pg="- -"
		[[ -n "${DB_POSTMASTER_PID:-}" ]] && pg="$(pg_tree_kb "$DB_POSTMASTER_PID")"
		echo "$(proc_kb "$SERVICE_PID") $pg $(proc_kb "$SERVICE_PID" Threads)" >>"$MEM_SAMPLES"
		sleep 0.5
	done
) &
MEM_SAMPLER_PID=$!

echo "== (a) closed loop: concurrency $CONCURRENCY, ${DURATION}s (+${CLOSED_WARMUP}s warm-up)"
run_load closed closed "$CONCURRENCY" "$CLOSED_WARMUP" "$DURATION" "${dup_args[@]}"
echo
echo "== (b) open loop: $RATE requests/s over $OPEN_CONNECTIONS connections, ${DURATION}s (+${WARMUP}s warm-up)"
run_load open open "$OPEN_CONNECTIONS" "$WARMUP" "$DURATION" "$RATE" "${dup_args[@]}"
echo
kill -TERM "$MEM_SAMPLER_PID" 2>/dev/null || true
wait "$MEM_SAMPLER_PID" 2>/dev/null || true
MEM_SAMPLER_PID=""
# VmHWM is the service's peak RSS since it started (start-up and both load phases).
SVC_HWM_MB=$(( $(proc_kb "$SERVICE_PID" VmHWM) / 1024 ))
read -r SVC_RSS_MAX_MB PG_RSS_MAX_MB PG_PSS_MAX_MB < <(awk '
	{ if ($1 > s) s = $1; if ($2 ~ /^[0-9]+$/) { h = 1; if ($2 > r) r = $2; if ($3 > p) p = $3 } }
	END { if (h) printf "%d %d %d\n", s / 1024, r / 1024, p / 1024; else printf "%d n/a n/a\n", s / 1024 }' "$MEM_SAMPLES")
echo "== memory under load ($(wc -l <"$MEM_SAMPLES") samples): service VmHWM ${SVC_HWM_MB} MB, max sampled VmRSS ${SVC_RSS_MAX_MB} MB; embedded PostgreSQL max summed RSS ${PG_RSS_MAX_MB} MB, PSS ${PG_PSS_MAX_MB} MB"
SVC_THREADS_MAX="$(awk '$4 > t { t = $4 } END { print t + 0 }' "$MEM_SAMPLES")"
echo "threads: the service's most threads sampled under load ${SVC_THREADS_MAX}"
# With -XX:NativeMemoryTracking=summary in SERVICE_JAVA_OPTS: where the service's memory is
# (committed, per JVM area), right after the load.
if [[ "$SERVICE_JAVA_OPTS" == *NativeMemoryTracking=* ]] && command -v jcmd >/dev/null; then
	jcmd "$SERVICE_PID" VM.native_memory summary scale=MB 2>/dev/null |
		sed -n 's/^\(Total\|-  *[A-Za-z ]*\)[ (:]*\(reserved=[0-9]*MB\), \(committed=[0-9]*MB\).*/nmt \1 \3/p' | sed 's/  */ /g' || true
fi
echo

# value of key in the RESULT line of a run's output
rv() { sed -n 's/^RESULT //p' "$BENCH_TMP/$1.out" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n1; }
rvn() { local v; v="$(rv "$@")"; [[ "$v" =~ ^[0-9]+$ ]] && echo "$v" || echo 0; }

# --------------------------------------------------------------------------- row count check
ROWS_AFTER="$(service_rows)"
STORED=$((ROWS_AFTER - ROWS_BEFORE))
ACKED_NEW=$(( $(rvn closed total_acked_new) + $(rvn open total_acked_new) ))
LOAD_ERRORS=$(( $(rvn closed total_errors) + $(rvn open total_errors) ))
UNANSWERED=$(( $(rvn closed unanswered) + $(rvn open unanswered) ))
if (( STORED == ACKED_NEW )); then
	ROWCHECK="OK ($STORED rows stored = $ACKED_NEW new 202 answers, warm-up included)"
else
	ROWCHECK="MISMATCH ($STORED rows stored, $ACKED_NEW new 202 answers; $LOAD_ERRORS requests ended in I/O errors, $UNANSWERED measured requests still unanswered when wrk stopped)"
	FAILED+=("row count: $ROWCHECK")
fi
echo "== row check: $ROWCHECK"
echo

# --------------------------------------------------------------------------- (c) pgbench
# The same single-row INSERT the service does, built from the live catalog of the events
# table (so it follows the migrations): every column the service writes, plus any other
# NOT NULL column without a default. Body ~500 bytes, stored raw (bytea) and as jsonb.
mapfile -t COLS < <(q "select a.attname || '|' || format_type(a.atttypid, a.atttypmod) || '|' || a.attnotnull || '|' || a.atthasdef
	from pg_attribute a where a.attrelid = 'events'::regclass and a.attnum > 0 and not a.attisdropped
	and a.attidentity = '' and a.attgenerated = '' order by a.attnum")
col_names=()
col_exprs=()
for row in "${COLS[@]}"; do
	IFS='|' read -r name type notnull hasdef <<<"$row"
	expr=""
	case "$name" in
		dedupe_key) expr="'${PGBENCH_PREFIX}' || s.d" ;;
		delivery_id) expr="s.d" ;;
		body_sha256) expr="sha256(s.b)" ;;
		attempt) expr="1" ;;
		source) expr="'webhook'" ;;
		content_type) expr="'application/json'" ;;
		raw_body) expr="s.b" ;;
		payload) expr="s.j::jsonb" ;;
		alias) expr="'record.updated'" ;;
		triggered_at) expr="s.t" ;;
		webhook_uuid) expr="'9f0c1c6e-8b6a-4f0e-9d3c-2a1b7c5e4d31'" ;;
		record_id) expr="cast(:rid as bigint)" ;;
		record_type) expr="'client'" ;;
		client_id) expr="cast(:cid as bigint)" ;;
	esac
	if [[ -z "$expr" && "$notnull" == t && "$hasdef" == f ]]; then
		case "$type" in
			text | character* | "varchar"*) expr="'pgbench'" ;;
			bytea) expr="s.b" ;;
			json) expr="s.j::json" ;;
			jsonb) expr="s.j::jsonb" ;;
			timestamp*) expr="s.t" ;;
			date) expr="current_date" ;;
			smallint | integer | bigint | numeric* | real | "double precision") expr="0" ;;
			boolean) expr="false" ;;
			uuid) expr="gen_random_uuid()" ;;
			*) die "events.$name is NOT NULL without a default and of type $type: teach bench/ingest.sh a value for it" ;;
		esac
	fi
	if [[ -n "$expr" ]]; then
		col_names+=("$name")
		col_exprs+=("$expr")
	fi
done
[[ " ${col_names[*]} " == *" dedupe_key "* ]] || die "events has no dedupe_key column"
join() { local IFS=","; echo "$*"; }

# JSON keys and values are separated by ": " because pgbench would read ':name' as a variable.
# The rows both pgbench scripts insert: s.d a fresh delivery id, s.j the JSON body, s.b its
# bytes, s.t now.
PGBENCH_VARS='\set rid random(100000, 9099999)
\set cid random(10000, 909999)
\set kase random(1000, 90999)'
PGBENCH_SOURCE="(select d, j, convert_to(j, 'UTF8') as b, t
      from (select gen_random_uuid()::text as d, now() as t,
                   format('{\"webhook\": {\"uuid\": \"9f0c1c6e-8b6a-4f0e-9d3c-2a1b7c5e4d31\", \"created_at\": \"%s\", \"events\": [\"record.updated\"]}, \"trigger\": {\"triggered_at\": \"%s\", \"alias\": \"record.updated\"}, \"data\": {\"record\": {\"id\": %s, \"type\": \"client\", \"status\": \"complete\", \"show\": \"https://id.amiqus.co/api/v2/records/%s\", \"download\": \"https://id.amiqus.co/api/v2/records/%s/download\"}, \"client\": {\"id\": %s, \"name\": {\"first_name\": \"Alice\", \"last_name\": \"Okafor\"}, \"show\": \"https://id.amiqus.co/api/v2/clients/%s\"}, \"case\": {\"id\": %s}}}',
                          translate(to_char(now() at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24.MI.SS\"Z\"'), '.', ':'),
                          translate(to_char(now() at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24.MI.SS\"Z\"'), '.', ':'),
                          cast(:rid as bigint), cast(:rid as bigint), cast(:rid as bigint),
                          cast(:cid as bigint), cast(:cid as bigint), cast(:kase as bigint)) as j) g) s"
PGBENCH_SQL="$BENCH_TMP/insert.sql"
cat >"$PGBENCH_SQL" <<SQL
$PGBENCH_VARS
insert into events ($(join "${col_names[@]}"))
select $(join "${col_exprs[@]}")
from $PGBENCH_SOURCE
on conflict (dedupe_key) do nothing
returning id;
SQL
# The lean ceiling: the least a durable, exactly-once receiver must write per delivery (an id,
# the dedupe key under a unique constraint, the body), one row per transaction, into a table
# of its own: what PostgreSQL on this machine can commit when nothing else is asked of it.
LEAN_TABLE=pgbench_lean_deliveries
LEAN_SQL="$BENCH_TMP/insert-lean.sql"
cat >"$LEAN_SQL" <<SQL
$PGBENCH_VARS
insert into $LEAN_TABLE (dedupe_key, raw_body)
select s.d, s.b
from $PGBENCH_SOURCE
on conflict (dedupe_key) do nothing
returning id;
SQL
log "pgbench script ($PGBENCH_SQL):"
sed 's/^/    /' "$PGBENCH_SQL" >&2

PGBENCH_ROWS_BEFORE="$(q "select count(*) from events where dedupe_key like '${PGBENCH_PREFIX}%'")"
run_pgbench() { # label script -> PGBENCH_TPS, PGBENCH_LAT
	local label=$1 script=$2
	echo "== ($label) pgbench $(basename "$script"): -c $CONCURRENCY -j $PGBENCH_JOBS -T $DURATION -n -M prepared (+${WARMUP}s warm-up)"
	if (( WARMUP > 0 )); then
		pgbench -n -M prepared -c "$CONCURRENCY" -j "$PGBENCH_JOBS" -T "$WARMUP" -f "$script" >"$BENCH_TMP/pgbench-$label-warmup.out" 2>&1 &
		BG_PIDS=($!)
		BG_RC=0
		wait "${BG_PIDS[0]}" || BG_RC=$?
		BG_PIDS=()
		(( BG_RC == 0 )) || { cat "$BENCH_TMP/pgbench-$label-warmup.out"; die "pgbench warm-up failed"; }
	fi
	run_bg "$BENCH_TMP/pgbench-$label.out" pgbench -n -M prepared -c "$CONCURRENCY" -j "$PGBENCH_JOBS" -T "$DURATION" -f "$script"
	(( BG_RC == 0 )) || FAILED+=("pgbench $label exit $BG_RC")
	PGBENCH_TPS="$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$BENCH_TMP/pgbench-$label.out" | tail -n1)"
	PGBENCH_LAT="$(sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p' "$BENCH_TMP/pgbench-$label.out" | tail -n1)"
	echo
}
run_pgbench c "$PGBENCH_SQL"
PGBENCH_ROWS=$(( $(q "select count(*) from events where dedupe_key like '${PGBENCH_PREFIX}%'") - PGBENCH_ROWS_BEFORE ))
# (d) the lean ceiling, in a table of its own, dropped afterwards
q "drop table if exists $LEAN_TABLE; create table $LEAN_TABLE (id bigint generated always as identity primary key,
	dedupe_key text not null unique, raw_body bytea not null)" >/dev/null
run_pgbench d "$LEAN_SQL"
LEAN_TPS="$PGBENCH_TPS" LEAN_LAT="$PGBENCH_LAT"
q "drop table if exists $LEAN_TABLE" >/dev/null || log "could not drop $LEAN_TABLE"
PGBENCH_TPS="$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$BENCH_TMP/pgbench-c.out" | tail -n1)"
PGBENCH_LAT="$(sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p' "$BENCH_TMP/pgbench-c.out" | tail -n1)"

# The pgbench rows are benchmark litter on an external database.
if [[ "$DB_MODE" == external && "${KEEP_PGBENCH_ROWS:-0}" != 1 ]]; then
	q "delete from events where dedupe_key like '${PGBENCH_PREFIX}%'" >/dev/null || log "could not delete the pgbench rows"
fi

# --------------------------------------------------------------------------- summary
C_TPUT="$(rv closed throughput)"
verdict() { # value op target -> PASS/FAIL
	awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN {
		if (v == "") { print "n/a"; exit }
		if (v !~ /^[0-9.]+$/) { print "FAIL"; exit }
		ok = (op == ">=") ? (v + 0 >= t + 0) : (v + 0 < t + 0)
		print ok ? "PASS" : "FAIL" }'
}
RATIO="$(awk -v a="$C_TPUT" -v b="$PGBENCH_TPS" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b }')"
LEAN_RATIO="$(awk -v a="$C_TPUT" -v b="$LEAN_TPS" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b }')"
O_P99="$(rv open p99_ms)"
O_TPUT="$(rv open answered_in_window_per_s)"

row() { printf '| %-44s | %14s | %-10s | %-5s |\n' "$@"; }
echo "== summary (service on $(nproc) cores, load generator and PostgreSQL on the same machine)"
row "metric" "value" "target" ""
row "--------------------------------------------" "--------------" "----------" "-----"
row "closed loop c=$CONCURRENCY: stored deliveries/s" "$C_TPUT" ">= 3000" "$(verdict "$C_TPUT" ">=" 3000)"
row "closed loop p50 ms" "$(rv closed p50_ms)" "" ""
row "closed loop p99 ms" "$(rv closed p99_ms)" "" ""
row "closed loop p99.9 ms" "$(rv closed p999_ms)" "" ""
row "closed loop non-202 / errors" "$(rv closed non202) / $(rv closed errors)" "0 / 0" ""
row "open loop $RATE/s: answered/s in window" "$O_TPUT" "= $RATE" ""
row "open loop p50 ms (from intended send)" "$(rv open p50_ms)" "" ""
row "open loop p99 ms (from intended send)" "$O_P99" "< 20" "$(verdict "$O_P99" "<" 20)"
row "open loop p99.9 ms (from intended send)" "$(rv open p999_ms)" "" ""
row "open loop non-202 / errors / never sent" "$(rv open non202) / $(rv open errors) / $(rv open unsent)" "0 / 0 / 0" ""
row "pgbench same INSERT, c=$CONCURRENCY: TPS" "$PGBENCH_TPS" "" ""
row "pgbench latency average ms" "$PGBENCH_LAT" "" ""
row "ratio service / pgbench" "$RATIO" ">= 0.5" "$(verdict "$RATIO" ">=" 0.5)"
row "pgbench lean INSERT c=$CONCURRENCY: TPS" "$LEAN_TPS" "" ""
row "pgbench lean latency average ms" "$LEAN_LAT" "" ""
row "ratio service / lean pgbench" "$LEAN_RATIO" ">= 1.0" "$(verdict "$LEAN_RATIO" ">=" 1.0)"
row "rows stored by service = new 202 answers" "$STORED / $ACKED_NEW" "equal" "$( ((STORED == ACKED_NEW)) && echo PASS || echo FAIL)"
row "pgbench rows inserted (incl. warm-up)" "$PGBENCH_ROWS" "" ""
cpu_cell() { # run -> "service/postgres/client/machine"
	echo "$(rv "$1" service_cpu_pct)/$(rv "$1" db_cpu_pct)/$(rv "$1" client_cpu_pct)/$(rv "$1" machine_busy_pct)"
}
row "closed loop CPU % svc/pg/client/machine" "$(cpu_cell closed)" "" ""
row "open loop CPU % svc/pg/client/machine" "$(cpu_cell open)" "" ""
row "service start-up s" "$STARTUP_S" "" ""
echo
echo "BENCH closed_tput=$C_TPUT closed_p50_ms=$(rv closed p50_ms) closed_p99_ms=$(rv closed p99_ms) closed_p999_ms=$(rv closed p999_ms) open_rate=$RATE open_tput=$O_TPUT open_p50_ms=$(rv open p50_ms) open_p99_ms=$O_P99 open_p999_ms=$(rv open p999_ms) pgbench_tps=$PGBENCH_TPS ratio=$RATIO lean_tps=$LEAN_TPS lean_ratio=$LEAN_RATIO rows_stored=$STORED acked_new=$ACKED_NEW startup_s=$STARTUP_S"

# Figures for bench/suite.sh (and BENCH_RESULTS).
result ingest.closed_throughput "$C_TPUT" deliveries/s
result ingest.closed_p50_ms "$(rv closed p50_ms)" ms
result ingest.closed_p99_ms "$(rv closed p99_ms)" ms
result ingest.open_rate "$RATE" requests/s
result ingest.open_answered_per_s "$O_TPUT" requests/s
result ingest.open_p50_ms "$(rv open p50_ms)" ms
result ingest.open_p99_ms "$O_P99" ms
result ingest.open_p999_ms "$(rv open p999_ms)" ms
result ingest.pgbench_tps "$PGBENCH_TPS" tx/s
result ingest.ratio_to_pgbench "$RATIO" ratio
result ingest.lean_pgbench_tps "$LEAN_TPS" tx/s
result ingest.ratio_to_lean_pgbench "$LEAN_RATIO" ratio
result ingest.non202_errors "$(( $(rvn closed total_non202) + $(rvn open total_non202) + LOAD_ERRORS ))" count
result ingest.row_check "$( ((STORED == ACKED_NEW)) && echo OK || echo MISMATCH)" -
result ingest.machine_busy_before_pct "$BUSY_BEFORE" %
result memory.service_vmhwm_mb "$SVC_HWM_MB" MB
result memory.service_rss_max_mb "$SVC_RSS_MAX_MB" MB
result memory.service_threads_max "$SVC_THREADS_MAX" threads
result memory.postgres_rss_sum_max_mb "$PG_RSS_MAX_MB" MB
result memory.postgres_pss_sum_max_mb "$PG_PSS_MAX_MB" MB

MISSED=()
[[ "$(verdict "$C_TPUT" ">=" 3000)" == PASS ]] || MISSED+=("throughput")
[[ "$(verdict "$O_P99" "<" 20)" == PASS ]] || MISSED+=("open-loop p99")
[[ "$(verdict "$RATIO" ">=" 0.5)" == PASS ]] || MISSED+=("ratio to pgbench")
[[ "$(verdict "$LEAN_RATIO" ">=" 1.0)" == PASS ]] || MISSED+=("ratio to lean pgbench")
(( ${#MISSED[@]} == 0 )) || log "targets missed: ${MISSED[*]}"

if (( ${#FAILED[@]} > 0 )); then
	for f in "${FAILED[@]}"; do log "FAILED: $f"; done
	exit 1
fi
if [[ "$STRICT_TARGETS" == 1 ]] && (( ${#MISSED[@]} > 0 )); then
	exit 3
fi
log "done"
