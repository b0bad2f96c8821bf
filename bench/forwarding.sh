#!/usr/bin/env bash
# Forwarding benchmark for the Amiqus webhook receiver.
#
#   bench/forwarding.sh                      # N=2000 events over RECORDS=200 records
#   N=500 WORKERS=4 bench/forwarding.sh
#   N=1000 RATE=50 bench/forwarding.sh      # paced below capacity: steady-state latency
#
# Starts the Amiqus emulator (dev.aqid.receiver.emulator.EmulatorMain, from the service's jar),
# a local internal system (bench/ForwardReceiver.java: verifies each Standard Webhooks signature,
# answers 204, measures received_at -> arrival per webhook-id) and the service with enrichment
# on and that receiver as its one destination; posts N signed record.updated deliveries with wrk
# (bench/ingest.lua, pre-signed by bench/SignRequests.java), round-robin over RECORDS records, so
# per-record order holds events back as it would in production; waits until the receiver has
# every event, and prints
#   - forwarded/s: distinct events delivered / (last arrival - first arrival)
#   - end to end/s: N / (last arrival - first received_at)
#   - latency received_at -> delivered, p50 / p99 / max (it includes enrichment and its 1 s
#     settle delay: an event is forwarded once its enrichment has settled)
# Ports: PORT_BASE (default 19100) + 0..3: service, PostgreSQL, emulator, receiver.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

N="${N:-2000}"                          # events posted
RECORDS="${RECORDS:-200}"               # distinct records they refer to (round-robin)
CONCURRENCY="${CONCURRENCY:-8}"         # posting connections
RATE="${RATE:-}"                        # empty: closed loop (as fast as answered); else open loop at RATE/s
LATENCY="${LATENCY:-20ms}"              # emulator answer time
WORKERS="${WORKERS:-2}"                 # RECEIVER_FORWARDING_WORKERS_PER_DESTINATION
ENRICH_WORKERS="${ENRICH_WORKERS:-4}"   # AMIQUS_ENRICHMENT_WORKERS
PORT_BASE="${PORT_BASE:-19100}"
DRAIN_TIMEOUT="${DRAIN_TIMEOUT:-600}"   # seconds to wait for every event at the receiver
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-240}"
JAR="${JAR:-$ROOT/target/amiqus-webhook-receiver-0.1.0-SNAPSHOT.jar}"
SERVICE_JAVA_OPTS="${SERVICE_JAVA_OPTS:-}"
EMULATOR_JAVA_OPTS="${EMULATOR_JAVA_OPTS:--XX:+UseSerialGC -Xmx512m}"
RECEIVER_JAVA_OPTS="${RECEIVER_JAVA_OPTS:--XX:+UseSerialGC -Xmx256m}"
LOAD_JAVA_OPTS="${LOAD_JAVA_OPTS:--XX:+UseSerialGC -Xmx1g}"
KEEP_TMP="${KEEP_TMP:-0}"

BENCH_NAME=forwarding-bench
# shellcheck source=bench/lib.sh
source "$SCRIPT_DIR/lib.sh"
require_positive N RECORDS CONCURRENCY WORKERS ENRICH_WORKERS PORT_BASE DRAIN_TIMEOUT STARTUP_TIMEOUT

HTTP_PORT=$PORT_BASE
DB_PORT=$((PORT_BASE + 1))
EMU_PORT=$((PORT_BASE + 2))
RECEIVER_PORT=$((PORT_BASE + 3))
for p in "$HTTP_PORT" "$DB_PORT" "$EMU_PORT" "$RECEIVER_PORT"; do
	port_free "$p" || die "port $p is taken (PORT_BASE=$PORT_BASE)"
done

BENCH_TMP="$(mktemp -d "${TMPDIR:-/tmp}/forwarding-bench.XXXXXX")"
export LOAD_DIR="$BENCH_TMP/load"
SERVICE_PID="" EMU_PID="" RECEIVER_PID=""

stop_pid() { # pid
	if [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null; then
		kill -TERM "$1" 2>/dev/null || true
		for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$1" 2>/dev/null && kill -KILL "$1" 2>/dev/null || true
		wait "$1" 2>/dev/null || true
	fi
}
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	[[ -n "$SERVICE_PID" ]] && kill -0 "$SERVICE_PID" 2>/dev/null && terminate_service "$SERVICE_PID" 60
	stop_leftover_postgres "$BENCH_TMP"
	stop_pid "$EMU_PID"
	stop_pid "$RECEIVER_PID"
	dispose_bench_tmp "$rc"
	exit "$rc"
}
exit_through cleanup

cd "$ROOT"
require_commands java javac curl
require_wrk
build_jar_if_missing

# --------------------------------------------------------------------------- machine facts
echo "== machine"
echo "nproc:        $(nproc)"
echo "cpu:          $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
echo "java:         $(java -version 2>&1 | head -n1)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
BUSY_BEFORE="$(busy_pct 2)"
echo "busy before:  ${BUSY_BEFORE}% of all cores over 2 s, before anything of this benchmark runs"
echo "settings:     N=$N RECORDS=$RECORDS CONCURRENCY=$CONCURRENCY emulator latency=$LATENCY forwarding workers=$WORKERS enrichment workers=$ENRICH_WORKERS"
echo
[[ "$BUSY_BEFORE" =~ ^[0-9]+$ ]] && ((BUSY_BEFORE > 20)) &&
	log "WARNING: the machine was ${BUSY_BEFORE}% busy before the benchmark: other work skews every number below"

