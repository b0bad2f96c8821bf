#!/usr/bin/env bash
# The whole benchmark suite in one command, with one table at the end.
#
#   bench/suite.sh                        # everything, about 15-20 minutes on an idle 2-core box
#   QUICK=1 bench/suite.sh                # a smoke run: a few seconds of each part (~4-6 min), junk numbers
#   PARTS="ingest query" bench/suite.sh   # some parts only (the others are carried over)
#   BASE=0961622 bench/suite.sh           # each part also against that build, in the same run
#
# Runs, in this order and each with its own fresh service and embedded PostgreSQL:
#   ingest      bench/ingest.sh: throughput, latency percentiles, ratio to pgbench, and the
#               service's and PostgreSQL's memory (RSS) sampled under that load
#   enrichment  bench/enrichment.sh: API calls per event, receive-to-enriched lag
#   query       bench/query.sh: query API latencies at 1,000,000 events
#   startup     bench/startup.sh: launch to /actuator/health/readiness UP, fresh and existing data dir
#   ratelimit   bench/ratelimit.sh: draining a backlog against an emulator enforcing 200 calls a minute
# Each script appends "RESULT <name>=<value> unit=<unit>" lines to the file named by
# BENCH_RESULTS. The suite prints one markdown table (metric | value | target | previous |
# change) and writes it with the machine facts to RESULTS_DIR/latest.md, and the raw lines to
# RESULTS_DIR/latest.txt; "previous" comes from latest.txt as committed at HEAD, read before
# it is overwritten. With BASE (a git revision) or BASE_JAR (a jar), each part runs first
# against that build and then against this one, back to back, and "previous" is the base
# build's figure from this very run: these machines drift, so only a ratio measured within
# one run means anything. See bench/README.md.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

ALL_PARTS="ingest enrichment query startup ratelimit"
QUICK="${QUICK:-0}"
PARTS="${PARTS:-$ALL_PARTS}"
BUILD="${BUILD:-1}"          # 1: build the jar first (./mvnw -q -B -DskipTests package); 0: use JAR as it is
JAR="${JAR:-$ROOT/target/amiqus-webhook-receiver-0.1.0-SNAPSHOT.jar}"
STRICT_TARGETS="${STRICT_TARGETS:-0}" # 1: exit 3 when a target is missed
if [[ "$QUICK" == 1 ]]; then
	# A smoke run goes elsewhere, so it is never mistaken for (or committed as) real results.
	RESULTS_DIR="${RESULTS_DIR:-$ROOT/target/bench-results-quick}"
else
	RESULTS_DIR="${RESULTS_DIR:-$ROOT/bench/results}"
fi
PREVIOUS="${PREVIOUS:-}"     # file with the previous RESULT lines; default: latest.txt at HEAD
BASE="${BASE:-}"             # a git revision: build it and run each part against it first, in this run
BASE_JAR="${BASE_JAR:-}"     # or the base build's jar as it is
BASE_PARTS="${BASE_PARTS:-$PARTS}" # the parts that also run against the base build
# Parts whose script runs a base jar beside this build itself (BASE_JAR), interleaved, and
# writes the base's figures as RESULT <name>.base: the suite hands them BASE_JAR instead of
# running them twice.
NATIVE_BASE_PARTS="ingest startup ratelimit"

BENCH_NAME=suite
LOAD_JAVA_OPTS=""
# shellcheck source=bench/lib.sh
source "$SCRIPT_DIR/lib.sh"

[[ "$QUICK" == 0 || "$QUICK" == 1 ]] || die "QUICK is 0 or 1 (got '$QUICK')"
for p in $PARTS; do
	[[ " $ALL_PARTS " == *" $p "* ]] || die "unknown part '$p' (known: $ALL_PARTS)"
done
[[ -n "${PARTS// /}" ]] || die "PARTS is empty"

