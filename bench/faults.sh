#!/usr/bin/env bash
# Runs the fault tests and gathers their reports into one table.
#
#   bench/faults.sh                 # every *FaultTests class; writes bench/results/faults.md
#   TESTS='Crash*FaultTests' bench/faults.sh
#   GATHER_ONLY=1 bench/faults.sh   # no test run: gather the reports already in target/fault-reports/
#
# Each fault test writes one report, target/fault-reports/<fault>.md: the header of
# src/test/java/dev/aqid/receiver/support/FaultReport.java and one row (sent, acknowledged,
# stored, enriched, duplicates, lost). The fault tests run under Failsafe (pom.xml: surefire
# leaves *FaultTests out, failsafe runs them in integration-test). This script removes old
# reports, runs only them (no unit tests, no jar)
#   ./mvnw -q test-compile failsafe:integration-test failsafe:verify -Dit.test='*FaultTests'
# and writes the header once plus every row, sorted by fault, with the machine facts and the
# test outcome to OUT (bench/results/faults.md). With no report at all (no fault test exists
# or none ran) it says so and leaves OUT as it was.
# Exit status: the test run's (non-zero when a fault test failed), else 1 when a row has
# lost > 0, else 0.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
TESTS="${TESTS:-*FaultTests}"
OUT="${OUT:-$ROOT/bench/results/faults.md}"
REPORTS="$ROOT/target/fault-reports"
GATHER_ONLY="${GATHER_ONLY:-0}"

log() { printf '[faults %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

cd "$ROOT"
t0=$SECONDS
rc=0
if [[ "$GATHER_ONLY" == 1 ]]; then
	log "GATHER_ONLY=1: no test run, gathering target/fault-reports/ as it is"
else
	rm -rf "$REPORTS" # reports of an earlier run must not pass for this one's
	log "running ./mvnw -q test-compile failsafe:integration-test failsafe:verify -Dit.test='$TESTS'"
	./mvnw -q test-compile failsafe:integration-test failsafe:verify "-Dit.test=$TESTS" || rc=$?
fi
took=$((SECONDS - t0))
log "tests finished in ${took}s, exit $rc"

shopt -s nullglob
reports=("$REPORTS"/*.md)
shopt -u nullglob
if ((${#reports[@]} == 0)); then
	log "no fault reports in target/fault-reports/: no test matching '$TESTS' exists on this branch or none got as far as writing its report"
	log "$OUT left unchanged"
	exit "$rc"
fi

HEADER="$(head -n 2 "${reports[0]}")"
TABLE="$(
	echo "$HEADER"
	for f in "${reports[@]}"; do
		# every line after the header: one row per report (more if a test wrote several)
		tail -n +3 "$f" | grep '^|' || log "WARNING: $(basename "$f") has no row"
	done | sort -f
)"
LOST="$(tail -n +3 <<<"$TABLE" | awk -F'|' '{ gsub(/ /, "", $8); if ($8 ~ /^[0-9]+$/) s += $8 } END { print s + 0 }')"

mkdir -p "$(dirname "$OUT")"
{
	echo "# Fault test results"
	echo
	printf 'Written by `bench/faults.sh` from %d report(s) in `target/fault-reports/`.\n' "${#reports[@]}"
	echo
	echo "- commit: $(git rev-parse --short HEAD) on branch $(git rev-parse --abbrev-ref HEAD)"
	echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "- machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), $(java -version 2>&1 | head -n1)"
	if [[ "$GATHER_ONLY" == 1 ]]; then
		echo "- gathered with GATHER_ONLY=1 from reports of an earlier test run"
	else
		printf -- '- command: `./mvnw -q test-compile failsafe:integration-test failsafe:verify -Dit.test=%s`, %d s, exit %d%s\n' \
			"'$TESTS'" "$took" "$rc" "$( ((rc == 0)) && echo " (all passed)" || echo " (**a test failed**)")"
	fi
	echo "- lost (acknowledged but not stored, must be 0) over all faults: $LOST"
	echo
	echo "$TABLE"
} >"$OUT"

echo
echo "$TABLE"
echo
log "wrote $OUT (${#reports[@]} report(s), lost total $LOST)"
((rc == 0)) || exit "$rc"
((LOST == 0)) || exit 1
