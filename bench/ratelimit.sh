#!/usr/bin/env bash
# Rate-limit benchmark for the Amiqus webhook receiver (issue 15, goal 3).
#
#   bench/ratelimit.sh                                  # 5,000 events, 2,000 objects, 200/min: ~25 min
#   N=1500 OBJECTS=600 bench/ratelimit.sh               # smaller: ~3 windows per build
#   BASE_JAR=landed.jar bench/ratelimit.sh              # that build too, after this one
#
# The Amiqus stand-in is the project's emulator (EmulatorMain, always from JAR, the build under
# test: the base build's emulator enforces no limit) enforcing LIMIT calls per WINDOW seconds
# (Laravel's fixed window, as Amiqus: 429 with Retry-After and X-RateLimit-Reset beyond it) and
# answering in LATENCY. For each build in BUILDS ("new", and "base" = BASE_JAR, the landed main,
# when it exists) it starts a fresh stand-in and a fresh service (embedded PostgreSQL in a temp
# dir), posts N signed record.updated deliveries about OBJECTS records (round robin) as fast as
# wrk can, waits until none is pending, and reports:
#   calls per object     entity reads answered 200 / distinct records
#   429s                 requests the stand-in refused (goal 0)
#   drain time           first received_at to last enriched_at
#   bound                the limit's own: the calls answered at LIMIT per WINDOW s (goal: drain within 10 %
#                        of it); also against the ideal, one call per object (OBJECTS calls)
# RESULT ratelimit.<metric>=<value> unit=<unit> lines for this build, ratelimit.<metric>.base for
# the base build (appended to $BENCH_RESULTS when set).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

N="${N:-5000}"                        # events posted
OBJECTS="${OBJECTS:-2000}"            # distinct records they are about
LIMIT="${LIMIT:-200}"                 # calls per window the stand-in allows
WINDOW="${WINDOW:-60}"                # the window, seconds
LATENCY="${LATENCY:-50ms}"            # stand-in answer time
CONCURRENCY="${CONCURRENCY:-8}"       # posting connections
WORKERS="${WORKERS:-4}"               # AMIQUS_ENRICHMENT_WORKERS
JAR="${JAR:-$ROOT/target/amiqus-webhook-receiver-0.1.0-SNAPSHOT.jar}"
BASE_JAR="${BASE_JAR:-}" # a base jar (say, the landed main's) to run after this build; empty: none
BUILDS="${BUILDS:-new base}"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-480}" # a loaded 2-core machine took over 240 s once
STOP_TIMEOUT="${STOP_TIMEOUT:-60}"
SERVICE_JAVA_OPTS="${SERVICE_JAVA_OPTS:-}"
EMULATOR_JAVA_OPTS="${EMULATOR_JAVA_OPTS:--XX:+UseSerialGC -Xmx512m}"
LOAD_JAVA_OPTS="${LOAD_JAVA_OPTS:--XX:+UseSerialGC -Xmx1g}"
KEEP_TMP="${KEEP_TMP:-0}"

BENCH_NAME=ratelimit-bench
# shellcheck source=bench/lib.sh
source "$SCRIPT_DIR/lib.sh"

require_positive N OBJECTS LIMIT WINDOW CONCURRENCY WORKERS STARTUP_TIMEOUT STOP_TIMEOUT
((OBJECTS <= N)) || die "OBJECTS ($OBJECTS) must not exceed N ($N)"
# The limit's own bound, and how long to wait before giving up on a drain: three times it,
# plus two windows.
BOUND_S="$(awk -v c="$OBJECTS" -v l="$LIMIT" -v w="$WINDOW" 'BEGIN { printf "%.1f", c / l * w }')"
DRAIN_TIMEOUT="${DRAIN_TIMEOUT:-$(awk -v b="$BOUND_S" -v w="$WINDOW" 'BEGIN { printf "%d", 3 * b + 2 * w + 60 }')}"

BENCH_TMP="$(mktemp -d "${TMPDIR:-/tmp}/ratelimit-bench.XXXXXX")"
SERVICE_PID=""
SERVICE_DIR=""
EMU_PID=""
LOAD_PID=""
export LOAD_DIR="$BENCH_TMP/load"