# --------------------------------------------------------------------------- settings per part
# Every setting of the part scripts passes through from the environment; the suite only sets
# defaults for what it shortens. A variable given on the command line wins.
if [[ "$QUICK" == 1 ]]; then
	export DURATION="${DURATION:-3}" WARMUP="${WARMUP:-1}" CLOSED_WARMUP="${CLOSED_WARMUP:-3}"
	export PHASES="${PHASES:-a a2}" N="${N:-100}" A2_N="${A2_N:-40}" A2_RATE="${A2_RATE:-20}"
	export EVENTS="${EVENTS:-20000}" SNAPSHOTS="${SNAPSHOTS:-2000}" REQUESTS="${REQUESTS:-200}"
	export CONCURRENCIES="${CONCURRENCIES:-1 4}" MAX_SECONDS="${MAX_SECONDS:-30}"
	export RUNS="${RUNS:-1}"
	RATELIMIT_N="${RATELIMIT_N:-300}" RATELIMIT_OBJECTS="${RATELIMIT_OBJECTS:-120}"
else
	# ratelimit: issue 15's case, 5,000 events about 2,000 records at 200 calls a minute (~12 min)
	RATELIMIT_N="${RATELIMIT_N:-5000}" RATELIMIT_OBJECTS="${RATELIMIT_OBJECTS:-2000}"
	# enrichment: distinct records drained as a backlog (a), at a steady rate (a2) and bursts (b);
	# its phase c (ingest against an 8 s Amiqus, ~2 minutes) only when PHASES asks for it.
	export PHASES="${PHASES:-a a2 b}"
fi
SETTINGS="ingest: CONCURRENCY=${CONCURRENCY:-32} DURATION=${DURATION:-30} CLOSED_WARMUP=${CLOSED_WARMUP:-20} WARMUP=${WARMUP:-5} RATE=${RATE:-1000}; enrichment: PHASES=\"$PHASES\" N=${N:-2000} A2_N=${A2_N:-600} A2_RATE=${A2_RATE:-40} LATENCY=${LATENCY:-50ms}; query: EVENTS=${EVENTS:-1000000} SNAPSHOTS=${SNAPSHOTS:-100000} REQUESTS=${REQUESTS:-2000} CONCURRENCIES=\"${CONCURRENCIES:-1 4}\"; startup: RUNS=${RUNS:-3}; ingest ROUNDS=${ROUNDS:-2} with a base build; ratelimit: N=$RATELIMIT_N OBJECTS=$RATELIMIT_OBJECTS LIMIT=${LIMIT:-200}/${WINDOW:-60}s"
MODE="$([[ "$QUICK" == 1 ]] && echo quick || echo full)"

# --------------------------------------------------------------------------- cleanup
BENCH_TMP="$(mktemp -d "${TMPDIR:-/tmp}/bench-suite.XXXXXX")"
CHILD_PID=""
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [[ -n "$CHILD_PID" ]] && kill -0 "$CHILD_PID" 2>/dev/null; then
		log "stopping the running part (pid $CHILD_PID); it stops what it started"
		kill -TERM "$CHILD_PID" 2>/dev/null || true
		wait "$CHILD_PID" 2>/dev/null || true
	fi
	rm -rf "$BENCH_TMP"
	exit "$rc"
}
exit_through cleanup

cd "$ROOT"
require_commands java git
# ingest and enrichment send their load with wrk: say so now, not a quarter of an hour in
[[ " $PARTS " == *" ingest "* || " $PARTS " == *" enrichment "* ]] && require_wrk
SUITE_T0=$SECONDS

# --------------------------------------------------------------------------- previous results
PREV_FILE="$BENCH_TMP/previous.txt"
PREV_FROM="none"
[[ -z "$BASE" || -z "$BASE_JAR" ]] || die "set BASE (a revision) or BASE_JAR (a jar), not both"
if [[ -n "$BASE" || -n "$BASE_JAR" ]]; then
	: # filled in by the base runs below
elif [[ -n "$PREVIOUS" ]]; then
	cp "$PREVIOUS" "$PREV_FILE" && PREV_FROM="$PREVIOUS"
