# Shared paths and process helpers for stack.sh. Sourced, never run.
# All state lives under <repo>/.stack so `rm -rf .stack` is a full reset and nothing leaks elsewhere
# (except Maven's download cache in ~/.m2 and, on a machine without it, the Debian postgresql package).

STACK_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_ROOT="$(dirname "$STACK_SRC")"
STATE="$REPO_ROOT/.stack"
LOGS="$STATE/logs"
RUN="$STATE/run"
MARKERS="$STATE/markers"
VENV="$STATE/venv"
BIN="$STATE/bin"

# shellcheck source=../versions.env
source "$STACK_SRC/versions.env"

PG_BIN="/usr/lib/postgresql/$POSTGRES_MAJOR/bin"
PG_DATA="$STATE/postgres/data"
PG_SOCKET_DIR="$RUN/postgres"
PG_PORT=55432

log() { printf 'stack: %s\n' "$*" >&2; }
die() { printf 'stack: error: %s\n' "$*" >&2; exit 1; }

ensure_dirs() {
  mkdir -p "$LOGS" "$RUN" "$MARKERS" "$BIN"
}

# Runs a quiet step, keeping its output in a log; on failure shows the tail and names the log.
run_logged() {
  local what="$1" logfile="$2"
  shift 2
  if ! "$@" >>"$logfile" 2>&1; then
    tail -n 30 "$logfile" >&2 || true
    die "$what failed; full output in $logfile"
  fi
}

# A marker records the exact inputs of a provisioning step, so a version bump re-runs it
# and an unchanged stack skips it in milliseconds.
marker_ok() { [[ -f "$MARKERS/$1" && "$(cat "$MARKERS/$1")" == "$2" ]]; }
marker_set() { printf '%s' "$2" >"$MARKERS/$1"; }

# True when the pid file names a live process whose command line contains $2. The command-line check
# guards against a stale pid file whose number the kernel has since given to an unrelated process,
# and a killed process not yet reaped (a zombie has an empty command line) counts as dead.
pid_alive() {
  local pidfile="$1" needle="$2" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(head -n1 "$pidfile")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$needle"
}

# Starts a long-running command detached from this shell (own session, stdin closed), appending
# to its log, and records its pid. setsid keeps Ctrl-C on `up` from reaching the services.
spawn() {
  local name="$1" logfile="$2"
  shift 2
  printf '\n===== %s start %s =====\n' "$name" "$(date -Is)" >>"$logfile"
  setsid "$@" >>"$logfile" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}

# SIGTERM, wait up to $3 seconds, then SIGKILL. Only ever signals the pid `up` recorded.
stop_pid() {
  local name="$1" needle="$2" grace="$3" pidfile="$RUN/$1.pid" pid i
  if ! pid_alive "$pidfile" "$needle"; then
    rm -f "$pidfile"
    return 0
  fi
  pid="$(cat "$pidfile")"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 5; i++)); do
    pid_alive "$pidfile" "$needle" || break
    sleep 0.2
  done
  if pid_alive "$pidfile" "$needle"; then
    log "$name (pid $pid) still running after ${grace}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 25; i++)); do
      pid_alive "$pidfile" "$needle" || break
      sleep 0.2
    done
  fi
  rm -f "$pidfile"
}

# The cause of a failed start is usually an error line far above the shutdown noise at the end.
show_log_problems() {
  local logfile="$1" errors
  errors="$(grep -E '(^|[ []])(ERROR|FATAL|PANIC)[] :]|Caused by:|level=(error|ERROR|fatal|FATAL)|"level":"(error|fatal)"' "$logfile" 2>/dev/null | tail -n 8 || true)"
  if [[ -n "$errors" ]]; then
    printf 'stack: last errors in %s:\n%s\n' "$logfile" "$errors" >&2
  else
    tail -n 15 "$logfile" >&2 2>/dev/null || true
  fi
}

tcp_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# Called before launching a service that is not ours-and-running: a port held by something else
# would otherwise surface only as a bind error deep in that service's log.
ports_free_or_die() {
  local name="$1" port
  shift
  for port in "$@"; do
    if tcp_open 127.0.0.1 "$port"; then
      die "$name cannot start: 127.0.0.1:$port is already in use by another process (see: ss -ltnp 'sport = :$port')"
    fi
  done
}

# Polls "$@" until it succeeds. Fails with the service name, the timeout and the log to read;
# gives up early when the process it waits for has died ($3 = pid file, $4 = needle; "-" to skip).
wait_until() {
  local name="$1" timeout="$2" pidfile="$3" needle="$4" logfile="$5"
  shift 5
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [[ "$pidfile" != "-" ]] && ! pid_alive "$pidfile" "$needle"; then
      show_log_problems "$logfile"
      die "$name exited during startup; see $logfile"
    fi
    if ((SECONDS >= deadline)); then
      show_log_problems "$logfile"
      die "$name did not pass its health check within ${timeout}s; see $logfile"
    fi
    sleep 1
  done
}

java_cmd() {
  command -v java >/dev/null || die "java not found on PATH (Kafka ${KAFKA_VERSION} needs Java 17+)"
  echo java
}
