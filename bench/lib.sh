# Shared by the benchmark scripts: source it after setting BENCH_NAME, SCRIPT_DIR, JAR,
# BENCH_TMP and LOAD_JAVA_OPTS (JVM options of the request signer). Bash only.

log() { printf '[%s %(%H:%M:%S)T] %s\n' "$BENCH_NAME" -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Every named variable must hold a positive whole number.
require_positive() {
	local v
	for v in "$@"; do
		[[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
	done
}

build_jar_if_missing() {
	if [[ ! -f "$JAR" ]]; then
		log "building $JAR (./mvnw -q -B -DskipTests package)"
		./mvnw -q -B -DskipTests package
		[[ -f "$JAR" ]] || die "build finished but $JAR does not exist"
	fi
}

# Dies with how to install it when wrk (the HTTP load generator of the benchmarks) is missing.
require_wrk() {
	command -v wrk >/dev/null ||
		die "wrk not found: install it with 'sudo apt-get update && sudo apt-get install -y wrk' (Debian/Ubuntu package wrk)"
}

# Writes COUNT pre-signed deliveries into FILES files PREFIX.0 .. PREFIX.(FILES-1) (request i in
# file i mod FILES) with bench/SignRequests.java; more options (--alias, --record-ids, --burst,
# --duplicates-every) pass through. Needs LOAD_SECRET. SignRequests signs with the service's own
# AmiqusSignature, from target/classes, which the build (build_jar_if_missing) leaves there.
sign_requests() { # prefix count files [options...]
	local prefix=$1 count=$2 files=$3
	shift 3
	local classes="${LOAD_DIR:-$BENCH_TMP}/classes" service_classes="$SCRIPT_DIR/../target/classes"
	[[ -f "$service_classes/dev/aqid/receiver/amiqus/AmiqusSignature.class" ]] ||
		die "bench/SignRequests.java signs with the service's classes, and $service_classes has none: run ./mvnw -q -B -DskipTests package"
	if [[ ! -f "$classes/SignRequests.class" ]]; then
		javac -cp "$service_classes" -d "$classes" "$SCRIPT_DIR/SignRequests.java" ||
			die "cannot compile bench/SignRequests.java"
	fi
	# shellcheck disable=SC2086
	java ${LOAD_JAVA_OPTS:-} -cp "$classes:$service_classes" SignRequests --secret "$LOAD_SECRET" --count "$count" \
		--files "$files" --out "$prefix" "$@" || die "signing $count requests into $prefix.* failed"
}

# CPU time, in clock ticks, of a process (utime + stime), or with "tree" also of its reaped
# children (cutime + cstime) and of its live children: a postmaster with its backends.
cpu_ticks() { # pid [tree]
	local pid=$1 t c
	[[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/stat" ]] || { echo 0; return; }
	t="$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk -v tree="${2:-}" \
		'{ s = $12 + $13; if (tree != "") s += $14 + $15; print s }')"
	if [[ -n "${2:-}" ]]; then
		for c in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
			t=$((t + $(sed 's/^.*) //' "/proc/$c/stat" 2>/dev/null | awk '{ print $12 + $13 }' || echo 0)))
		done
	fi
	echo "${t:-0}"
}

# busy and total jiffies of all cores, from /proc/stat: "busy total"
machine_jiffies() {
	local a
	read -ra a < <(head -n1 /proc/stat)
	echo "$((a[1] + a[2] + a[3] + a[6] + a[7] + a[8])) $((a[1] + a[2] + a[3] + a[4] + a[5] + a[6] + a[7] + a[8]))"
}

# One wrk run of bench/ingest.lua over the request files PREFIX.*; its report goes to standard
# output and ends in wrk's "RESULT mode=..." line, then a line "CPU service_cpu_pct=...
# db_cpu_pct=... client_cpu_pct=... machine_busy_pct=..." measured over the window (from the
# first send to WINDOW seconds later; count runs: to the end). Env: LOAD_URL, WATCH_PID and
# WATCH_DB_PID (optional), LOAD_DRAIN (seconds wrk may go on after the window to collect the
# answers, default 10), LOAD_TIMEOUT (wrk --timeout, default 10s).
wrk_run() { # label mode(closed|open) connections threads rate window count(0|1) prefix
	local label=$1 mode=$2 conns=$3 threads=$4 rate=$5 window=$6 count=$7 prefix=$8
	local drain="${LOAD_DRAIN:-10}" marker="$prefix.started" donedir="$prefix.done" wrk_pid rc=0
	local hz s0 d0 c0 m0 t0 s1 d1 c1 m1 t1
	rm -rf "$marker" "$donedir"
	mkdir -p "$donedir"
	wrk -t "$threads" -c "$conns" -d "$((window + drain))s" --timeout "${LOAD_TIMEOUT:-10s}" \
		-s "$SCRIPT_DIR/ingest.lua" "$LOAD_URL" -- "requests=$prefix" "mode=$mode" "rate=$rate" \
		"window=$window" "count=$count" "label=$label" "marker=$marker" "done=$donedir" \
		"conns=$conns" "threads=$threads" &
	wrk_pid=$!
	trap 'kill -INT "$wrk_pid" 2>/dev/null; wait "$wrk_pid" 2>/dev/null; exit 143' TERM
	while [[ ! -e "$marker" ]] && kill -0 "$wrk_pid" 2>/dev/null; do sleep 0.01; done
	hz="$(getconf CLK_TCK)"
	s0="$(cpu_ticks "${WATCH_PID:-}")" d0="$(cpu_ticks "${WATCH_DB_PID:-}" tree)" c0="$(cpu_ticks "$wrk_pid")"
	m0="$(machine_jiffies)" t0="$(date +%s%N)"
	local end=$(($(date +%s%N) + window * 1000000000))
	while kill -0 "$wrk_pid" 2>/dev/null && { ((count == 1)) || (($(date +%s%N) < end)); }; do sleep 0.05; done
	s1="$(cpu_ticks "${WATCH_PID:-}")" d1="$(cpu_ticks "${WATCH_DB_PID:-}" tree)" c1="$(cpu_ticks "$wrk_pid")"
	m1="$(machine_jiffies)" t1="$(date +%s%N)"
	((c1 > 0)) || c1=$c0 # wrk ended first (count run): its last sample stands
	wait "$wrk_pid" || rc=$?
	trap - TERM
	awk -v hz="$hz" -v ns="$((t1 - t0))" -v s="$((s1 - s0))" -v d="$((d1 - d0))" -v c="$((c1 - c0))" \
		-v m0="$m0" -v m1="$m1" -v svc="${WATCH_PID:-}" -v db="${WATCH_DB_PID:-}" 'BEGIN {
		split(m0, a, " "); split(m1, b, " "); secs = ns / 1e9
		sv = "n/a"; dv = "n/a"; cv = "n/a"; mv = "n/a"
		if (secs > 0) {
			if (svc ~ /^[0-9]+$/) sv = sprintf("%.0f", 100 * s / hz / secs)
			if (db ~ /^[0-9]+$/ && db > 0) dv = sprintf("%.0f", 100 * d / hz / secs)
			cv = sprintf("%.0f", 100 * c / hz / secs)
		}
		if (b[2] > a[2]) mv = sprintf("%.0f", 100 * (b[1] - a[1]) / (b[2] - a[2]))
		printf "CPU service_cpu_pct=%s db_cpu_pct=%s client_cpu_pct=%s machine_busy_pct=%s\n", sv, dv, cv, mv }'
	return "$rc"
}

# value of key in a "RESULT ..." or "CPU ..." line; kv_num: the same as a whole number, else 0
kv_of() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p" | head -n1; }
kv_num() { local v; v="$(kv_of "$@")"; [[ "$v" =~ ^[0-9]+$ ]] && echo "$v" || echo 0; }

# A load phase: signs its requests, runs an unmeasured warm-up with wrk (its own requests), then
# the measured run, and prints both reports and one combined line "RESULT mode=... key=value
# ..." (the measured run's figures, its CPU shares, and total_acked_new / total_non202 /
# total_errors over warm-up and measured run). Exit status 1 when any answer was not 202, any
# request failed or was never sent, or the pre-signed supply ran out.
#   closed loop, timed:  load_phase closed LABEL CONNECTIONS WARMUP DURATION [sign options]
#   open loop, timed:    load_phase open LABEL CONNECTIONS WARMUP DURATION RATE [sign options]
#   a fixed COUNT:       load_phase closed-count LABEL CONNECTIONS MAX_SECONDS COUNT [sign options]
#                        load_phase open-count LABEL CONNECTIONS MAX_SECONDS COUNT RATE [sign options]
# Env: as wrk_run, plus LOAD_SECRET, LOAD_DIR (where the request files go), LOAD_THREADS (wrk
# threads of a closed loop, default the number of cores) and SUPPLY_PER_S (closed loop: requests
# pre-signed per second of the run, default 6000; more than 2 cores can store).
load_phase() {
	local kind=$1 label=$2 conns=$3 warm dur rate=0 count=0 mode threads n
	shift 3
	local dir="$LOAD_DIR/$label"
	mkdir -p "$dir"
	case "$kind" in
		closed) warm=$1 dur=$2 mode=closed; shift 2 ;;
		open) warm=$1 dur=$2 rate=$3 mode=open; shift 3 ;;
		closed-count) warm=0 dur=$1 count=$2 mode=closed; shift 2 ;;
		open-count) warm=0 dur=$1 count=$2 rate=$3 mode=open; shift 3 ;;
		*) die "load_phase: unknown kind $kind" ;;
	esac
	threads="${LOAD_THREADS:-$(nproc)}"
	((threads > conns)) && threads=$conns
	[[ "$mode" == open ]] && threads=$conns # one connection per thread: latency from intended send
	supply() { # seconds -> requests to sign
		if ((count > 0)); then echo "$count"
		elif [[ "$mode" == open ]]; then echo $((($1 * rate + conns - 1) / conns * conns + conns))
		else echo $(($1 * ${SUPPLY_PER_S:-6000} + conns)); fi
	}
	local t0=$SECONDS wres="" rc=0 wrc=0
	((warm > 0)) && sign_requests "$dir/warmup" "$(supply "$warm")" "$threads" "$@"
	sign_requests "$dir/run" "$(supply "$dur")" "$threads" "$@"
	echo "signed $(cat "$dir"/*.[0-9]* | wc -l) requests in $((SECONDS - t0)) s ($(du -sh "$dir" | cut -f1))"
	if ((warm > 0)); then
		echo "-- warm-up: ${warm}s, unmeasured"
		wrk_run "$label-warmup" "$mode" "$conns" "$threads" "$rate" "$warm" 0 "$dir/warmup" >"$dir/warmup.out" 2>&1 || wrc=$?
		grep -v '^CPU ' "$dir/warmup.out" | sed 's/^RESULT /warm-up RESULT /'
		wres="$(sed -n 's/^RESULT //p' "$dir/warmup.out" | head -n1)"
	fi
	rm -f "$dir"/warmup.[0-9]*
	echo "-- measured: $([[ $count -gt 0 ]] && echo "$count requests, at most ${dur}s" || echo "${dur}s")"
	wrk_run "$label" "$mode" "$conns" "$threads" "$rate" "$dur" "$((count > 0 ? 1 : 0))" "$dir/run" >"$dir/run.out" 2>&1 || rc=$?
	rm -f "$dir"/run.[0-9]*
	grep -vE '^(RESULT|CPU) ' "$dir/run.out"
	local res cpu
	res="$(grep -m1 '^RESULT ' "$dir/run.out" || true)"
	cpu="$(grep -m1 '^CPU ' "$dir/run.out" || true)"
	[[ -n "$res" ]] || { echo "error: wrk printed no RESULT line (exit $rc, wrk $wrc)"; return 1; }
	local tot_new tot_non202 tot_err
	tot_new=$(($(kv_num "$res" acked_new) + $(kv_num "$wres" acked_new)))
	tot_non202=$(($(kv_num "$res" non202) + $(kv_num "$wres" non202)))
	tot_err=$(($(kv_num "$res" errors) + $(kv_num "$wres" errors)))
	echo "cpu             ${cpu#CPU } (% of one core over the window)"
	echo "$res warmup_acked_new=$(kv_num "$wres" acked_new) total_acked_new=$tot_new total_non202=$tot_non202 total_errors=$tot_err ${cpu#CPU }"
	((tot_non202 + tot_err + $(kv_num "$res" unsent) + $(kv_num "$res" exhausted) + $(kv_num "$wres" exhausted) == 0))
}

