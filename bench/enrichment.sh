#!/usr/bin/env bash
# Enrichment benchmark for the Amiqus webhook receiver.
#
#   bench/enrichment.sh                         # every phase, defaults below
#   N=500 PHASES="a b" bench/enrichment.sh      # smaller, some phases only
#
# Each phase starts a fresh service (fresh embedded PostgreSQL in a temp dir) and a fresh
# Amiqus stand-in (the project's emulator, dev.aqid.receiver.emulator.EmulatorMain, run
# from the service's jar), posts signed deliveries with wrk (bench/ingest.lua, requests pre-signed
# by bench/SignRequests.java), waits until
# no event is pending, and reads the outcome from the events table and the stand-in's
# request counter. Phases:
#   a   distinct entities, as fast as the load generator can post them (a backlog to drain)
#   a2  distinct entities, paced below capacity (steady-state lag)
#   b   bursts: B_RECORDS records x B_EVENTS events, each record's events back to back
#   b2  the same events interleaved across the records (a continuous stream per record)
#   c   ingest closed loop with enrichment on against a stand-in taking C_LATENCY per call,
#       then the same with enrichment off
# See bench/README-enrichment.md for what every number means.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

PHASES="${PHASES:-a a2 b b2 c}"
N="${N:-2000}"                          # (a) events, one per distinct record
A_CONCURRENCY="${A_CONCURRENCY:-8}"     # (a) closed-loop posting connections
A2_N="${A2_N:-600}"                     # (a2) events, one per distinct record
A2_RATE="${A2_RATE:-40}"                # (a2) events/s posted (open loop)
B_RECORDS="${B_RECORDS:-20}"            # (b, b2) distinct records
B_EVENTS="${B_EVENTS:-40}"              # (b, b2) events per record
B_RATE="${B_RATE:-400}"                 # (b) events/s: a burst of B_EVENTS lasts B_EVENTS/B_RATE s
B2_RATE="${B2_RATE:-100}"               # (b2) events/s, round-robin over the records
LATENCY="${LATENCY:-50ms}"              # stand-in answer time in a, a2, b, b2
C_LATENCY="${C_LATENCY:-8s}"            # stand-in answer time in c
C_READ_TIMEOUT="${C_READ_TIMEOUT:-20s}" # AMIQUS_API_READ_TIMEOUT in c
C_CONCURRENCY="${C_CONCURRENCY:-32}"
C_DURATION="${C_DURATION:-20}"          # seconds, measured
C_WARMUP="${C_WARMUP:-10}"              # seconds, unmeasured, before it
C_ORDER="${C_ORDER:-on off}"            # order of the two runs of c
WORKERS="${WORKERS:-4}"                 # AMIQUS_ENRICHMENT_WORKERS
DRAIN_TIMEOUT="${DRAIN_TIMEOUT:-300}"   # seconds to wait for no pending event
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-240}"
STOP_TIMEOUT="${STOP_TIMEOUT:-60}"
JAR="${JAR:-$ROOT/target/amiqus-webhook-receiver-0.1.0-SNAPSHOT.jar}"
SERVICE_JAVA_OPTS="${SERVICE_JAVA_OPTS:-}"
EMULATOR_JAVA_OPTS="${EMULATOR_JAVA_OPTS:--XX:+UseSerialGC -Xmx512m}"
LOAD_JAVA_OPTS="${LOAD_JAVA_OPTS:--XX:+UseSerialGC -Xmx1g}" # JVM options of the request signer
A2_CONNECTIONS="${A2_CONNECTIONS:-8}"   # (a2) connections (wrk threads) sharing the paced load
B_CONNECTIONS="${B_CONNECTIONS:-16}"    # (b, b2) the same
KEEP_TMP="${KEEP_TMP:-0}"               # 1: keep logs and data dirs

BENCH_NAME=enrichment-bench
# shellcheck source=bench/lib.sh
source "$SCRIPT_DIR/lib.sh"

