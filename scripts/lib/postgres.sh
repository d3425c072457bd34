# shellcheck shell=bash
# Starts, stops and inspects local PostgreSQL 15 servers, one per data
# folder. Sourced, not run; needs PG_BIN (see install.sh).
#
# Each server listens on 127.0.0.1 only, keeps its unix socket and its logs
# inside its data folder, and has one superuser, `signup`, with trust
# authentication: any local process can connect without a password. That
# is acceptable only for local development and tests, never elsewhere.
#
# PostgreSQL refuses to run as root. When these functions run as root,
# the server runs as an unprivileged system user instead: SIGNUP_PG_OS_USER
# if set, else `postgres` if it exists, else `signup-pg`, created on first
# use. That user owns the data folder and must be able to reach it, so the
# folder cannot be inside a home folder that only root can enter.

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PG_SUPERUSER=signup
PG_DATABASE=signup

# Prints the system user that runs the servers when we are root, creating
# `signup-pg` if neither SIGNUP_PG_OS_USER nor `postgres` is available.
pg_os_user() {
  if [[ -n "${SIGNUP_PG_OS_USER:-}" ]]; then
    echo "$SIGNUP_PG_OS_USER"
  elif getent passwd postgres >/dev/null; then
    echo postgres
  else
    if ! getent passwd signup-pg >/dev/null; then
      log "creating system user signup-pg to run PostgreSQL (it refuses to run as root)"
      useradd --system --no-create-home --home-dir / --shell /usr/sbin/nologin signup-pg
    fi
    echo signup-pg
  fi
}

# Runs a PostgreSQL program from PG_BIN, as the server's system user when
# we are root. Runs from / so that the program can read its working folder.
pg_run() {
  local program="$1"
  shift
  if ((EUID == 0)); then
    (cd / && runuser -u "$(pg_os_user)" -- "$PG_BIN/$program" "$@")
  else
    (cd / && "$PG_BIN/$program" "$@")
  fi
}

# Prints a libpq key=value connection string for the server on PORT.
# Usage: pg_dsn PORT [DATABASE]   (DATABASE defaults to `signup`)
pg_dsn() {
  echo "host=127.0.0.1 port=$1 user=$PG_SUPERUSER dbname=${2:-$PG_DATABASE}"
}

# Succeeds when the server for this data folder is running.
pg_running() {
  local data_dir="$1"
  [[ -f "$data_dir/PG_VERSION" ]] && pg_run pg_ctl status -D "$data_dir" >/dev/null 2>&1
}

# Prints the port written in the data folder's signup.conf, or nothing.
pg_configured_port() {
  local data_dir="$1"
  sed -n 's/^port = \([0-9]*\)$/\1/p' "$data_dir/signup.conf" 2>/dev/null
}

# Creates the data folder with initdb if it has no cluster yet.
pg_init() {
  local data_dir="$1"
  [[ -f "$data_dir/PG_VERSION" ]] && return 0

  mkdir -p "$data_dir"
  chmod 700 "$data_dir"
  if ((EUID == 0)); then
    local os_user
    os_user="$(pg_os_user)"
    chown "$os_user:" "$data_dir"
    runuser -u "$os_user" -- test -w "$data_dir" ||
      die "user $os_user cannot write $data_dir because it cannot enter a parent folder; use a data folder outside /root"
  fi

  log "postgres: initdb in $data_dir"
  local output
  if ! output="$(pg_run initdb -D "$data_dir" -U "$PG_SUPERUSER" --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 --no-instructions 2>&1)"; then
    printf '%s\n' "$output" >&2
    die "initdb failed for $data_dir"
  fi
  echo "include_if_exists = 'signup.conf'" >>"$data_dir/postgresql.conf"
}

# Writes the settings that the scripts control into DATA/signup.conf, which
# postgresql.conf includes. A later `pg_ctl start -D DATA` without options
# (as a fault test may do) then reuses the same port and socket folder.
pg_write_settings() {
  local data_dir="$1" port="$2" owner
  cat >"$data_dir/signup.conf" <<EOF
# Written by scripts/lib/postgres.sh on every start; edits are lost.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$data_dir'
logging_collector = on
log_directory = 'log'
log_filename = 'postgresql.log'
EOF
  mkdir -p "$data_dir/log"
  if ((EUID == 0)); then
    owner="$(stat -c %U "$data_dir")"
    chown "$owner:" "$data_dir/signup.conf" "$data_dir/log"
  fi
}

# Creates the `signup` database unless it exists.
pg_create_database() {
  local port="$1" exists
  exists="$("$PG_BIN/psql" "$(pg_dsn "$port" postgres)" -tAq -v ON_ERROR_STOP=1 \
    -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'")"
  if [[ "$exists" != 1 ]]; then
    "$PG_BIN/psql" "$(pg_dsn "$port" postgres)" -q -v ON_ERROR_STOP=1 \
      -c "CREATE DATABASE $PG_DATABASE" >/dev/null
  fi
}

# Initializes the data folder if needed, starts the server on 127.0.0.1:PORT,
# waits until it accepts connections and creates the `signup` database.
# Leaves a server that is already running alone.
# Usage: pg_start DATA_DIR PORT
pg_start() {
  local data_dir="$1" port="$2"
  pg_init "$data_dir"

  if pg_running "$data_dir"; then
    local running_port
    running_port="$(pg_configured_port "$data_dir")"
    [[ "$running_port" == "$port" ]] ||
      die "postgres in $data_dir is already running on port $running_port, not $port"
    log "postgres: already running on 127.0.0.1:$port ($data_dir)"
    pg_create_database "$port"
    return 0
  fi

  port_listening "$port" && die "port $port is already in use, so postgres for $data_dir cannot start; stop the other server or choose another port"
  pg_write_settings "$data_dir" "$port"

  log "postgres: starting on 127.0.0.1:$port ($data_dir)"
  if ! pg_run pg_ctl start -D "$data_dir" -l "$data_dir/log/pg_ctl.log" -w -t 60 -s; then
    show_log_tail "$data_dir/log/pg_ctl.log"
    show_log_tail "$data_dir/log/postgresql.log"
    die "postgres failed to start in $data_dir; see $data_dir/log/"
  fi
  if ! wait_until 30 "postgres on 127.0.0.1:$port to accept connections" \
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U "$PG_SUPERUSER" -d postgres; then
    show_log_tail "$data_dir/log/postgresql.log"
    die "timed out waiting for postgres in $data_dir to accept connections; see $data_dir/log/postgresql.log"
  fi
  pg_create_database "$port"
}

# Stops the server of DATA_DIR with the fast shutdown mode (open sessions
# are closed, committed data is kept) and waits until it exits.
pg_stop() {
  local data_dir="$1"
  if ! pg_running "$data_dir"; then
    return 0
  fi
  log "postgres: stopping ($data_dir)"
  pg_run pg_ctl stop -D "$data_dir" -m fast -w -t 60 -s ||
    die "postgres in $data_dir did not stop; see $data_dir/log/postgresql.log"
}

# Prints "running" or "stopped" for the server of DATA_DIR.
pg_status() {
  if pg_running "$1"; then echo running; else echo stopped; fi
}