stop_service() {
	if [[ -n "$SERVICE_PID" ]] && kill -0 "$SERVICE_PID" 2>/dev/null; then
		terminate_service "$SERVICE_PID" "$STOP_TIMEOUT"
		log "service stopped after ${STOPPED_AFTER_S}s"
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

cd "$ROOT"
require_commands java javac curl
require_wrk
command -v psql >/dev/null || die "psql not found (apt-get install postgresql-client)"
build_jar_if_missing
if [[ " $BUILDS " == *" base "* ]] && [[ -z "$BASE_JAR" || ! -f "$BASE_JAR" ]]; then
	log "no base jar (BASE_JAR='$BASE_JAR'): this build only"
	BUILDS="${BUILDS//base/}"
fi

export PGCONNECT_TIMEOUT=10 PGUSER=postgres PGDATABASE=postgres PGHOST=127.0.0.1
unset PGPASSWORD
q() { psql -X -q -v ON_ERROR_STOP=1 -At -F '|' -c "$1"; }
kv() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p" | head -n1; }

EMU_URL=""
EMU_STATS=""
start_emulator() { # name
	local name=$1 port out line
	port="$(free_port)"
	out="$BENCH_TMP/$name/emulator.log"
	# shellcheck disable=SC2086
	java $EMULATOR_JAVA_OPTS -cp "$JAR" -Dloader.main=dev.aqid.receiver.emulator.EmulatorMain \
		org.springframework.boot.loader.launch.PropertiesLauncher \
		--server.port="$port" --emulator.latency="$LATENCY" --emulator.records="$OBJECTS" \
		--emulator.rate-limit="$LIMIT" --emulator.rate-limit-window="${WINDOW}s" >"$out" 2>&1 &
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
	log "stand-in at $EMU_URL: $LIMIT calls per ${WINDOW}s enforced, $LATENCY per answer, records 1..$OBJECTS"
}
emu_stats() { curl -fsS --max-time 5 "$EMU_STATS"; }

HTTP_PORT=""
SECRET="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export LOAD_SECRET="$SECRET"
API_KEY="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
start_service() { # name jar
	local name=$1 jar=$2 db_port t0 deadline
	HTTP_PORT="$(free_port)"
	db_port="$(free_port "$HTTP_PORT")"
	SERVICE_DIR="$BENCH_TMP/$name"
	mkdir -p "$SERVICE_DIR/data"
	t0=$(date +%s.%N)
	# The window the pacer assumes (Amiqus says it only with a 429); an older build ignores it.
	# shellcheck disable=SC2086
	env "SERVER_PORT=$HTTP_PORT" "AMIQUS_WEBHOOK_SECRETS=$SECRET" "RECEIVER_DATA_DIR=$SERVICE_DIR/data" \
		"RECEIVER_EMBEDDED_DB_PORT=$db_port" "AMIQUS_API_URL=$EMU_URL" "AMIQUS_API_TOKEN=bench-token" \
		"RECEIVER_API_KEYS=$API_KEY" "AMIQUS_ENRICHMENT_WORKERS=$WORKERS" \
		java $SERVICE_JAVA_OPTS -jar "$jar" --amiqus.api.rate-limit.window="${WINDOW}s" \
		>"$SERVICE_DIR/service.log" 2>&1 &
	SERVICE_PID=$!
	deadline=$(($(date +%s) + STARTUP_TIMEOUT))
	until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$HTTP_PORT/actuator/health/readiness" 2>/dev/null; do
		kill -0 "$SERVICE_PID" 2>/dev/null || { tail -n 40 "$SERVICE_DIR/service.log" >&2; die "the service exited during start-up"; }
		(($(date +%s) < deadline)) || die "the service was not ready within ${STARTUP_TIMEOUT}s"
		sleep 0.5
	done
	export PGPORT="$db_port"
	log "$name: service ready on :$HTTP_PORT after $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')s ($jar)"
}

prom_sum() {
	curl -fsS --max-time 5 -H "Authorization: Bearer $API_KEY" "http://127.0.0.1:$HTTP_PORT/actuator/prometheus" |
		awk -v n="$1" -v f="${2:-}" 'index($0, n) == 1 && (f == "" || index($0, f) > 0) { s += $NF } END { printf "%d", s }'
}

ROWS=()
run_build() { # name jar
	local name=$1 jar=$2 rc=0 t0 pending stats
	mkdir -p "$BENCH_TMP/$name"
	start_emulator "$name"
	start_service "$name" "$jar"
	LOAD_URL="http://127.0.0.1:$HTTP_PORT/webhooks/amiqus" load_phase closed-count "$name" "$CONCURRENCY" 300 "$N" \
		--alias record.updated --record-ids "$OBJECTS" >"$BENCH_TMP/$name/load.out" 2>&1 &
	LOAD_PID=$!
	wait "$LOAD_PID" || rc=$?
	LOAD_PID=""
	((rc == 0)) || log "WARNING: the load generator exited $rc (non-202 answers, errors or timeout)"
	log "$name: $N deliveries posted; waiting for the drain (bound ${BOUND_S}s, at most ${DRAIN_TIMEOUT}s)"
	t0=$SECONDS
	while :; do
		pending="$(q "select count(*) from events where enrichment_status = 'pending'")"
		((pending == 0)) && break
		((SECONDS - t0 < DRAIN_TIMEOUT)) || { log "$name: $pending still pending after ${DRAIN_TIMEOUT}s"; break; }
		sleep 2
	done
	stats="$(emu_stats)"
	local row total enriched distinct drain requests limited calls cpo ratio verdict pacing_lines
	row="$(q "select count(*), count(*) filter (where enrichment_status = 'enriched'), count(distinct record_id),
	              coalesce(round(extract(epoch from max(enriched_at) - min(received_at))::numeric, 1), 0)
	         from events")"
	IFS='|' read -r total enriched distinct drain <<<"$row"
	requests="$(kv "$stats" requests)"
	limited="$(kv "$stats" rate_limited)"
	calls=$((requests - limited))
	cpo="$(awk -v c="$calls" -v d="$distinct" 'BEGIN { if (d > 0) printf "%.3f", c / d; else print "n/a" }')"
	local bound ideal_ratio
	bound="$(awk -v c="$calls" -v l="$LIMIT" -v w="$WINDOW" 'BEGIN { printf "%.1f", c / l * w }')"
	ratio="$(awk -v d="$drain" -v b="$bound" 'BEGIN { if (b > 0) printf "%.3f", d / b; else print "n/a" }')"
	ideal_ratio="$(awk -v d="$drain" -v b="$BOUND_S" 'BEGIN { printf "%.3f", d / b }')"
	verdict="$(awk -v r="$ratio" -v l="$limited" -v p="$pending" 'BEGIN { print (p == 0 && l == 0 && r <= 1.10) ? "PASS" : "FAIL" }')"
	pacing_lines="$(grep -c 'Pacing Amiqus calls' "$SERVICE_DIR/service.log" || true)"
	echo
	echo "== ($name) $jar"
	echo "events $total (enriched $enriched, pending $pending) about $distinct records; stand-in: $stats"
	echo "calls answered $calls ($cpo per object), refused with 429: $limited; service counted 429s: $(prom_sum amiqus_api_calls_total 'status="429"')"
	echo "drain ${drain}s (first receipt to last enrichment), bound ${bound}s ($calls calls at $LIMIT per ${WINDOW}s): ratio $ratio -> $verdict"
	echo "against the ideal ${BOUND_S}s (one call per object, $OBJECTS calls): ratio $ideal_ratio"
	echo "pacing log lines: $pacing_lines; deferred $(prom_sum receiver_enrichment_events_total 'outcome="deferred"')"
	local suffix=""
	[[ "$name" == base ]] && suffix=".base"
	result "ratelimit.calls_per_object$suffix" "$cpo" calls/object
	result "ratelimit.rate_limited$suffix" "$limited" count
	result "ratelimit.drain_s$suffix" "$drain" s
	result "ratelimit.bound_s$suffix" "$bound" s
	result "ratelimit.drain_vs_bound$suffix" "$ratio" ratio
	result "ratelimit.drain_vs_ideal$suffix" "$ideal_ratio" ratio
	result "ratelimit.pending$suffix" "$pending" count
	ROWS+=("$(printf '| %-4s | %6s | %6s | %6s | %8s | %5s | %8s | %8s | %6s | %-7s |' "$name" "$total" "$distinct" \
		"$calls" "$cpo" "$limited" "$drain" "$bound" "$ratio" "$verdict")")
	stop_service
	stop_emulator
}

for build in $BUILDS; do
	case "$build" in
		new) run_build new "$JAR" ;;
		base) run_build base "$BASE_JAR" ;;
		*) die "unknown build '$build' (new, base)" ;;
	esac
done

echo
echo "== summary: $N events about $OBJECTS records, stand-in enforcing $LIMIT calls per ${WINDOW}s, $LATENCY per answer"
printf '| %-4s | %6s | %6s | %6s | %8s | %5s | %8s | %8s | %6s | %-7s |\n' build events recs calls call/obj 429s "drain s" \
	"bound s" ratio verdict
echo "|------|--------|--------|--------|----------|-------|----------|----------|--------|---------|"
printf '%s\n' "${ROWS[@]}"
echo "(goal: no 429, drain within 10 % of the bound = the calls answered at $LIMIT per ${WINDOW}s; the ideal,"
echo " one call per object, is ${BOUND_S}s; drain = first received_at to last enriched_at; a single run on a"
echo " shared 2-core machine)"
log "done"