require_positive N A_CONCURRENCY A2_N A2_RATE A2_CONNECTIONS B_RECORDS B_EVENTS B_RATE B2_RATE B_CONNECTIONS \
	C_CONCURRENCY C_DURATION WORKERS \
	DRAIN_TIMEOUT STARTUP_TIMEOUT STOP_TIMEOUT
[[ "$C_WARMUP" =~ ^[0-9]+$ ]] || die "C_WARMUP must be a whole number of seconds"
for p in $PHASES; do
	[[ " a a2 b b2 c " == *" $p "* ]] || die "unknown phase '$p' (known: a a2 b b2 c)"
done
for p in $C_ORDER; do
	[[ "$p" == on || "$p" == off ]] || die "C_ORDER lists on and off (got '$p')"
done

# --------------------------------------------------------------------------- cleanup
BENCH_TMP="$(mktemp -d "${TMPDIR:-/tmp}/enrichment-bench.XXXXXX")"
SERVICE_PID=""
SERVICE_DIR=""
EMU_PID=""
LOAD_PID=""
export LOAD_DIR="$BENCH_TMP/load"

stop_service() {
	if [[ -n "$SERVICE_PID" ]] && kill -0 "$SERVICE_PID" 2>/dev/null; then
		terminate_service "$SERVICE_PID" "$STOP_TIMEOUT"
		LAST_STOP_S="$STOPPED_AFTER_S"
		log "service stopped after ${LAST_STOP_S}s"
	fi
	SERVICE_PID=""
	stop_leftover_postgres "$SERVICE_DIR"
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	[[ -n "$LOAD_PID" ]] && kill -TERM "$LOAD_PID" 2>/dev/null || true
	stop_service
	stop_emulator
	dispose_bench_tmp "$rc"
	exit "$rc"
}
exit_through cleanup

# --------------------------------------------------------------------------- prerequisites
cd "$ROOT"
require_commands java javac curl
require_wrk
command -v psql >/dev/null || die "psql not found (apt-get install postgresql-client)"
build_jar_if_missing


export PGCONNECT_TIMEOUT=10 PGUSER=postgres PGDATABASE=postgres PGHOST=127.0.0.1
unset PGPASSWORD
q() { psql -X -q -v ON_ERROR_STOP=1 -At -F '|' -c "$1"; }

# --------------------------------------------------------------------------- the stand-in
EMU_URL=""
EMU_STATS=""
start_emulator() { # name latency records
	local name=$1 latency=$2 records=$3 port out line
	port="$(free_port)"
	out="$BENCH_TMP/$name/emulator.log"
	# shellcheck disable=SC2086
	java $EMULATOR_JAVA_OPTS -cp "$JAR" -Dloader.main=dev.aqid.receiver.emulator.EmulatorMain \
		org.springframework.boot.loader.launch.PropertiesLauncher \
		--server.port="$port" --emulator.latency="$latency" --emulator.records="$records" >"$out" 2>&1 &
	EMU_PID=$!
	for _ in $(seq 1 600); do
		line="$(grep -m1 '^EMULATOR base_url=' "$out" 2>/dev/null || true)"
		[[ -n "$line" ]] && break
		kill -0 "$EMU_PID" 2>/dev/null || { cat "$out" >&2; die "the emulator exited during start-up"; }
		sleep 0.1
	done
	[[ -n "$line" ]] || die "the emulator did not start within 60s"
	EMU_URL="$(sed -n 's/.*base_url=\([^ ]*\).*/\1/p' <<<"$line")"
	EMU_STATS="$(sed -n 's/.*stats_url=\([^ ]*\).*/\1/p' <<<"$line")"
	log "stand-in at $EMU_URL ($latency per answer, records 1..$records), counter at $EMU_STATS"
}
emu_stats() { curl -fsS --max-time 5 "$EMU_STATS"; }
kv() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p" | head -n1; } # line key

