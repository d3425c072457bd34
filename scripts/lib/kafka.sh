# shellcheck shell=bash
# Starts, stops and inspects a local Apache Kafka broker in KRaft mode: one
# JVM that is both broker and controller (node.id=1), with no ZooKeeper.
# Sourced, not run; needs KAFKA_LIBS (see install.sh) and `java`.
#
# Folder layout (KAFKA_DIR):
#   server.properties, log4j.properties   written by kafka_start
#   data/                                 log.dirs (topic partitions, metadata)
#   server.log                            broker log (log4j)
#   stdout.log                            JVM output, e.g. crashes before logging starts
#   kafka.pid                             process id of the running broker

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Seconds to wait for the broker to start and to stop.
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

# Runs a Kafka command-line class from KAFKA_LIBS, logging warnings only.
# Usage: kafka_run_class KAFKA_DIR CLASS [ARGS...]
kafka_run_class() {
  local kafka_dir="$1"
  shift
  java -Xmx256m -Dlog4j.configuration="file:$kafka_dir/tools-log4j.properties" \
    -cp "$KAFKA_LIBS/*" "$@"
}

kafka_write_config() {
  local kafka_dir="$1" port="$2" controller_port="$3"
  cat >"$kafka_dir/server.properties" <<EOF
# Written by scripts/lib/kafka.sh on every start; edits are lost.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$kafka_dir/data
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
EOF

  cat >"$kafka_dir/log4j.properties" <<EOF
# Written by scripts/lib/kafka.sh: the broker logs to server.log.
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$kafka_dir/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
EOF

  cat >"$kafka_dir/tools-log4j.properties" <<'EOF'
# Written by scripts/lib/kafka.sh: command-line tools print warnings only.
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
}

# Formats the storage folder with a new cluster id, once.
kafka_format_storage() {
  local kafka_dir="$1" cluster_id
  [[ -f "$kafka_dir/data/meta.properties" ]] && return 0
  cluster_id="$(kafka_run_class "$kafka_dir" kafka.tools.StorageTool random-uuid)" ||
    die "kafka StorageTool random-uuid failed"
  log "kafka: formatting storage in $kafka_dir/data (cluster id $cluster_id)"
  kafka_run_class "$kafka_dir" kafka.tools.StorageTool format -t "$cluster_id" \
    -c "$kafka_dir/server.properties" >/dev/null ||
    die "kafka StorageTool format failed for $kafka_dir/server.properties"
}

# Succeeds when the broker of KAFKA_DIR is running: its pid file names a
# live process whose command line is this folder's broker.
kafka_running() {
  local kafka_dir="$1" pid
  pid_file_alive "$kafka_dir/kafka.pid" || return 1
  pid="$(<"$kafka_dir/kafka.pid")"
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "kafka.Kafka $kafka_dir/server.properties"
}

kafka_started() {
  local kafka_dir="$1" port="$2"
  grep -q 'Kafka Server started' "$kafka_dir/server.log" 2>/dev/null && port_accepts "$port"
}

# The wait after a start checks only that the pid is alive: until the
# forked shell has exec'ed java, the command line is not the broker's yet.
kafka_started_or_dead() {
  kafka_started "$1" "$2" || ! pid_file_alive "$1/kafka.pid"
}

# Starts the broker on 127.0.0.1:PORT (controller on CONTROLLER_PORT) in the
# background and waits until it has logged that it started and accepts
# connections. Leaves a broker that is already running alone.
# Usage: kafka_start KAFKA_DIR PORT CONTROLLER_PORT
kafka_start() {
  local kafka_dir="$1" port="$2" controller_port="$3"
  mkdir -p "$kafka_dir"
  kafka_dir="$(cd "$kafka_dir" && pwd)"

  if kafka_running "$kafka_dir"; then
    grep -q "^listeners=PLAINTEXT://127.0.0.1:$port," "$kafka_dir/server.properties" ||
      die "kafka in $kafka_dir is already running, but not on port $port"
    log "kafka: already running on 127.0.0.1:$port ($kafka_dir)"
    return 0
  fi

  local candidate
  for candidate in "$port" "$controller_port"; do
    port_listening "$candidate" && die "port $candidate is already in use, so kafka in $kafka_dir cannot start; stop the other server or choose another port"
  done

  kafka_write_config "$kafka_dir" "$port" "$controller_port"
  kafka_format_storage "$kafka_dir"

  log "kafka: starting on 127.0.0.1:$port, controller on 127.0.0.1:$controller_port ($kafka_dir)"
  # The log is truncated so that the wait below reads only the lines of this start.
  : >"$kafka_dir/server.log"
  nohup java -Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$kafka_dir/log4j.properties" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$kafka_dir/server.properties" \
    >"$kafka_dir/stdout.log" 2>&1 </dev/null &
  echo $! >"$kafka_dir/kafka.pid"

  wait_until "$KAFKA_START_TIMEOUT" "kafka on 127.0.0.1:$port to start" \
    kafka_started_or_dead "$kafka_dir" "$port" || true
  if ! kafka_started "$kafka_dir" "$port"; then
    show_log_tail "$kafka_dir/stdout.log" 20
    show_log_tail "$kafka_dir/server.log"
    kafka_stop "$kafka_dir"
    die "kafka failed to start in $kafka_dir; see $kafka_dir/server.log"
  fi
}

# Stops the broker with SIGTERM (a controlled shutdown) and waits for it to
# exit; sends SIGKILL after KAFKA_STOP_TIMEOUT seconds.
kafka_stop() {
  local kafka_dir="$1"
  if kafka_running "$kafka_dir"; then
    log "kafka: stopping ($kafka_dir)"
    stop_pid "$(<"$kafka_dir/kafka.pid")" kafka "$KAFKA_STOP_TIMEOUT"
  fi
  rm -f "$kafka_dir/kafka.pid"
}

# Prints "running" or "stopped" for the broker of KAFKA_DIR.
kafka_status() {
  if kafka_running "$1"; then echo running; else echo stopped; fi
}

# Runs Kafka's topic tool (org.apache.kafka.tools.TopicCommand) against the
# broker of KAFKA_DIR, e.g. kafka_topics DIR --list.
kafka_topics() {
  local kafka_dir="$1" port
  shift
  port="$(sed -n 's|^listeners=PLAINTEXT://127.0.0.1:\([0-9]*\),.*|\1|p' "$kafka_dir/server.properties")"
  kafka_run_class "$kafka_dir" org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$port" "$@"
}
