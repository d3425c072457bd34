# shellcheck shell=bash
# Installs what the build, the local stack and the tests need, skipping
# whatever is already present: Debian packages, the Apache Kafka jars
# (through Maven, from scripts/kafka/pom.xml) and grpcurl (through
# `go install`). Sourced, not run; call install_all, which exports
# KAFKA_LIBS, GRPCURL and PG_BIN for the other scripts.
#
# Each step logs one line. Tool output goes to log files under the cache
# folder and is shown only when a step fails.

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

KAFKA_VERSION=3.9.1
GRPCURL_VERSION=v1.9.4

# Debian packages for the C++ build, PostgreSQL 15, Java and Maven.
SIGNUP_DEBIAN_PACKAGES=(
  build-essential cmake pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librdkafka-dev libpqxx-dev libabsl-dev libspdlog-dev
  libgtest-dev libgmock-dev libicu-dev prometheus-cpp-dev
  postgresql-15
  openjdk-17-jre-headless maven
)

# Runs a command as root: directly when we are root, through sudo otherwise.
run_as_root() {
  if ((EUID == 0)); then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    die "'$*' needs root and sudo is not installed; run it as root"
  fi
}

# Succeeds when the Debian package is installed (dpkg state "install ok installed").
debian_package_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

# Prints the path of a working `go` command, or nothing when there is none.
find_go() {
  if command -v go >/dev/null; then
    command -v go
  elif [[ -x /usr/local/go/bin/go ]]; then
    echo /usr/local/go/bin/go
  fi
}

# Installs the missing Debian packages. Runs `apt-get update` at most once,
# and not at all when every package is already installed.
install_debian_packages() {
  local -a missing=()
  local package
  for package in "${SIGNUP_DEBIAN_PACKAGES[@]}"; do
    debian_package_installed "$package" || missing+=("$package")
  done
  if [[ -z "$(find_go)" ]]; then
    missing+=(golang-go)
  fi

  if ((${#missing[@]} == 0)); then
    log "debian packages: all ${#SIGNUP_DEBIAN_PACKAGES[@]} installed"
    return 0
  fi

  mkdir -p "$SIGNUP_CACHE_DIR"
  local apt_log="$SIGNUP_CACHE_DIR/apt.log"
  log "debian packages: installing ${missing[*]} (output in $apt_log)"
  export DEBIAN_FRONTEND=noninteractive
  if ! run_as_root apt-get update -q >"$apt_log" 2>&1 ||
    ! run_as_root apt-get install -y -q "${missing[@]}" >>"$apt_log" 2>&1; then
    show_log_tail "$apt_log"
    die "apt-get failed to install: ${missing[*]}"
  fi
}

# Prints the folder holding PostgreSQL 15's server programs (initdb,
# pg_ctl, postgres, pg_isready). Debian installs them outside PATH.
find_postgres_bin() {
  local candidate=/usr/lib/postgresql/15/bin
  if [[ -x "$candidate/pg_ctl" && -x "$candidate/initdb" ]]; then
    echo "$candidate"
    return 0
  fi
  if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
    candidate="$(dirname "$(readlink -f "$(command -v pg_ctl)")")"
    if [[ "$("$candidate/pg_ctl" --version)" == *" 15."* ]]; then
      echo "$candidate"
      return 0
    fi
  fi
  return 1
}

# Copies the Kafka broker jars and their runtime dependencies into the
# cache with Maven. Skipped when the cache already contains the jars resolved
# from the current pom.xml (its checksum is stored beside them).
install_kafka_jars() {
  local pom="$SIGNUP_REPO_ROOT/scripts/kafka/pom.xml"
  local kafka_dir="$SIGNUP_CACHE_DIR/kafka-$KAFKA_VERSION"
  local marker="$kafka_dir/pom.sha256" pom_checksum
  pom_checksum="$(sha256sum "$pom" | cut -d' ' -f1)"
  KAFKA_LIBS="$kafka_dir/libs"

  if [[ -f "$marker" && "$(<"$marker")" == "$pom_checksum" ]]; then
    log "kafka $KAFKA_VERSION jars: present in $KAFKA_LIBS"
    return 0
  fi

  local maven_log="$SIGNUP_CACHE_DIR/maven.log"
  log "kafka $KAFKA_VERSION jars: resolving with maven into $KAFKA_LIBS (output in $maven_log)"
  rm -rf "$KAFKA_LIBS" "$marker"
  mkdir -p "$KAFKA_LIBS"
  if ! mvn -q -B -f "$pom" dependency:copy-dependencies \
    -DoutputDirectory="$KAFKA_LIBS" -DincludeScope=runtime >"$maven_log" 2>&1; then
    show_log_tail "$maven_log"
    die "maven failed to resolve the Kafka jars from $pom"
  fi
  [[ -f "$KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar" ]] ||
    die "maven finished but $KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar is missing"
  echo "$pom_checksum" >"$marker"
}

# Builds grpcurl at a pinned version into the cache with `go install`.
# Skipped when that version is already there.
install_grpcurl() {
  local bin_dir="$SIGNUP_CACHE_DIR/grpcurl-$GRPCURL_VERSION/bin"
  GRPCURL="$bin_dir/grpcurl"
  if [[ -x "$GRPCURL" ]]; then
    log "grpcurl $GRPCURL_VERSION: present at $GRPCURL"
    return 0
  fi

  local go_command go_log="$SIGNUP_CACHE_DIR/go-install.log"
  go_command="$(find_go)"
  [[ -n "$go_command" ]] || die "go is not installed, so grpcurl cannot be built"
  log "grpcurl $GRPCURL_VERSION: building with $go_command (output in $go_log)"
  mkdir -p "$bin_dir"
  if ! GOBIN="$bin_dir" "$go_command" install \
    "github.com/fullstorydev/grpcurl/cmd/grpcurl@$GRPCURL_VERSION" >"$go_log" 2>&1; then
    show_log_tail "$go_log"
    die "go install of grpcurl $GRPCURL_VERSION failed"
  fi
}

# Installs everything that is missing and exports KAFKA_LIBS (folder of
# Kafka jars), GRPCURL (grpcurl binary) and PG_BIN (PostgreSQL 15 programs).
install_all() {
  mkdir -p "$SIGNUP_CACHE_DIR"
  install_debian_packages

  PG_BIN="$(find_postgres_bin)" ||
    die "PostgreSQL 15 programs (initdb, pg_ctl) not found in /usr/lib/postgresql/15/bin or PATH"
  log "postgresql 15: programs in $PG_BIN"

  install_kafka_jars
  install_grpcurl
  export KAFKA_LIBS GRPCURL PG_BIN
}

# Sets and exports KAFKA_LIBS, GRPCURL and PG_BIN for tools that are already
# installed, without installing anything. A missing tool leaves its
# variable empty, so that `status` and `down` work on a partial install.
find_installed_tools() {
  PG_BIN="$(find_postgres_bin)" || PG_BIN=""
  KAFKA_LIBS="$SIGNUP_CACHE_DIR/kafka-$KAFKA_VERSION/libs"
  [[ -d "$KAFKA_LIBS" ]] || KAFKA_LIBS=""
  GRPCURL="$SIGNUP_CACHE_DIR/grpcurl-$GRPCURL_VERSION/bin/grpcurl"
  [[ -x "$GRPCURL" ]] || GRPCURL=""
  export KAFKA_LIBS GRPCURL PG_BIN
}