# --------------------------------------------------------------------------- the service
HTTP_PORT=""
DB_PORT=""
SECRET="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export LOAD_SECRET="$SECRET"
API_KEY="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')" # /actuator/prometheus needs one
start_service() { # name env...
	local name=$1 t0 deadline
	shift
	HTTP_PORT="$(free_port)"
	DB_PORT="$(free_port "$HTTP_PORT")"
	SERVICE_DIR="$BENCH_TMP/$name"
	mkdir -p "$SERVICE_DIR/data"
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086
	env "SERVER_PORT=$HTTP_PORT" "AMIQUS_WEBHOOK_SECRETS=$SECRET" "RECEIVER_DATA_DIR=$SERVICE_DIR/data" \
		"RECEIVER_EMBEDDED_DB_PORT=$DB_PORT" "AMIQUS_API_URL=$EMU_URL" "AMIQUS_API_TOKEN=bench-token" \
		"RECEIVER_API_KEYS=$API_KEY" "AMIQUS_ENRICHMENT_WORKERS=$WORKERS" "$@" \
		java $SERVICE_JAVA_OPTS -jar "$JAR" >"$SERVICE_DIR/service.log" 2>&1 &
	SERVICE_PID=$!
	deadline=$(($(date +%s) + STARTUP_TIMEOUT))
	# readiness, not /actuator/health: the latter's amiqusApi component would call the stand-in
	until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$HTTP_PORT/actuator/health/readiness" 2>/dev/null; do
		kill -0 "$SERVICE_PID" 2>/dev/null || { tail -n 40 "$SERVICE_DIR/service.log" >&2; die "the service exited during start-up"; }
		(($(date +%s) < deadline)) || die "the service was not healthy within ${STARTUP_TIMEOUT}s"
		sleep 0.5
	done
	export PGPORT="$DB_PORT"
	log "service healthy on :$HTTP_PORT after $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')s (PostgreSQL :$DB_PORT, $*)"
}

# Sum of a Prometheus counter's samples, optionally only those whose labels contain $2.
prom_sum() {
	curl -fsS --max-time 5 -H "Authorization: Bearer $API_KEY" "http://127.0.0.1:$HTTP_PORT/actuator/prometheus" |
		awk -v n="$1" -v f="${2:-}" 'index($0, n) == 1 && (f == "" || index($0, f) > 0) { s += $NF } END { printf "%d", s }'
}
# Mean of a Prometheus timer in milliseconds (its _sum over its _count).
prom_mean_ms() {
	curl -fsS --max-time 5 -H "Authorization: Bearer $API_KEY" "http://127.0.0.1:$HTTP_PORT/actuator/prometheus" |
		awk -v n="$1" 'index($0, n "_sum") == 1 { s += $NF } index($0, n "_count") == 1 { c += $NF }
			END { if (c > 0) printf "%.1f", 1000 * s / c; else print "-" }'
}

# --------------------------------------------------------------------------- load
run_load() { # load_phase arguments (bench/lib.sh): kind name ...
	local name=$2 rc=0
	LOAD_URL="http://127.0.0.1:$HTTP_PORT/webhooks/amiqus" load_phase "$@" >"$BENCH_TMP/$name/load.out" 2>&1 &
	LOAD_PID=$!
	wait "$LOAD_PID" || rc=$?
	LOAD_PID=""
export LOAD_DIR="$BENCH_TMP/load"
	grep -v '^RESULT ' "$BENCH_TMP/$name/load.out" | sed 's/^/    /' >&2 || true
	((rc == 0)) || log "WARNING: load generator for $name exited $rc (non-202 answers, errors or timeout)"
	LOAD_RESULT="$(grep '^RESULT ' "$BENCH_TMP/$name/load.out" | head -n1 || true)"
}

# Polls until no event is pending; sets DRAIN_S (seconds waited) and DRAINED (true/false).
wait_drained() {
	local t0 pending deadline
	t0=$(date +%s.%N)
	deadline=$(($(date +%s) + DRAIN_TIMEOUT))
	DRAINED=false
	while true; do
		pending="$(q "select count(*) from events where enrichment_status = 'pending'")"
		if [[ "$pending" == 0 ]]; then DRAINED=true; break; fi
		(($(date +%s) < deadline)) || { log "WARNING: $pending event(s) still pending after ${DRAIN_TIMEOUT}s"; break; }
		sleep 0.5
	done
	DRAIN_S="$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
	sleep 1 # the counter in the stand-in tallies every 100 ms
}

