#!/usr/bin/env bash
# Start-up benchmark for the Amiqus webhook receiver: this build beside a base build, in one run.
#
#   bench/startup.sh               # RUNS=3: per build, three fresh data dirs, each started twice
#   RUNS=1 bench/startup.sh        # one of each
#   BASE_JAR=old.jar bench/startup.sh  # that jar beside this build (plain jar and CDS)
#   CDS=0 bench/startup.sh         # without the class-data-sharing variant
#
# Measures the time from launching the packaged service (embedded PostgreSQL,
# AMIQUS_DEMO_ENABLED=false, no API token) until GET /actuator/health/readiness answers UP:
#   fresh     on an empty RECEIVER_DATA_DIR (initdb of the embedded cluster, every Flyway migration)
#   existing  again on the same data dir after a clean stop (SIGTERM)
# for up to three builds, interleaved (each round runs every build once, in a rotating order,
# so that the machine's drift hits all of them alike):
#   base      BASE_JAR with java -jar (when set: say, the landed main's jar)
#   new       JAR with java -jar
#   new-cds   JAR extracted (java -Djarmode=tools -jar JAR extract) and started with the
#             class-data-sharing archive of a training run (profile cds-training, README
#             "Start-up"), done once before the rounds and timed apart
# Each start uses its own temp dir and free loopback ports; everything it started is stopped
# and the temp dir removed on exit. Prints each start, the medians per build and the ratios
# to base; with BENCH_RESULTS set (bench/suite.sh does) the figures are appended there as
# RESULT lines (bench/README.md lists them).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

RUNS="${RUNS:-3}"                         # rounds; per build one fresh data dir, started twice
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-240}" # seconds to wait for readiness
STOP_TIMEOUT="${STOP_TIMEOUT:-60}"
POLL="${POLL:-0.1}"                       # seconds between readiness polls
JAR="${JAR:-$ROOT/target/amiqus-webhook-receiver-0.1.0-SNAPSHOT.jar}"
BASE_JAR="${BASE_JAR:-}" # a jar to run beside this build (say, the landed main's); empty: none
CDS="${CDS:-1}"                           # 1: also the CDS variant of JAR
SERVICE_JAVA_OPTS="${SERVICE_JAVA_OPTS:-}" # JVM options of every build
BASE_JAVA_OPTS="${BASE_JAVA_OPTS:-}"      # ... and of one build only
NEW_JAVA_OPTS="${NEW_JAVA_OPTS:-}"
LOAD_JAVA_OPTS=""                         # unused here; lib.sh expects it
KEEP_TMP="${KEEP_TMP:-0}" # 1: keep logs and data dirs (a failed run keeps its logs)

BENCH_NAME=startup-bench
# shellcheck source=bench/lib.sh
source "$SCRIPT_DIR/lib.sh"
require_positive RUNS STARTUP_TIMEOUT STOP_TIMEOUT
[[ "$CDS" == 0 || "$CDS" == 1 ]] || die "CDS is 0 or 1 (got '$CDS')"

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

BUILDS=()
if [[ -n "$BASE_JAR" ]]; then
	if [[ -f "$BASE_JAR" ]]; then BUILDS+=(base); else log "BASE_JAR $BASE_JAR not found: this build only"; fi