else
	rel="${RESULTS_DIR#"$ROOT"/}"
	if [[ "$rel" != /* ]] && git show "HEAD:$rel/latest.txt" >"$PREV_FILE" 2>/dev/null; then
		PREV_FROM="$rel/latest.txt at HEAD ($(git rev-parse --short HEAD))"
	elif [[ -f "$RESULTS_DIR/latest.txt" ]]; then
		cp "$RESULTS_DIR/latest.txt" "$PREV_FILE"
		PREV_FROM="$RESULTS_DIR/latest.txt"
	fi
fi
[[ -f "$PREV_FILE" ]] || : >"$PREV_FILE"
if [[ -n "$BASE" || -n "$BASE_JAR" ]]; then
	# only for the parts this run leaves out, which are carried over
	git show "HEAD:${RESULTS_DIR#"$ROOT"/}/latest.txt" >"$PREV_FILE" 2>/dev/null || true
fi
prev_suite="$(sed -n 's/^# suite //p' "$PREV_FILE" | head -n1)"
[[ -n "$prev_suite" ]] && PREV_FROM="$PREV_FROM: $prev_suite"
declare -A PREV=()
while IFS='=' read -r name value; do
	PREV[$name]="$value"
done < <(sed -n 's/^RESULT \([^ =]*\)=\([^ ]*\) .*/\1=\2/p' "$PREV_FILE")
log "previous results: $PREV_FROM (${#PREV[@]} figures)"

# --------------------------------------------------------------------------- machine facts
# The same fixed work on one core, timed at the start and the end of the run. This VM's speed
# drifts (the same build measured 1,650 and 2,550 deliveries/s an hour apart): compare this
# figure before comparing any other with an earlier run.
cpu_canary() {
	local t0 t1
	t0="$(date +%s%N)"
	awk 'BEGIN { for (i = 0; i < 10000000; i++) s += i % 7 }'
	t1="$(date +%s%N)"
	awk -v ns="$((t1 - t0))" 'BEGIN { printf "%.2f", ns / 1e9 }'
}
CANARY_START="$(cpu_canary)"
COMMIT="$(git rev-parse --short HEAD)"
git diff --quiet HEAD -- src pom.xml db bench ':!bench/results' 2>/dev/null || COMMIT="$COMMIT (with uncommitted changes)"
DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
MACHINE=(
	"commit: $COMMIT on branch $(git rev-parse --abbrev-ref HEAD)"
	"date: $DATE"
	"cores: $(nproc) ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1))"
	"memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	"JDK: $(java -version 2>&1 | head -n1)"
	"kernel: $(uname -sr)"
	"load before the run: load average $(cut -d' ' -f1-3 /proc/loadavg), $(busy_pct 2)% of all cores busy over 2 s"
)
printf '%s\n' "${MACHINE[@]}" | sed 's/^/  /' >&2
[[ "${MACHINE[6]}" =~ ([0-9]+)%\ of ]] && ((BASH_REMATCH[1] > 20)) &&
	log "WARNING: the machine is busy with other work: every number below is skewed"

# --------------------------------------------------------------------------- build
if [[ "$BUILD" == 1 ]]; then
	log "building the jar (./mvnw -q -B -DskipTests package)"
	./mvnw -q -B -DskipTests package
fi
[[ -f "$JAR" ]] || die "$JAR does not exist (BUILD=1 builds it)"
export JAR

# --------------------------------------------------------------------------- the base build
# Built from its own detached worktree, so the working tree is never touched.
BASE_LABEL=""
if [[ -n "$BASE" ]]; then
	base_rev="$(git rev-parse --short "$BASE^{commit}")" || die "BASE=$BASE is not a revision"
	log "building the base build $base_rev in a worktree of its own"
	git worktree add --detach "$BENCH_TMP/base-src" "$base_rev" >/dev/null
	(cd "$BENCH_TMP/base-src" && ./mvnw -q -B -DskipTests package)
	BASE_JAR="$(ls "$BENCH_TMP"/base-src/target/amiqus-webhook-receiver-*.jar | grep -v plain | head -n1)"
	cp "$BASE_JAR" "$BENCH_TMP/base.jar"
	BASE_JAR="$BENCH_TMP/base.jar"
	git worktree remove --force "$BENCH_TMP/base-src"
	BASE_LABEL="$base_rev"
elif [[ -n "$BASE_JAR" ]]; then
	[[ -f "$BASE_JAR" ]] || die "BASE_JAR=$BASE_JAR does not exist"
	BASE_LABEL="$(basename "$BASE_JAR")"
fi

# --------------------------------------------------------------------------- the parts
declare -A PART_RC=() PART_S=()
run_part() { # part build(new|base) env...
	local part=$1 build=$2 rc=0 t0=$SECONDS jar="$JAR" results="$BENCH_TMP/$part.results"
	shift 2
	if [[ "$build" == base ]]; then
		jar="$BASE_JAR" results="$BENCH_TMP/$part.base.results"
	fi
	log "===== part $part: bench/$part.sh against the $build build ($(basename "$jar"))"
	: >"$results"
	# BASE_JAR is emptied for the part: the suite itself runs each build.
	env "BENCH_RESULTS=$results" STRICT_TARGETS=0 "JAR=$jar" BASE_JAR= "$@" "$SCRIPT_DIR/$part.sh" &
	CHILD_PID=$!
	wait "$CHILD_PID" || rc=$?
	CHILD_PID=""
	if [[ "$build" == base ]]; then
		BASE_RC[$part]=$rc
	else
		PART_RC[$part]=$rc
		PART_S[$part]=$((SECONDS - t0))
	fi
	((rc == 0)) || log "part $part ($build build) exited $rc: its figures so far are kept, the suite goes on"
	log "===== part $part ($build build) done in $((SECONDS - t0))s"
}
declare -A BASE_RC=()
for part in $ALL_PARTS; do
	[[ " $PARTS " == *" $part "* ]] || continue
	args=()
	if [[ "$part" == query ]]; then
		app_port="${APP_PORT:-$(free_port)}"
		args=("WORK=$BENCH_TMP/query" "APP_PORT=$app_port" "DB_PORT=${DB_PORT:-$(free_port "$app_port")}")
	elif [[ "$part" == ratelimit ]]; then
		# its own names for what enrichment and ingest call N and CONCURRENCY
		args=("N=$RATELIMIT_N" "OBJECTS=$RATELIMIT_OBJECTS" "CONCURRENCY=8" "LATENCY=50ms")
	fi
	if [[ -n "$BASE_JAR" && " $BASE_PARTS " == *" $part "* ]]; then
		if [[ " $NATIVE_BASE_PARTS " == *" $part "* ]]; then
			run_part "$part" new "${args[@]}" "BASE_JAR=$BASE_JAR"
			BASE_RC[$part]=native
			continue
		fi
		run_part "$part" base "${args[@]}"
		[[ "$part" == query ]] && rm -rf "$BENCH_TMP/query"
	fi
	run_part "$part" new "${args[@]}"
done

# With a base build, "previous" is its figures from this run (a part it did not run keeps the
# committed previous figures).
if [[ -n "$BASE_JAR" ]]; then
	for part in "${!BASE_RC[@]}"; do
		if [[ "${BASE_RC[$part]}" == native ]]; then
			# the script's own base figures: RESULT <name>.base
			while IFS='=' read -r name value; do
				PREV[${name%.base}]="$value"
			done < <(sed -n 's/^RESULT \([^ =]*\.base\)=\([^ ]*\) .*/\1=\2/p' "$BENCH_TMP/$part.results")
			continue
		fi
		while IFS='=' read -r name value; do
			PREV[$name]="$value"
		done < <(sed -n 's/^RESULT \([^ =]*\)=\([^ ]*\) .*/\1=\2/p' "$BENCH_TMP/$part.base.results")
	done
	PREV_FROM="the base build $BASE_LABEL, run in this suite just before this build, part by part (${!BASE_RC[*]})"
fi

# --------------------------------------------------------------------------- raw results
NEW_TXT="$BENCH_TMP/latest.txt"
{
	echo "# bench/suite.sh raw results: one section per part, each with the run it comes from."
	echo "# suite mode=$MODE commit=${COMMIT%% *} date=$DATE"
	for part in $ALL_PARTS; do
		if [[ -n "${PART_RC[$part]:-}" ]]; then
			echo "# part=$part rc=${PART_RC[$part]} wall_s=${PART_S[$part]} mode=$MODE commit=${COMMIT%% *} date=$DATE"
			cat "$BENCH_TMP/$part.results"
			if [[ -n "${BASE_RC[$part]:-}" && "${BASE_RC[$part]}" != native ]]; then
				# The base build's figures from this run, commented out so that they are never
				# read as this build's.
				echo "#   base build $BASE_LABEL, rc=${BASE_RC[$part]}:"
				sed 's/^/#   /' "$BENCH_TMP/$part.base.results"
			fi
		else
			# Not run this time: carried over from the previous file, with its own header.
			awk -v p="# part=$part " 'index($0, "# part=") == 1 { on = (index($0, p) == 1) } on' "$PREV_FILE" |
				sed '1{/carried-over=yes/!s/$/ carried-over=yes/}'
		fi
	done
} >"$NEW_TXT"

# --------------------------------------------------------------------------- the table
# meta NAME: sets LABEL, TARGET (text), CHECK (awk condition on v, empty: no target) and DIR
# (+: higher is better, -: lower is better, empty: neither).
meta() {
	LABEL="" TARGET="" CHECK="" DIR=""
	case "$1" in
		ingest.closed_throughput) LABEL="ingest: closed loop throughput (stored)" TARGET="≥ 0.95 × previous" CHECK="v >= 0.95 * p" DIR=+ ;;
		ingest.closed_p50_ms) LABEL="ingest: closed loop p50" DIR=- ;;
		ingest.closed_p99_ms) LABEL="ingest: closed loop p99" DIR=- ;;
		ingest.open_rate) LABEL="ingest: open loop rate" ;;
		ingest.open_answered_per_s) LABEL="ingest: open loop answered/s" DIR=+ ;;
		ingest.open_p50_ms) LABEL="ingest: open loop p50" DIR=- ;;
		ingest.open_p99_ms) LABEL="ingest: open loop p99 (at 1,000/s)" TARGET="< 20" CHECK="v < 20" DIR=- ;;
		ingest.open_p999_ms) LABEL="ingest: open loop p99.9" DIR=- ;;
		ingest.pgbench_tps) LABEL="ingest: pgbench same INSERT" DIR=+ ;;
		ingest.ratio_to_pgbench) LABEL="ingest: ratio service / pgbench same INSERT" DIR=+ ;;
		ingest.lean_pgbench_tps) LABEL="ingest: pgbench lean single-row INSERT … ON CONFLICT (the ceiling)" DIR=+ ;;
		ingest.ratio_to_lean_pgbench) LABEL="ingest: ratio service / lean pgbench ceiling" TARGET="≥ 1.0" CHECK="v >= 1.0" DIR=+ ;;
		ingest.non202_errors) LABEL="ingest: non-202 answers + I/O errors" TARGET="0" CHECK="v == 0" DIR=- ;;
		ingest.row_check) LABEL="ingest: rows stored = new 202 answers" ;;
		ingest.machine_busy_before_pct) LABEL="ingest: machine busy before the load" ;;
		memory.service_vmhwm_mb) LABEL="memory: service peak RSS (VmHWM) under ingest load" TARGET="≤ 0.5 × previous" CHECK="v <= 0.5 * p" DIR=- ;;
		memory.service_rss_max_mb) LABEL="memory: service max sampled VmRSS under ingest load" DIR=- ;;
		memory.postgres_rss_sum_max_mb) LABEL="memory: embedded PostgreSQL RSS summed over its processes" DIR=- ;;
		memory.postgres_pss_sum_max_mb) LABEL="memory: embedded PostgreSQL PSS summed over its processes" DIR=- ;;
		memory.service_threads_max) LABEL="memory: service threads under ingest load" DIR=- ;;
		enrichment.*)
			local rest="${1#enrichment.}" phase metric
			phase="${rest%%.*}" metric="${rest#*.}"
			case "$metric" in
				events) LABEL="events" ;;
				api_calls) LABEL="API calls" ;;
				calls_per_event) LABEL="API calls per event" DIR=- ;;
				verdict) LABEL="calls verdict" ;;
				enriched_per_s) LABEL="enriched/s" DIR=+ ;;
				lag_p50_s) LABEL="lag p50 (received to enriched)" DIR=- ;;
				lag_p99_s) LABEL="lag p99 (received to enriched)" DIR=- ;;
				lag_max_s) LABEL="lag max (received to enriched)" DIR=- ;;
				throughput) LABEL="ingest throughput" DIR=+ ;;
				p99_ms) LABEL="ingest p99" DIR=- ;;
				throughput_ratio_on_off) LABEL="ingest throughput, enrichment on / off" DIR=+ ;;
				*) LABEL="$metric" ;;
			esac
			LABEL="enrichment ($phase): $LABEL"
			if [[ "$metric" == calls_per_event && ("$phase" == a || "$phase" == a2) ]]; then
				LABEL="$LABEL, distinct records" TARGET="= 1.0" CHECK="v == 1"
			fi
			;;
		query.events) LABEL="query: events loaded" ;;
		query.load_s) LABEL="query: time to load them" ;;
		query.c*.*.*)
			local rest="${1#query.c}" workers scenario metric
			workers="${rest%%.*}" rest="${rest#*.}"
			scenario="${rest%%.*}" metric="${rest#*.}"
			LABEL="query $scenario, $workers worker(s): ${metric%_ms}"
			case "$metric" in
				p99_ms) TARGET="< 20" CHECK="v < 20" DIR=- ;;
				p50_ms) DIR=- ;;
				req_per_s) LABEL="${LABEL%: *}: throughput" DIR=+ ;;
				failures) TARGET="0" CHECK="v == 0" DIR=- ;;
			esac
			;;
		startup.fresh_ready_s) LABEL="start-up to readiness, fresh data dir, java -jar (median)" DIR=- ;;
		startup.existing_ready_s) LABEL="start-up to readiness, existing data dir, java -jar (median)" DIR=- ;;
		startup.fresh_ready_s.cds) LABEL="start-up to readiness, fresh data dir, with the CDS archive (median)" DIR=- ;;
		startup.existing_ready_s.cds) LABEL="start-up to readiness, existing data dir, with the CDS archive (median)" DIR=- ;;
		startup.service_rss_at_ready_mb.cds) LABEL="memory: service RSS when just ready, with the CDS archive (median)" DIR=- ;;
		startup.existing_ratio_to_base) LABEL="start-up, existing data dir: java -jar / base build" TARGET="≤ 0.25" CHECK="v <= 0.25" DIR=- ;;
		startup.existing_ratio_to_base.cds) LABEL="start-up, existing data dir: with CDS / base build" TARGET="≤ 0.25" CHECK="v <= 0.25" DIR=- ;;
		startup.fresh_ratio_to_base) LABEL="start-up, fresh data dir: java -jar / base build" DIR=- ;;
		startup.fresh_ratio_to_base.cds) LABEL="start-up, fresh data dir: with CDS / base build" DIR=- ;;
		startup.cds_training_s) LABEL="start-up: the CDS training run" ;;
		startup.service_rss_at_ready_mb) LABEL="memory: service RSS when just ready (median)" DIR=- ;;
		ratelimit.calls_per_object) LABEL="rate limit: Amiqus calls per object" DIR=- ;;
		ratelimit.rate_limited) LABEL="rate limit: calls refused with 429" TARGET="0" CHECK="v == 0" DIR=- ;;
		ratelimit.drain_s) LABEL="rate limit: time to drain the backlog" DIR=- ;;
		ratelimit.bound_s) LABEL="rate limit: the limit's own bound for those calls" ;;
		ratelimit.drain_vs_bound) LABEL="rate limit: drain time / the limit's bound" TARGET="≤ 1.10" CHECK="v <= 1.10" DIR=- ;;
		ratelimit.drain_vs_ideal) LABEL="rate limit: drain time / bound at one call per object" DIR=- ;;
		ratelimit.pending) LABEL="rate limit: events still pending at the end" TARGET="0" CHECK="v == 0" DIR=- ;;
		*) LABEL="$1" ;;
	esac
}
is_num() { [[ "$1" =~ ^-?[0-9]+(\.[0-9]+)?$ ]]; }