# --------------------------------------------------------------------------- machine facts
echo "== machine"
echo "nproc:        $(nproc)"
echo "cpu:          $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
echo "memory:       $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
echo "java:         $(java -version 2>&1 | head -n1)"
echo "kernel:       $(uname -r)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
BUSY_BEFORE="$(busy_pct 2)"
echo "busy before:  ${BUSY_BEFORE}% of all cores over 2 s, before anything of this benchmark runs"
echo "jar:          $(basename "$JAR")"
echo "settings:     workers=$WORKERS settle-delay=default(1s) stand-in latency=$LATENCY (phase c: $C_LATENCY)"
echo
[[ "$BUSY_BEFORE" =~ ^[0-9]+$ ]] && ((BUSY_BEFORE > 20)) &&
	log "WARNING: the machine was ${BUSY_BEFORE}% busy before the benchmark: other work skews every number below"

# --------------------------------------------------------------------------- enrichment phases
declare -a ROWS=()
declare -a ODD=()

# Measures one enrichment phase after its load was posted; appends a table row.
measure() { # name description bursts
	local name=$1 desc=$2 bursts=$3 stats calls row total enriched skipped failed pending distinct span p50 p99 pmax tput cpe
	wait_drained
	stats="$(emu_stats)"
	# Requests the stand-in got before the first delivery are not calls for any event: left out.
	calls=$(($(kv "$stats" requests) - PRE_LOAD_CALLS))
	row="$(q "select count(*),
	       count(*) filter (where enrichment_status = 'enriched'),
	       count(*) filter (where enrichment_status = 'skipped'),
	       count(*) filter (where enrichment_status = 'failed'),
	       count(*) filter (where enrichment_status = 'pending'),
	       count(distinct record_id),
	       coalesce(round(extract(epoch from max(enriched_at) - min(received_at))::numeric, 2), 0),
	       coalesce(round((percentile_cont(0.5) within group (order by extract(epoch from enriched_at - received_at))
	                filter (where enrichment_status = 'enriched'))::numeric, 3), 0),
	       coalesce(round((percentile_cont(0.99) within group (order by extract(epoch from enriched_at - received_at))
	                filter (where enrichment_status = 'enriched'))::numeric, 3), 0),
	       coalesce(round(max(extract(epoch from enriched_at - received_at))::numeric, 3), 0),
	       coalesce(round(extract(epoch from max(received_at) - min(received_at))::numeric, 2), 0)
	  from events")"
	IFS='|' read -r total enriched skipped failed pending distinct span p50 p99 pmax ingest_span <<<"$row"
	tput="$(awk -v e="$enriched" -v s="$span" 'BEGIN { if (s > 0) printf "%.1f", e / s; else print "-" }')"
	cpe="$(awk -v c="$calls" -v t="$total" 'BEGIN { if (t > 0) printf "%.3f", c / t; else print "-" }')"
	local api_prom retries deferred call_ms
	api_prom="$(prom_sum amiqus_api_calls_total)"
	call_ms="$(prom_mean_ms amiqus_api_call_duration_seconds)"
	retries="$(prom_sum receiver_enrichment_events_total 'outcome="retry"')"
	deferred="$(prom_sum receiver_enrichment_events_total 'outcome="deferred"')"
	echo
	echo "== ($name) $desc"
	echo "events $total (enriched $enriched, skipped $skipped, failed $failed, pending $pending), distinct records $distinct"
	echo "posted over ${ingest_span}s; drained ${DRAIN_S}s after the load generator finished"
	echo "stand-in: $stats"
	echo "service:  amiqus_api_calls_total $api_prom (mean $call_ms ms each, as the service timed them), enrichment retries $retries, deferred $deferred"
	echo "enriched/s (first receipt to last enrichment, ${span}s): $tput; calls/event $cpe"
	echo "lag received->enriched s: p50 $p50  p99 $p99  max $pmax"
	# Per record (bursts) or per second of receipt (distinct records): where the lag comes from.
	local by="record_id"
	[[ "$name" == a* ]] && by="date_trunc('second', received_at)"
	q "select $by, count(*), to_char(min(received_at), 'MI:SS.MS'), to_char(max(received_at), 'MI:SS.MS'),
	          to_char(min(enriched_at), 'MI:SS.MS'), to_char(max(enriched_at), 'MI:SS.MS'),
	          round(extract(epoch from max(enriched_at - received_at))::numeric, 2)
	     from events group by 1 order by min(received_at)" >"$BENCH_TMP/$name/lag-detail.txt" 2>&1 || true
	echo "lag detail ($by | events | first/last received | first/last enriched | max lag s):"
	head -n 25 "$BENCH_TMP/$name/lag-detail.txt" | sed 's/^/    /'
	local target verdict
	case "$name" in
		a | a2)
			target="1.0 call/event"
			verdict="$(awk -v c="$calls" -v t="$total" 'BEGIN { print (c == t) ? "PASS" : (c < t ? "below" : "FAIL") }')"
			;;
		b2)
			target="info (no target)"
			verdict="-"
			;;
		*)
			target="$distinct..$((distinct + bursts)) calls"
			verdict="$(awk -v c="$calls" -v d="$distinct" -v b="$bursts" 'BEGIN { print (c >= d && c <= d + b) ? "PASS" : "FAIL" }')"
			;;
	esac
	[[ "$DRAINED" == true ]] || verdict="TIMEOUT"
	((failed == 0)) || ODD+=("$name: $failed event(s) failed: $(q "select string_agg(distinct last_error, ' / ') from events where enrichment_status = 'failed'")")
	((skipped == 0)) || ODD+=("$name: $skipped event(s) skipped: $(q "select string_agg(distinct last_error, ' / ') from events where enrichment_status = 'skipped'")")
	((pending == 0)) || ODD+=("$name: $pending event(s) still pending after ${DRAIN_TIMEOUT}s")
	[[ "$api_prom" == "$((calls + PRE_LOAD_CALLS))" ]] ||
		ODD+=("$name: the service counted $api_prom API calls, the stand-in $((calls + PRE_LOAD_CALLS)) requests")
	[[ "$verdict" == FAIL ]] && ODD+=("$name: $calls API calls for $total events on $distinct records (target $target)")
	local warns
	warns="$(grep -cE ' (WARN|ERROR) ' "$BENCH_TMP/$name/service.log" || true)"
	((warns == 0)) || ODD+=("$name: $warns WARN/ERROR line(s) in the service log, e.g. $(grep -m1 -E ' (WARN|ERROR) ' "$BENCH_TMP/$name/service.log" | cut -c1-300)")
	result "enrichment.$name.events" "$total" count
	result "enrichment.$name.api_calls" "$calls" count
	result "enrichment.$name.calls_per_event" "$cpe" calls/event
	result "enrichment.$name.verdict" "$verdict" -
	result "enrichment.$name.enriched_per_s" "$tput" events/s
	result "enrichment.$name.lag_p50_s" "$p50" s
	result "enrichment.$name.lag_p99_s" "$p99" s
	result "enrichment.$name.lag_max_s" "$pmax" s
	ROWS+=("$(printf '| %-3s | %6s | %5s | %5s | %6s | %-16s | %-7s | %8s | %7s | %7s | %7s |' \
		"$name" "$total" "$distinct" "$calls" "$cpe" "$target" "$verdict" "$tput" "$p50" "$p99" "$pmax")")
}