fi
BUILDS+=(new)
CDS_DIR="$BENCH_TMP/cds"
TRAIN_S=""
if [[ "$CDS" == 1 ]]; then
	# The same commands as the Dockerfile and the Maven profile cds (README "Start-up").
	log "extracting $JAR into $CDS_DIR and training the CDS archive (profile cds-training)"
	java -Djarmode=tools -jar "$JAR" extract --destination "$CDS_DIR" >/dev/null || die "cannot extract $JAR"
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086
	(cd "$CDS_DIR" && env -u SPRING_DATASOURCE_URL java $SERVICE_JAVA_OPTS $NEW_JAVA_OPTS -XX:ArchiveClassesAtExit=application.jsa \
		-Dspring.context.exit=onRefresh -Dspring.profiles.active=cds-training -jar "$(basename "$JAR")") \
		>"$BENCH_TMP/cds-training.log" 2>&1 || { tail -n 40 "$BENCH_TMP/cds-training.log" >&2; die "the CDS training run failed"; }
	[[ -f "$CDS_DIR/application.jsa" ]] || die "the CDS training run wrote no archive"
	TRAIN_S="$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')"
	log "CDS training run: ${TRAIN_S}s, archive $(du -m "$CDS_DIR/application.jsa" | cut -f1) MB"
	BUILDS+=(new-cds)
fi

# The java command line of a build (after "java"), one word per line.
java_args() { # build
	case "$1" in
		base) echo $SERVICE_JAVA_OPTS $BASE_JAVA_OPTS -jar "$BASE_JAR" ;;
		new) echo $SERVICE_JAVA_OPTS $NEW_JAVA_OPTS -jar "$JAR" ;;
		# relative paths, run from CDS_DIR: the archive records the class path as the training
		# run saw it, and a JVM given another spelling of it ignores the archive
		new-cds) echo $SERVICE_JAVA_OPTS $NEW_JAVA_OPTS -XX:SharedArchiveFile=application.jsa -jar "$(basename "$JAR")" ;;
	esac
}

# Starts a build on DATA_DIR and waits for readiness; sets READY_S, SPRING_S and RSS_MB.
start_and_time() { # build log-file
	local out=$2 http db t0 deadline args
	read -ra args <<<"$(java_args "$1")"
	http="$(free_port)"
	db="$(free_port "$http")"
	t0=$(date +%s.%N)
	local dir="$ROOT"
	[[ "$1" == new-cds ]] && dir="$CDS_DIR"
	(cd "$dir" && exec env -u AMIQUS_API_TOKEN -u SPRING_DATASOURCE_URL "SERVER_PORT=$http" "RECEIVER_DATA_DIR=$DATA_DIR" \
		"RECEIVER_EMBEDDED_DB_PORT=$db" "AMIQUS_DEMO_ENABLED=false" "AMIQUS_WEBHOOK_SECRETS=startup-bench" \
		java "${args[@]}") >"$out" 2>&1 &
	SERVICE_PID=$!
	deadline=$(($(date +%s) + STARTUP_TIMEOUT))
	until curl -fsS --max-time 2 "http://127.0.0.1:$http/actuator/health/readiness" 2>/dev/null | grep -q '"status":"UP"'; do
		kill -0 "$SERVICE_PID" 2>/dev/null || { tail -n 40 "$out" >&2; die "the service ($1) exited during start-up"; }
		(($(date +%s) < deadline)) || die "the service ($1) was not ready within ${STARTUP_TIMEOUT}s"
		sleep "$POLL"
	done
	READY_S="$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')"
	# Spring's own figure: "Started ... in 7.3 seconds (process running for 8.1)".
	SPRING_S="$(sed -n 's/.*Started .* in \([0-9.]*\) seconds.*/\1/p' "$out" | head -n1)"
	RSS_MB=$(($(proc_kb "$SERVICE_PID") / 1024))
	if [[ "$1" == new-cds ]] && grep -q 'Unable to use shared archive\|shared class paths mismatch\|Required classpath entry' "$out"; then
		log "WARNING: the JVM did not use the CDS archive: $(grep -m1 'cds' "$out")"
	fi
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b + 0 > 0) printf "%.2f", a / b; else print "n/a" }'; }

