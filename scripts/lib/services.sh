# shellcheck shell=bash
# Starts, stops and health-checks the project's own long-running binaries
# (signup-worker, signup-gateway) as background processes with a pid file
# and a log file each. Sourced, not run; grpc_health needs GRPCURL.

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Seconds to wait for a service to exit after SIGTERM before SIGKILL.
SERVICE_STOP_TIMEOUT="${SERVICE_STOP_TIMEOUT:-30}"

# Succeeds when PIDFILE names a live process running BINARY. Checking the
# command line guards against a pid that the kernel has reused.
service_running() {
  local pid_file="$1" binary="$2" pid
  pid_file_alive "$pid_file" || return 1
  pid="$(<"$pid_file")"
  [[ "$(readlink -f "/proc/$pid/exe" 2>/dev/null)" == "$(readlink -f "$binary")" ]]
}

# Starts BINARY with ARGS in the background, detached from the terminal,
# with its output appended to LOGFILE and its pid written to PIDFILE.
# Leaves a running instance alone.
# Usage: service_start NAME PIDFILE LOGFILE BINARY [ARGS...]
service_start() {
  local name="$1" pid_file="$2" log_file="$3" binary="$4"
  shift 4
  if service_running "$pid_file" "$binary"; then
    log "$name: already running (pid $(<"$pid_file"))"
    return 0
  fi
  [[ -x "$binary" ]] || die "$name: binary $binary not found; build it with cmake --build"

  log "$name: starting ($*), log in $log_file"
  printf '=== %s: starting %s %s\n' "$(date -u +%FT%TZ)" "$binary" "$*" >>"$log_file"
  nohup "$binary" "$@" >>"$log_file" 2>&1 </dev/null &
  echo $! >"$pid_file"
}

# Stops the service of PIDFILE with SIGTERM, then SIGKILL after
# SERVICE_STOP_TIMEOUT seconds, and removes the pid file.
service_stop() {
  local name="$1" pid_file="$2" binary="$3"
  if service_running "$pid_file" "$binary"; then
    log "$name: stopping (pid $(<"$pid_file"))"
    stop_pid "$(<"$pid_file")" "$name" "$SERVICE_STOP_TIMEOUT"
  fi
  rm -f "$pid_file"
}

# Runs grpcurl against the health service at ADDRESS. Uses the repository's
# copy of health.proto, so that servers without reflection work too.
grpcurl_health_check() {
  local address="$1"
  local -a schema=()
  if [[ -f "$SIGNUP_REPO_ROOT/proto/grpc/health/v1/health.proto" ]]; then
    schema=(-import-path "$SIGNUP_REPO_ROOT/proto" -proto grpc/health/v1/health.proto)
  fi
  "$GRPCURL" -plaintext -max-time 3 "${schema[@]}" "$address" grpc.health.v1.Health/Check 2>&1
}

# Prints the status that grpc.health.v1.Health/Check returns for the whole
# server at ADDRESS (SERVING, NOT_SERVING, ...), or UNREACHABLE when the
# call fails.
grpc_health() {
  local address="$1" output
  if ! output="$(grpcurl_health_check "$address")"; then
    echo UNREACHABLE
    return 0
  fi
  sed -n 's/.*"status": *"\([A-Z_]*\)".*/\1/p' <<<"$output" | head -n 1
}

# Waits until every listed service's health check returns SERVING, all
# within one TIMEOUT. A service whose process exits fails at once. For each
# failure, logs its state and shows its log file. It checks only that the
# pid is alive, because right after service_start the forked shell may not
# have exec'ed the binary yet.
# Usage: services_wait_serving TIMEOUT SPEC...
#   where SPEC is "NAME|PIDFILE|LOGFILE|BINARY|ADDRESS"
# Returns 1 when any service failed.
services_wait_serving() {
  local timeout_seconds="$1"
  shift
  local -a pending=("$@") still_pending
  local deadline=$((SECONDS + timeout_seconds)) failed=0 spec
  local name pid_file log_file binary address

  while ((${#pending[@]} > 0)); do
    still_pending=()
    for spec in "${pending[@]}"; do
      IFS='|' read -r name pid_file log_file binary address <<<"$spec"
      if [[ "$(grpc_health "$address")" == SERVING ]]; then
        log "$name: SERVING on $address"
      elif ! pid_file_alive "$pid_file"; then
        show_log_tail "$log_file"
        log "$name: exited before reporting SERVING on $address"
        failed=1
      elif ((SECONDS >= deadline)); then
        show_log_tail "$log_file"
        log "$name: not SERVING on $address after ${timeout_seconds}s; the health check returned:"
        grpcurl_health_check "$address" >&2 || true
        failed=1
      else
        still_pending+=("$spec")
      fi
    done
    pending=("${still_pending[@]}")
    ((${#pending[@]} == 0)) || sleep 0.2
  done
  ((failed == 0))
}