enrichment_phase() { # name description records latency bursts load_phase-args...
	local name=$1 desc=$2 records=$3 latency=$4 bursts=$5
	shift 5
	mkdir -p "$BENCH_TMP/$name"
	log "phase ($name): $desc"
	start_emulator "$name" "$latency" "$records"
	start_service "$name"
	# What reached the stand-in before the load is not for any event: measure leaves it out.
	PRE_LOAD_CALLS="$(kv "$(emu_stats)" requests)"
	((PRE_LOAD_CALLS == 0)) || ODD+=("$name: the stand-in had $PRE_LOAD_CALLS request(s) before the load (not counted as calls)")
	# a fixed number of deliveries, all trigger.alias record.updated; at most 300 s
	local kind=$1
	shift
	run_load "$kind" "$name" "$@" --alias record.updated
	measure "$name" "$desc" "$bursts"
	stop_service
	stop_emulator
}

for phase in $PHASES; do
	case "$phase" in
		a) enrichment_phase a "$N distinct records, posted closed-loop (c=$A_CONCURRENCY) as fast as possible" \
			"$N" "$LATENCY" 0 closed-count "$A_CONCURRENCY" 300 "$N" --record-ids "$N" ;;
		a2) enrichment_phase a2 "$A2_N distinct records, paced at $A2_RATE/s" \
			"$A2_N" "$LATENCY" 0 open-count "$A2_CONNECTIONS" 300 "$A2_N" "$A2_RATE" --record-ids "$A2_N" ;;
		b) enrichment_phase b "$B_RECORDS records x $B_EVENTS events, one burst per record at $B_RATE/s" \
			"$B_RECORDS" "$LATENCY" "$B_RECORDS" open-count "$B_CONNECTIONS" 300 "$((B_RECORDS * B_EVENTS))" "$B_RATE" \
			--record-ids "$B_RECORDS" --burst "$B_EVENTS" ;;
		b2) enrichment_phase b2 "$B_RECORDS records x $B_EVENTS events, interleaved round-robin at $B2_RATE/s" \
			"$B_RECORDS" "$LATENCY" "$B_RECORDS" open-count "$B_CONNECTIONS" 300 "$((B_RECORDS * B_EVENTS))" "$B2_RATE" \
			--record-ids "$B_RECORDS" ;;
	esac