echo "== start-up to readiness: builds ${BUILDS[*]}; $RUNS round(s), per build one fresh data dir started twice; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
[[ " ${BUILDS[*]} " == *" base "* ]] && echo "   base:    $BASE_JAR"
echo "   new:     $JAR"
[[ "$CDS" == 1 ]] && echo "   new-cds: $CDS_DIR (training run ${TRAIN_S}s)"
printf '| %-3s | %-7s | %-8s | %13s | %14s | %13s |\n' run build data "ready s" "Spring says s" "RSS ready MB"
echo "|-----|---------|----------|---------------|----------------|---------------|"
declare -A FRESH=() EXISTING=() RSS=()
n=${#BUILDS[@]}
for run in $(seq 1 "$RUNS"); do
	for i in $(seq 0 $((n - 1))); do
		build="${BUILDS[$(((i + run - 1) % n))]}" # rotate the order from round to round
		DATA_DIR="$BENCH_TMP/run$run-$build/data"
		mkdir -p "$DATA_DIR"
		for kind in fresh existing; do
			start_and_time "$build" "$BENCH_TMP/run$run-$build/$kind.log"
			printf '| %-3s | %-7s | %-8s | %13s | %14s | %13s |\n' "$run" "$build" "$kind" "$READY_S" "${SPRING_S:--}" "$RSS_MB"
			if [[ "$kind" == fresh ]]; then FRESH[$build]+="$READY_S "; else EXISTING[$build]+="$READY_S "; fi
			RSS[$build]+="$RSS_MB "
			stop_service
		done
	done
done
echo
declare -A F_MED=() E_MED=() R_MED=()
printf '| %-7s | %17s | %20s | %16s | %15s | %18s |\n' build "fresh median s" "existing median s" "RSS ready MB" "fresh / base" "existing / base"
echo "|---------|-------------------|----------------------|------------------|-----------------|--------------------|"
for build in "${BUILDS[@]}"; do
	F_MED[$build]="$(tr ' ' '\n' <<<"${FRESH[$build]}" | grep . | median)"
	E_MED[$build]="$(tr ' ' '\n' <<<"${EXISTING[$build]}" | grep . | median)"
	R_MED[$build]="$(tr ' ' '\n' <<<"${RSS[$build]}" | grep . | median)"
	printf '| %-7s | %17s | %20s | %16s | %15s | %18s |\n' "$build" "${F_MED[$build]}" "${E_MED[$build]}" "${R_MED[$build]}" \
		"$(ratio "${F_MED[$build]}" "${F_MED[base]:-}")" "$(ratio "${E_MED[$build]}" "${E_MED[base]:-}")"
done
echo
# The names bench/suite.sh always had are this build as java -jar runs it; the rest are new.
result startup.fresh_ready_s "${F_MED[new]}" s
result startup.existing_ready_s "${E_MED[new]}" s
result startup.service_rss_at_ready_mb "${R_MED[new]}" MB
if [[ "$CDS" == 1 ]]; then
	result startup.fresh_ready_s.cds "${F_MED[new-cds]}" s
	result startup.existing_ready_s.cds "${E_MED[new-cds]}" s
	result startup.service_rss_at_ready_mb.cds "${R_MED[new-cds]}" MB
	result startup.cds_training_s "$TRAIN_S" s
fi
if [[ -n "${F_MED[base]:-}" ]]; then
	result startup.fresh_ready_s.base "${F_MED[base]}" s
	result startup.existing_ready_s.base "${E_MED[base]}" s
	result startup.service_rss_at_ready_mb.base "${R_MED[base]}" MB
	result startup.existing_ratio_to_base "$(ratio "${E_MED[new]}" "${E_MED[base]}")" ratio
	result startup.fresh_ratio_to_base "$(ratio "${F_MED[new]}" "${F_MED[base]}")" ratio
	if [[ "$CDS" == 1 ]]; then
		result startup.existing_ratio_to_base.cds "$(ratio "${E_MED[new-cds]}" "${E_MED[base]}")" ratio
		result startup.fresh_ratio_to_base.cds "$(ratio "${F_MED[new-cds]}" "${F_MED[base]}")" ratio
	fi
fi
log "done"
