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
