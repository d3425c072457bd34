# shellcheck shell=bash
# Shared helpers for the scripts in scripts/: logging, waiting for a
# condition with a timeout, process and port checks, and free-port lookup.
# Sourced, not run. Every address involved is on 127.0.0.1.

# The two folders below are used by the files that source this one.
# shellcheck disable=SC2034
# Repository root, found from this file's location.
SIGNUP_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Cache folder for downloaded tools (Kafka jars, grpcurl).
# shellcheck disable=SC2034
SIGNUP_CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/distributed-signup"

# Prints one log line to stderr, prefixed with the calling script's name.
log() {
  printf '[%s] %s\n' "${SIGNUP_LOG_NAME:-$(basename "$0")}" "$*" >&2
}

# Logs an error and exits with status 1.
die() {
  log "error: $*"
  exit 1
}

# Prints the last lines of a log file to stderr, for failure reports.
show_log_tail() {
  local file="$1" lines="${2:-40}"
  if [[ -f "$file" ]]; then
    log "last $lines lines of $file:"
    tail -n "$lines" "$file" >&2
  else
    log "log file $file does not exist"
  fi
}

# Runs a command repeatedly until it succeeds or the timeout expires.
# Usage: wait_until SECONDS DESCRIPTION COMMAND [ARGS...]
# Returns 0 as soon as COMMAND succeeds, 1 on timeout. The command is
# polled every 0.2 s, so the wait ends shortly after the condition holds.
wait_until() {
  local timeout_seconds="$1" description="$2"
  shift 2
  local deadline=$((SECONDS + timeout_seconds))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      log "timed out after ${timeout_seconds}s waiting for $description"
      return 1
    fi
    sleep 0.2
  done
}

# Succeeds when process PID exists and has not exited. An exited process
# that its parent has not reaped yet (a zombie, state Z) counts as exited:
# processes started in the background outlive the script that started
# them, and their new parent may reap them only after a delay.
pid_alive() {
  local pid="$1" stat
  kill -0 "$pid" 2>/dev/null || return 1
  stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
  # The state follows the command name, which is in brackets and may
  # itself contain spaces or brackets.
  stat="${stat##*) }"
  [[ "${stat:0:1}" != Z ]]
}

# Succeeds when the process whose id is stored in PIDFILE is running.
pid_file_alive() {
  local pid_file="$1" pid
  [[ -s "$pid_file" ]] || return 1
  pid="$(<"$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  pid_alive "$pid"
}

# Sends SIGTERM to a process and waits for it to exit; sends SIGKILL if
# it is still running after TIMEOUT seconds (default 30).
# Usage: stop_pid PID NAME [TIMEOUT]
stop_pid() {
  local pid="$1" name="$2" timeout_seconds="${3:-30}"
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  if ! wait_until "$timeout_seconds" "$name (pid $pid) to exit" pid_gone "$pid"; then
    log "sending SIGKILL to $name (pid $pid)"
    kill -KILL "$pid" 2>/dev/null || true
    wait_until 10 "$name (pid $pid) to exit after SIGKILL" pid_gone "$pid"
  fi
}

pid_gone() {
  ! pid_alive "$1"
}

# Succeeds when something accepts TCP connections on 127.0.0.1:PORT.
port_accepts() {
  local port="$1"
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null
}

# Succeeds when an IPv4 or IPv6 TCP socket on this machine listens on PORT.
# Sockets of closed connections (TIME_WAIT) do not count, because the
# servers started here bind with SO_REUSEADDR. Reads /proc/net so that no
# extra tool is needed.
port_listening() {
  local port="$1"
  cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
    awk -v port="$(printf '%04X' "$port")" '
      $4 == "0A" && substr($2, length($2) - 3) == port { found = 1 }
      END { exit !found }'
}

# Succeeds when any IPv4 or IPv6 TCP socket on this machine, in any state,
# uses PORT as its local port.
port_in_use() {
  local port="$1"
  cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
    awk -v port="$(printf '%04X' "$port")" '
      substr($2, length($2) - 3) == port { found = 1 }
      END { exit !found }'
}

# Prints COUNT distinct TCP ports that no socket uses right now, one per
# line. Ports come from below the kernel's ephemeral range, so outgoing
# connections do not take them between this check and the server's bind.
# NOTE: another program can still bind a port after this check; callers
# fail with the server's own "address in use" error in that case.
find_free_ports() {
  local count="$1" low=20000 high ephemeral_low port
  local -a found=()
  read -r ephemeral_low _ </proc/sys/net/ipv4/ip_local_port_range || ephemeral_low=32768
  high=$((ephemeral_low - 1))
  local attempts=0
  while ((${#found[@]} < count)); do
    ((attempts++ < 1000)) || { log "no free port found in $low-$high"; return 1; }
    port=$((low + RANDOM % (high - low + 1)))
    if [[ " ${found[*]} " == *" $port "* ]] || port_in_use "$port"; then
      continue
    fi
    found+=("$port")
  done
  printf '%s\n' "${found[@]}"
}

# Prints how many seconds have passed since START (a value of $SECONDS).
elapsed_since() {
  echo "$((SECONDS - $1))s"
}