# --------------------------------------------------------------------------- emulator, receiver
wait_for_line() { # file pattern pid what
	local line=""
	for _ in $(seq 1 "$((STARTUP_TIMEOUT * 10))"); do
		line="$(grep -m1 "$2" "$1" 2>/dev/null || true)"
		[[ -n "$line" ]] && { echo "$line"; return 0; }
		kill -0 "$3" 2>/dev/null || { cat "$1" >&2; die "$4 exited during start-up"; }
		sleep 0.1
	done
	die "$4 did not start within ${STARTUP_TIMEOUT}s"
}

# shellcheck disable=SC2086
java $EMULATOR_JAVA_OPTS -cp "$JAR" -Dloader.main=dev.aqid.receiver.emulator.EmulatorMain \
	org.springframework.boot.loader.launch.PropertiesLauncher \
	--server.port="$EMU_PORT" --emulator.latency="$LATENCY" --emulator.records="$RECORDS" >"$BENCH_TMP/emulator.log" 2>&1 &
EMU_PID=$!
EMU_LINE="$(wait_for_line "$BENCH_TMP/emulator.log" '^EMULATOR base_url=' "$EMU_PID" "the emulator")"
EMU_URL="$(sed -n 's/.*base_url=\([^ ]*\).*/\1/p' <<<"$EMU_LINE")"
log "emulator at $EMU_URL ($LATENCY per answer, records 1..$RECORDS)"

DEST_SECRET="whsec_$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
# shellcheck disable=SC2086
java $RECEIVER_JAVA_OPTS "$SCRIPT_DIR/ForwardReceiver.java" --port "$RECEIVER_PORT" --secret "$DEST_SECRET" \
	>"$BENCH_TMP/receiver.log" 2>&1 &
RECEIVER_PID=$!
RECEIVER_URL="$(wait_for_line "$BENCH_TMP/receiver.log" '^RECEIVER url=' "$RECEIVER_PID" "the receiver" | sed 's/^RECEIVER url=//')"
log "receiver at $RECEIVER_URL"
stats() { curl -fsS --max-time 5 "http://127.0.0.1:$RECEIVER_PORT/stats"; }
kv() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p" | head -n1; }

# --------------------------------------------------------------------------- the service
SECRET="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export LOAD_SECRET="$SECRET"
API_KEY="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
mkdir -p "$BENCH_TMP/service/data"
t0=$(date +%s.%N)
# shellcheck disable=SC2086
env "SERVER_PORT=$HTTP_PORT" "AMIQUS_WEBHOOK_SECRETS=$SECRET" "RECEIVER_DATA_DIR=$BENCH_TMP/service/data" \
	"RECEIVER_EMBEDDED_DB_PORT=$DB_PORT" "AMIQUS_API_URL=$EMU_URL" "AMIQUS_API_TOKEN=bench-token" \
	"RECEIVER_API_KEYS=$API_KEY" "AMIQUS_ENRICHMENT_WORKERS=$ENRICH_WORKERS" \
	"RECEIVER_DESTINATIONS_0_URL=$RECEIVER_URL" "RECEIVER_DESTINATIONS_0_SECRET=$DEST_SECRET" \
	"RECEIVER_DESTINATIONS_0_NAME=bench" "RECEIVER_FORWARDING_WORKERS_PER_DESTINATION=$WORKERS" \
	java $SERVICE_JAVA_OPTS -jar "$JAR" >"$BENCH_TMP/service/service.log" 2>&1 &
SERVICE_PID=$!
deadline=$(($(date +%s) + STARTUP_TIMEOUT))
until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$HTTP_PORT/actuator/health/readiness" 2>/dev/null; do
	kill -0 "$SERVICE_PID" 2>/dev/null || { tail -n 40 "$BENCH_TMP/service/service.log" >&2; die "the service exited during start-up"; }
	(($(date +%s) < deadline)) || die "the service was not ready within ${STARTUP_TIMEOUT}s"
	sleep 0.5
done
log "service ready on :$HTTP_PORT after $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')s"

# --------------------------------------------------------------------------- load
log "posting $N record.updated deliveries over $RECORDS records (closed loop, c=$CONCURRENCY)"
rc=0
if [[ -n "$RATE" ]]; then
	# Open loop at RATE/s, below what forwarding sustains: the latency is then the
	# steady-state cost per event rather than a backlog.
	LOAD_URL="http://127.0.0.1:$HTTP_PORT/webhooks/amiqus" load_phase open-count forwarding "$CONCURRENCY" 300 "$N" \
		"$RATE" --alias record.updated --record-ids "$RECORDS" >"$BENCH_TMP/load.out" 2>&1 || rc=$?