TABLE="$BENCH_TMP/table.md"
MISSED=()
{
	echo "| metric | value | target | previous | change |"
	echo "|---|---:|---|---:|---|"
	section="" carried=""
	while IFS= read -r line; do
		if [[ "$line" == "# part="* ]]; then
			carried=""
			[[ "$line" == *carried-over=yes* ]] && carried="not run; from $(sed -n 's/.* commit=\([^ ]*\) date=\([^ ]*\).*/\1, \2/p' <<<"$line")"
			continue
		fi
		[[ "$line" =~ ^RESULT\ ([^ =]+)=([^ ]*)\ unit=(.*)$ ]] || continue
		name="${BASH_REMATCH[1]}" value="${BASH_REMATCH[2]}" unit="${BASH_REMATCH[3]}"
		[[ "$name" == *.base ]] && continue # shown as "previous" of <name>
		meta "$name"
		[[ " - ratio count " == *" $unit "* ]] || LABEL="$LABEL, $unit"
		target="—"
		prev="${PREV[$name]:-}"
		if [[ -n "$CHECK" && "$CHECK" == *p* ]] && ! is_num "$prev"; then
			target="$TARGET: no previous figure"
		elif [[ -n "$CHECK" ]]; then
			if is_num "$value" && awk -v v="$value" -v p="$prev" "BEGIN { exit !($CHECK) }"; then
				target="$TARGET: met"
			else
				target="$TARGET: **missed**"
				[[ -z "$carried" ]] && MISSED+=("$name=$value (target $TARGET)")
			fi
		fi
		change="—"
		if [[ -n "$carried" ]]; then
			change="$carried"
		elif is_num "$value" && is_num "$prev"; then
			change="$(awk -v v="$value" -v p="$prev" -v d="$DIR" 'BEGIN {
				if (p == 0) { print (v == 0) ? "0" : "new non-zero"; exit }
				c = 100 * (v - p) / p
				s = sprintf("%+.1f %%", c)
				if (d != "" && (c >= 5 || c <= -5)) s = s (((c > 0) == (d == "+")) ? " (better)" : " (**worse**)")
				print s }')"
		elif [[ -n "$prev" && "$prev" != "$value" ]]; then
			change="was $prev"
		fi
		echo "| $LABEL | $value | $target | ${prev:-—} | $change |"
	done <"$NEW_TXT"
} >"$TABLE"