done

# --------------------------------------------------------------------------- (c) ingest vs slow Amiqus
C_ROWS=()
c_run() { # name env...
	local name=$1 stats dbpid pmfile
	shift
	mkdir -p "$BENCH_TMP/$name"
	start_emulator "$name" "$C_LATENCY" "$N"
	start_service "$name" "AMIQUS_API_READ_TIMEOUT=$C_READ_TIMEOUT" "$@"
	pmfile="$(find "$SERVICE_DIR/data" -name postmaster.pid 2>/dev/null | head -n1)"
	dbpid="$([[ -n "$pmfile" ]] && head -n1 "$pmfile" || echo -1)"
	# The same mix of deliveries as bench/ingest.sh (random aliases and ids).
	WATCH_PID="$SERVICE_PID" WATCH_DB_PID="$dbpid" run_load closed "$name" "$C_CONCURRENCY" "$C_WARMUP" "$C_DURATION"
	stats="$(emu_stats)"
	local st
	st="$(q "select string_agg(enrichment_status || '=' || n, ' ' order by enrichment_status)
	           from (select enrichment_status, count(*) n from events group by 1) s")"
	echo
	echo "== ($name) ingest closed loop c=$C_CONCURRENCY ${C_DURATION}s (+${C_WARMUP}s warm-up), $*"
	echo "load:     $(kv "$LOAD_RESULT" throughput)/s p50 $(kv "$LOAD_RESULT" p50_ms) ms p99 $(kv "$LOAD_RESULT" p99_ms) ms p99.9 $(kv "$LOAD_RESULT" p999_ms) ms non-202 $(kv "$LOAD_RESULT" total_non202) errors $(kv "$LOAD_RESULT" total_errors)"
	echo "cpu %:    service $(kv "$LOAD_RESULT" service_cpu_pct) postgres $(kv "$LOAD_RESULT" db_cpu_pct) client $(kv "$LOAD_RESULT" client_cpu_pct) machine $(kv "$LOAD_RESULT" machine_busy_pct)"
	echo "events:   $st"
	echo "stand-in: $stats"
	result "enrichment.${name/-/_}.throughput" "$(kv "$LOAD_RESULT" throughput)" deliveries/s
	result "enrichment.${name/-/_}.p99_ms" "$(kv "$LOAD_RESULT" p99_ms)" ms
	C_ROWS+=("$name|$(kv "$LOAD_RESULT" throughput)|$(kv "$LOAD_RESULT" p50_ms)|$(kv "$LOAD_RESULT" p99_ms)|$(kv "$LOAD_RESULT" total_non202)/$(kv "$LOAD_RESULT" total_errors)|$(kv "$stats" requests)|$(kv "$LOAD_RESULT" machine_busy_pct)")
	local warns
	warns="$(grep -cE ' (WARN|ERROR) ' "$SERVICE_DIR/service.log" || true)"
	((warns == 0)) || ODD+=("$name: $warns WARN/ERROR line(s) in the service log, e.g. $(grep -m1 -E ' (WARN|ERROR) ' "$SERVICE_DIR/service.log" | cut -c1-300)")
	LAST_STOP_S=""
	stop_service
	echo "service stop took ${LAST_STOP_S:-?}s"
	[[ -n "$LAST_STOP_S" ]] && awk -v s="$LAST_STOP_S" 'BEGIN { exit !(s > 10) }' &&
		ODD+=("$name: the service took ${LAST_STOP_S}s to stop")
	stop_emulator
	return 0
}
if [[ " $PHASES " == *" c "* ]]; then
	log "phase (c): ingest with enrichment against a stand-in answering in $C_LATENCY, then with enrichment off"
	for run in $C_ORDER; do
		c_run "c-$run" "AMIQUS_ENRICHMENT_ENABLED=$([[ $run == on ]] && echo true || echo false)"
	done