port_free() {
	local p=$1
	if command -v ss >/dev/null; then
		[[ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ]]
	else
		! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null
	fi
}

# A free port on loopback, other than the space-separated ports given (picked but not yet
# listening). Called in $(...), so it cannot remember what it handed out itself.
free_port() {
	local p taken=" ${1:-} "
	for _ in $(seq 1 200); do
		p=$((20000 + RANDOM % 40000))
		[[ "$taken" == *" $p "* ]] && continue
		port_free "$p" && { echo "$p"; return 0; }
	done
	die "no free TCP port found"
}

# Records one figure for bench/suite.sh: prints "RESULT <part>.<metric>=<value> unit=<unit>" and,
# when BENCH_RESULTS names a file, appends the same line to it. The name always contains a dot,
# which tells these lines apart from the load phases' own "RESULT mode=..." lines (bench/ingest.lua). An empty value is
# written as n/a; spaces in a value become underscores.
result() { # name value unit
	local value="${2:-n/a}" line
	line="RESULT $1=${value// /_} unit=${3:--}"
	echo "$line"
	if [[ -n "${BENCH_RESULTS:-}" ]]; then
		echo "$line" >>"$BENCH_RESULTS"
	fi
}

# Resident memory in kB of a process: VmRSS, or another /proc/<pid>/status field (VmHWM = peak).
proc_kb() { # pid [field]
	local v
	v="$(awk -v f="${2:-VmRSS}:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null)" || v=0
	echo "${v:-0}"
}

