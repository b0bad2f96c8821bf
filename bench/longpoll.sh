#!/usr/bin/env bash
# Long-poll latency: time from a delivery's 202 to the answer of GET /api/events?wait=30s
# waiting for it (LISTEN/NOTIFY path), p50/p90/p99 over COUNT events, one at a time.
#
#   bench/longpoll.sh                        # builds the jar in a copy of the work tree
#   JAR=target/amiqus-webhook-receiver-0.1.0-SNAPSHOT.jar COUNT=300 bench/longpoll.sh
#
# Loopback only; fixed ports APP_PORT (19210) and DB_PORT (19211); everything it starts is
# stopped and its temp dir removed on exit.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
COUNT="${COUNT:-300}"
APP_PORT="${APP_PORT:-19210}"
DB_PORT="${DB_PORT:-19211}"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-240}"
WORK="${WORK:-/tmp/longpollbench}"
JAR="${JAR:-}"
KEY="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
SECRET="bench-secret"

BENCH_NAME=longpoll-bench
# shellcheck source=bench/lib.sh
source "$SCRIPT_DIR/lib.sh"
require_positive COUNT APP_PORT DB_PORT
[[ -e "$WORK" ]] && die "$WORK exists: remove it or set WORK"

SERVICE_PID=""
cleanup() {
	local status=$?
	if [[ -n "$SERVICE_PID" ]] && kill -0 "$SERVICE_PID" 2>/dev/null; then
		kill -TERM "$SERVICE_PID" 2>/dev/null || true
		for _ in $(seq 1 600); do kill -0 "$SERVICE_PID" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$SERVICE_PID" 2>/dev/null && kill -KILL "$SERVICE_PID" 2>/dev/null || true
		wait "$SERVICE_PID" 2>/dev/null || true
	fi
	local pidfile="$WORK/data/pg/postmaster.pid"
	if [[ -f "$pidfile" ]]; then
		local pgpid
		pgpid="$(head -1 "$pidfile")"
		if [[ -n "$pgpid" ]] && kill -0 "$pgpid" 2>/dev/null; then
			kill -INT "$pgpid" 2>/dev/null || true
			for _ in $(seq 1 300); do kill -0 "$pgpid" 2>/dev/null || break; sleep 0.1; done
		fi
	fi
	rm -rf "$WORK"
	exit "$status"
}
trap cleanup EXIT INT TERM

mkdir -p "$WORK"
if [[ -z "$JAR" ]]; then
	log "building the jar in a copy of the work tree ($WORK/src)"
	mkdir -p "$WORK/src"
	tar -C "$ROOT" --exclude=./target --exclude=./.git --exclude=./data -cf - . | tar -C "$WORK/src" -xf -
	(cd "$WORK/src" && ./mvnw -q -DskipTests package) || die "build failed"
	JAR="$(ls "$WORK"/src/target/amiqus-webhook-receiver-*.jar | grep -v plain | head -1)"
fi
[[ -f "$JAR" ]] || die "JAR=$JAR does not exist"

log "starting the service on :$APP_PORT, embedded PostgreSQL on :$DB_PORT"
AMIQUS_DEMO_ENABLED=false RECEIVER_DATA_DIR="$WORK/data" RECEIVER_EMBEDDED_DB_PORT="$DB_PORT" RECEIVER_API_KEYS="$KEY" \
	SERVER_PORT="$APP_PORT" AMIQUS_WEBHOOK_SECRETS="$SECRET" \
	java -Xms256m -Xmx512m -jar "$JAR" >"$WORK/service.log" 2>&1 &
SERVICE_PID=$!
for i in $(seq 1 "$STARTUP_TIMEOUT"); do
	curl -fs "http://localhost:$APP_PORT/actuator/health" >/dev/null 2>&1 && break
	kill -0 "$SERVICE_PID" 2>/dev/null || { tail -50 "$WORK/service.log" >&2; die "the service died at start-up"; }
	(( i == STARTUP_TIMEOUT )) && die "the service did not start within ${STARTUP_TIMEOUT}s"
	sleep 1
done

log "measuring $COUNT long polls"
timeout 600 java "$SCRIPT_DIR/LongPollLatency.java" "http://localhost:$APP_PORT" "$KEY" "$SECRET" "$COUNT"