fi

# --------------------------------------------------------------------------- summary
echo
echo "== summary (2-core class machine shared with other work: busy ${BUSY_BEFORE}% before; single runs)"
if ((${#ROWS[@]} > 0)); then
	printf '| %-3s | %6s | %5s | %5s | %6s | %-16s | %-7s | %8s | %7s | %7s | %7s |\n' phase events recs calls \
		call/ev "target" verdict "enr./s" "lag p50" "lag p99" "lag max"
	echo "|-----|--------|-------|-------|--------|------------------|---------|----------|---------|---------|---------|"
	printf '%s\n' "${ROWS[@]}"
	echo "(lag in seconds, received_at to enriched_at, includes the 1 s settle delay; enr./s = enriched events /"
	echo " (last enriched_at - first received_at))"
fi
if ((${#C_ROWS[@]} > 0)); then
	echo
	printf '| %-6s | %10s | %8s | %8s | %-12s | %9s | %8s |\n' run "ingest/s" "p50 ms" "p99 ms" "non202/err" "API calls" "busy %"
	echo "|--------|------------|----------|----------|--------------|-----------|----------|"
	for r in "${C_ROWS[@]}"; do
		IFS='|' read -r a b c d e f g <<<"$r"
		printf '| %-6s | %10s | %8s | %8s | %-12s | %9s | %8s |\n' "$a" "$b" "$c" "$d" "$e" "$f" "$g"
	done
	if ((${#C_ROWS[@]} == 2)); then
		local_on=0
		[[ "${C_ROWS[0]}" == c-on* ]] || local_on=1
		IFS='|' read -r _ on_t _ on_p99 _ <<<"${C_ROWS[$local_on]}"
		IFS='|' read -r _ off_t _ off_p99 _ <<<"${C_ROWS[$((1 - local_on))]}"
		result enrichment.c.throughput_ratio_on_off "$(awk -v a="$on_t" -v b="$off_t" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')" ratio
		echo "ratio on/off: throughput $(awk -v a="$on_t" -v b="$off_t" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'), p99 $(awk -v a="$on_p99" -v b="$off_p99" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }') (target: throughput ~1.0)"
	fi
fi
echo
if ((${#ODD[@]} > 0)); then
	echo "== noticed"
	printf -- '- %s\n' "${ODD[@]}"
fi
log "done"