# A PostgreSQL server's memory in kB, summed over the postmaster and its children: "RSS PSS".
# RSS counts the shared buffers once per process that touched them; PSS shares them out, so the
# PSS sum is what the server really occupies. One ps and one awk per call, whatever the number of
# backends: a sampler that forked per process cost a good part of a core under load.
pg_tree_kb() { # postmaster-pid
	local files=() pid
	for pid in "$1" $(ps -o pid= --ppid "$1" 2>/dev/null); do
		[[ -r "/proc/$pid/smaps_rollup" ]] && files+=("/proc/$pid/status" "/proc/$pid/smaps_rollup")
	done
	if ((${#files[@]} == 0)); then
		echo "0 0" # (awk with no file would read standard input)
		return
	fi
	local out
	# (mawk gives up on a file that vanished meanwhile: that sample reads 0 0)
	out="$(awk '$1 == "VmRSS:" { rss += $2 } $1 == "Pss:" { pss += $2 } END { printf "%d %d\n", rss, pss }' \
		"${files[@]}" 2>/dev/null </dev/null)" || true
	echo "${out:-0 0}"
}

# Runs the named clean-up function on exit; Ctrl-C and SIGTERM exit (130, 143) through it too.
exit_through() { # function
	trap "$1" EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# Dies unless every named command is on the PATH.
require_commands() { # command...
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || die "$c not found"
	done
}

# Percentage of all cores busy over $1 seconds, from /proc/stat.
busy_pct() {
	local a b
	read -ra a < <(head -n1 /proc/stat)
	sleep "$1"
	read -ra b < <(head -n1 /proc/stat)
	awk -v t0="$((a[1] + a[2] + a[3] + a[4] + a[5] + a[6] + a[7] + a[8]))" -v i0="$((a[4] + a[5]))" \
		-v t1="$((b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + b[7] + b[8]))" -v i1="$((b[4] + b[5]))" \
		'BEGIN { if (t1 > t0) printf "%.0f", 100 * (1 - (i1 - i0) / (t1 - t0)); else print "?" }'
}

# Stops a service this script started: SIGTERM, up to $2 seconds' grace, then SIGKILL. Sets
# STOPPED_AFTER_S to the seconds that took.
terminate_service() { # pid grace-seconds
	local pid="$1" t0 waited=0
	t0="$(date +%s%N)"
	kill -TERM "$pid" 2>/dev/null || true
	while kill -0 "$pid" 2>/dev/null && ((waited < $2 * 10)); do
		sleep 0.1
		waited=$((waited + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		log "service did not stop within ${2}s: SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
	STOPPED_AFTER_S="$(awk -v ns="$(($(date +%s%N) - t0))" 'BEGIN { printf "%.1f", ns / 1e9 }')"
}

# Stops every embedded PostgreSQL whose data dir lies below $1 and that a killed service left
# running, through its postmaster.pid.
stop_leftover_postgres() { # dir
	local pidfile pid
	[[ -n "$1" && -d "$1" ]] || return 0
	while IFS= read -r pidfile; do
		pid="$(head -n1 "$pidfile" 2>/dev/null || true)"
		if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
			log "stopping leftover embedded PostgreSQL (pid $pid)"
			kill -INT "$pid" 2>/dev/null || true
			for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
			kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
		fi
	done < <(find "$1" -name postmaster.pid 2>/dev/null)
}

# After a run: KEEP_TMP=1 keeps all of BENCH_TMP; a failed run ($1, the exit status, not 0) keeps
# its logs but not the databases, which are big and useless once stopped; otherwise it goes.
dispose_bench_tmp() { # exit-status
	if [[ "${KEEP_TMP:-0}" == 1 ]]; then
		log "kept $BENCH_TMP"
	elif [[ "$1" -ne 0 ]]; then
		find "$BENCH_TMP" -mindepth 1 -maxdepth 2 -type d -name data -prune -exec rm -rf {} + 2>/dev/null || true
		log "kept $BENCH_TMP (logs)"
	else
		rm -rf "$BENCH_TMP"
	fi
}

# Stops the emulator a script started in the background (its pid in EMU_PID): SIGTERM, up to
# 10 s, then SIGKILL.
stop_emulator() {
	if [[ -n "$EMU_PID" ]] && kill -0 "$EMU_PID" 2>/dev/null; then
		kill -TERM "$EMU_PID" 2>/dev/null || true
		for _ in $(seq 1 100); do kill -0 "$EMU_PID" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$EMU_PID" 2>/dev/null && kill -KILL "$EMU_PID" 2>/dev/null || true
		wait "$EMU_PID" 2>/dev/null || true
	fi
	EMU_PID=""
}
