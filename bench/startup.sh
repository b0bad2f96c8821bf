#!/usr/bin/env bash
# Start-up benchmark for the Amiqus webhook receiver.
#
#   bench/startup.sh               # RUNS=3: three fresh data dirs, each started twice
#   RUNS=1 bench/startup.sh        # one of each
#
# Measures the time from launching the packaged service (java -jar, embedded PostgreSQL,
# AMIQUS_DEMO_ENABLED=false, no API token) until GET /actuator/health/readiness answers UP:
#   fresh     on an empty RECEIVER_DATA_DIR (initdb of the embedded cluster, every Flyway migration)
#   existing  again on the same data dir after a clean stop (SIGTERM)
# Each run uses its own temp dir and free loopback ports; everything it started is stopped
# and the temp dir removed on exit. Prints each run and the medians; with BENCH_RESULTS set
# (bench/suite.sh does) the medians are appended there as RESULT lines.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

RUNS="${RUNS:-3}"                         # fresh data dirs; each is started twice
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-240}" # seconds to wait for readiness
STOP_TIMEOUT="${STOP_TIMEOUT:-60}"
POLL="${POLL:-0.1}"                       # seconds between readiness polls
JAR="${JAR:-$ROOT/target/amiqus-webhook-receiver-0.1.0-SNAPSHOT.jar}"
SERVICE_JAVA_OPTS="${SERVICE_JAVA_OPTS:-}"
LOAD_JAVA_OPTS=""                         # unused here; lib.sh expects it
KEEP_TMP="${KEEP_TMP:-0}" # 1: keep logs and data dirs (a failed run keeps its logs)

BENCH_NAME=startup-bench
# shellcheck source=bench/lib.sh
source "$SCRIPT_DIR/lib.sh"
require_positive RUNS STARTUP_TIMEOUT STOP_TIMEOUT

BENCH_TMP="$(mktemp -d "${TMPDIR:-/tmp}/startup-bench.XXXXXX")"
SERVICE_PID=""
DATA_DIR=""

stop_service() {
	if [[ -n "$SERVICE_PID" ]] && kill -0 "$SERVICE_PID" 2>/dev/null; then
		terminate_service "$SERVICE_PID" "$STOP_TIMEOUT"
	fi
	SERVICE_PID=""
	stop_leftover_postgres "$DATA_DIR"
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_service
	dispose_bench_tmp "$rc"
	exit "$rc"
}
exit_through cleanup

cd "$ROOT"
require_commands java curl
build_jar_if_missing

# Starts the service on DATA_DIR and waits for readiness; sets READY_S, SPRING_S and RSS_MB.
start_and_time() { # log-file
	local out=$1 http db t0 deadline
	http="$(free_port)"
	db="$(free_port "$http")"
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086
	env -u AMIQUS_API_TOKEN -u SPRING_DATASOURCE_URL "SERVER_PORT=$http" "RECEIVER_DATA_DIR=$DATA_DIR" \
		"RECEIVER_EMBEDDED_DB_PORT=$db" "AMIQUS_DEMO_ENABLED=false" "AMIQUS_WEBHOOK_SECRETS=startup-bench" \
		java $SERVICE_JAVA_OPTS -jar "$JAR" >"$out" 2>&1 &
	SERVICE_PID=$!
	deadline=$(($(date +%s) + STARTUP_TIMEOUT))
	until curl -fsS --max-time 2 "http://127.0.0.1:$http/actuator/health/readiness" 2>/dev/null | grep -q '"status":"UP"'; do
		kill -0 "$SERVICE_PID" 2>/dev/null || { tail -n 40 "$out" >&2; die "the service exited during start-up"; }
		(($(date +%s) < deadline)) || die "the service was not ready within ${STARTUP_TIMEOUT}s"
		sleep "$POLL"
	done
	READY_S="$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')"
	# Spring's own figure: "Started ... in 7.3 seconds (process running for 8.1)".
	SPRING_S="$(sed -n 's/.*Started .* in \([0-9.]*\) seconds.*/\1/p' "$out" | head -n1)"
	RSS_MB=$(($(proc_kb "$SERVICE_PID") / 1024))
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "== start-up to readiness: $RUNS fresh data dir(s), each started twice; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '| %-3s | %-8s | %13s | %14s | %13s |\n' run data "ready s" "Spring says s" "RSS ready MB"
echo "|-----|----------|---------------|----------------|---------------|"
FRESH=() EXISTING=() RSS=()
for run in $(seq 1 "$RUNS"); do
	DATA_DIR="$BENCH_TMP/run$run/data"
	mkdir -p "$DATA_DIR"
	for kind in fresh existing; do
		start_and_time "$BENCH_TMP/run$run/$kind.log"
		printf '| %-3s | %-8s | %13s | %14s | %13s |\n' "$run" "$kind" "$READY_S" "${SPRING_S:--}" "$RSS_MB"
		if [[ "$kind" == fresh ]]; then FRESH+=("$READY_S"); else EXISTING+=("$READY_S"); fi
		RSS+=("$RSS_MB")
		stop_service
	done
done
echo
FRESH_MED="$(printf '%s\n' "${FRESH[@]}" | median)"
EXISTING_MED="$(printf '%s\n' "${EXISTING[@]}" | median)"
echo "median to readiness: fresh data dir ${FRESH_MED}s, existing data dir ${EXISTING_MED}s"
result startup.fresh_ready_s "$FRESH_MED" s
result startup.existing_ready_s "$EXISTING_MED" s
result startup.service_rss_at_ready_mb "$(printf '%s\n' "${RSS[@]}" | median)" MB
log "done"