else
	LOAD_URL="http://127.0.0.1:$HTTP_PORT/webhooks/amiqus" load_phase closed-count forwarding "$CONCURRENCY" 300 "$N" \
		--alias record.updated --record-ids "$RECORDS" >"$BENCH_TMP/load.out" 2>&1 || rc=$?
fi
grep -v '^RESULT ' "$BENCH_TMP/load.out" | sed 's/^/    /' >&2 || true
((rc == 0)) || log "WARNING: the load generator exited $rc (non-202 answers, errors or timeout)"
LOAD_RESULT="$(grep -m1 '^RESULT ' "$BENCH_TMP/load.out" || true)"

log "waiting for every event at the receiver (at most ${DRAIN_TIMEOUT}s)"
deadline=$(($(date +%s) + DRAIN_TIMEOUT))
while true; do
	S="$(stats)"
	(($(kv "$S" distinct) >= N)) && break
	(($(date +%s) < deadline)) || { log "WARNING: only $(kv "$S" distinct) of $N events arrived within ${DRAIN_TIMEOUT}s"; break; }
	sleep 0.5
done

# --------------------------------------------------------------------------- figures
distinct="$(kv "$S" distinct)"
first="$(kv "$S" first_arrival_ms)" last="$(kv "$S" last_arrival_ms)" received="$(kv "$S" first_received_ms)"
fwd_rate="$(awk -v n="$distinct" -v a="$first" -v b="$last" 'BEGIN { if (b > a) printf "%.1f", 1000 * n / (b - a); else print "-" }')"
e2e_rate="$(awk -v n="$distinct" -v a="$received" -v b="$last" 'BEGIN { if (b > a) printf "%.1f", 1000 * n / (b - a); else print "-" }')"
prom() {
	curl -fsS --max-time 5 -H "Authorization: Bearer $API_KEY" "http://127.0.0.1:$HTTP_PORT/actuator/prometheus" |
		awk -v n="$1" -v f="${2:-}" 'index($0, n) == 1 && (f == "" || index($0, f) > 0) { s += $NF } END { printf "%d", s }'
}
echo
echo "== forwarding: $N events over $RECORDS records, enrichment on against the emulator ($LATENCY), $WORKERS worker(s)"
echo "posting:      $(kv "$LOAD_RESULT" throughput)/s, p99 $(kv "$LOAD_RESULT" p99_ms) ms, non-202 $(kv "$LOAD_RESULT" total_non202)"
echo "receiver:     $S"
echo "attempts:     $(prom receiver_forwarding_attempts_total) (2xx $(prom receiver_forwarding_attempts_total 'result="2xx"'))"
echo "forwarded/s:  $fwd_rate  (distinct events / first to last arrival, $(((last - first)))) ms)"
echo "end to end/s: $e2e_rate  (events / first received_at to last arrival)"
echo "latency received_at -> delivered: min $(kv "$S" min_ms) ms  p50 $(kv "$S" p50_ms) ms  p99 $(kv "$S" p99_ms) ms  max $(kv "$S" max_ms) ms"
echo "(includes enrichment with its default 1 s settle delay; single run on a shared machine, busy ${BUSY_BEFORE}% before)"
# Where the time goes, from the service's own tables: enrichment (received -> settled) and
# forwarding (settled -> delivered), p50 / p99 in seconds.
if command -v psql >/dev/null; then
	PGCONNECT_TIMEOUT=10 psql -X -q -At -F ' ' -h 127.0.0.1 -p "$DB_PORT" -U postgres -d postgres -c "
	  select 'split (s): enrichment p50 ' || round(percentile_cont(0.5) within group (order by extract(epoch from e.enriched_at - e.received_at))::numeric, 2)
	      || ' p99 ' || round(percentile_cont(0.99) within group (order by extract(epoch from e.enriched_at - e.received_at))::numeric, 2)
	      || ', settled -> delivered p50 ' || round(percentile_cont(0.5) within group (order by extract(epoch from o.delivered_at - e.enriched_at))::numeric, 2)
	      || ' p99 ' || round(percentile_cont(0.99) within group (order by extract(epoch from o.delivered_at - e.enriched_at))::numeric, 2)
	    from outbox o join events e on e.id = o.event_id where o.status = 'delivered'" 2>/dev/null || true
fi
warns="$(grep -cE ' (WARN|ERROR) ' "$BENCH_TMP/service/service.log" || true)"
((warns == 0)) || echo "noticed: $warns WARN/ERROR line(s) in the service log, e.g. $(grep -m1 -E ' (WARN|ERROR) ' "$BENCH_TMP/service/service.log" | cut -c1-300)"
result forwarding.events "$distinct" count
result forwarding.forwarded_per_s "$fwd_rate" events/s
result forwarding.end_to_end_per_s "$e2e_rate" events/s
result forwarding.latency_p50_ms "$(kv "$S" p50_ms)" ms
result forwarding.latency_p99_ms "$(kv "$S" p99_ms)" ms
result forwarding.bad_signatures "$(kv "$S" bad_signatures)" count
(($(kv "$S" bad_signatures) == 0)) || die "signatures did not verify"
((distinct >= N)) || exit 1
log "done"