# --------------------------------------------------------------------------- write and print
mkdir -p "$RESULTS_DIR"
cp "$NEW_TXT" "$RESULTS_DIR/latest.txt"
TOTAL_S=$((SECONDS - SUITE_T0))
{
	echo "# Benchmark results"
	echo
	printf 'Written by `bench/suite.sh` (%s run, %d min %d s); the raw figures are in\n' "$MODE" $((TOTAL_S / 60)) $((TOTAL_S % 60))
	printf '[latest.txt](latest.txt). "previous" is %s.\n' "$PREV_FROM"
	[[ "$QUICK" == 1 ]] && echo && echo "**QUICK=1 smoke run: the numbers only show that the scripts work.**"
	echo
	echo "## Machine"
	echo
	printf -- '- %s\n' "${MACHINE[@]}"
	echo "- CPU canary (a fixed awk loop on one core; lower is faster): ${CANARY_START} s at the start, $(cpu_canary) s at the end"
	echo "- settings: $SETTINGS"
	echo
	echo "## Parts"
	echo
	echo "| part | script | exit | wall time |"
	echo "|---|---|---|---|"
	for part in $ALL_PARTS; do
		if [[ -n "${PART_RC[$part]:-}" ]]; then
			printf '| %s | `bench/%s.sh` | %s | %s s |\n' "$part" "$part" "${PART_RC[$part]}" "${PART_S[$part]}"
		else
			printf '| %s | `bench/%s.sh` | not run | — |\n' "$part" "$part"
		fi
	done
	echo
	echo "## Results"
	echo
	echo "Change is (value − previous) / previous; (better) or (**worse**) from ±5 % on, for figures"
	echo 'with a direction. Memory is measured during the ingest part: VmHWM and VmRSS from'
	echo '`/proc/<pid>/status` of the service JVM; for PostgreSQL the RSS summed over the postmaster and'
	echo 'its backends counts the shared buffers once per process, the PSS sum shares them out.'
	echo
	cat "$TABLE"
} >"$RESULTS_DIR/latest.md"

echo
echo "== bench/suite.sh: $MODE run, ${TOTAL_S}s, commit $COMMIT, previous: $PREV_FROM"
cat "$TABLE"
echo
log "wrote $RESULTS_DIR/latest.md and $RESULTS_DIR/latest.txt"

FAILED_PARTS=()
for part in "${!PART_RC[@]}"; do
	((PART_RC[$part] == 0)) || FAILED_PARTS+=("$part (exit ${PART_RC[$part]})")
done
((${#MISSED[@]} == 0)) || log "targets missed: ${MISSED[*]}"
if ((${#FAILED_PARTS[@]} > 0)); then
	log "FAILED parts: ${FAILED_PARTS[*]}"
	exit 1
fi
if [[ "$STRICT_TARGETS" == 1 ]] && ((${#MISSED[@]} > 0)); then
	exit 3
fi
log "done"
