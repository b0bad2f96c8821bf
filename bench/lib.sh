# Shared by the benchmark scripts: source it after setting BENCH_NAME, SCRIPT_DIR, JAR,
# BENCH_TMP and LOAD_JAVA_OPTS. Bash only.

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

# Compiles IngestLoad once and sets LOAD_CMD to run it.
compile_load_generator() {
	log "compiling the load generator"
	javac -d "$BENCH_TMP/classes" "$SCRIPT_DIR/IngestLoad.java"
	# shellcheck disable=SC2206
	LOAD_CMD=(java $LOAD_JAVA_OPTS -cp "$BENCH_TMP/classes" IngestLoad)
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
# which tells these lines apart from IngestLoad's own "RESULT mode=..." lines. An empty value is
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
