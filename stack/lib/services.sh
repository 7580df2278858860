# Start, stop, health and status of each service. Sourced by stack.sh.
# Every service has: <name>_start (launch, no waiting), <name>_wait (health check with timeout),
# <name>_stop, <name>_running (pid/liveness only) and an address for status lines.

TEMPORAL_ADDR=127.0.0.1:7233
TEMPORAL_UI=http://127.0.0.1:8233
# `factory codec-server` listens here; the UI decodes encrypted payloads through it (signed-in engineers).
CODEC_ENDPOINT=http://127.0.0.1:8234
KAFKA_ADDR=127.0.0.1:9092
CONNECT_URL=http://127.0.0.1:8083
BIGQUERY_PORT=9050
BIGQUERY_GRPC_PORT=9060
BIGQUERY_URL=http://127.0.0.1:$BIGQUERY_PORT
# The emulator's default project: requests name their project, this one only fills a gap.
BIGQUERY_PROJECT=factory-local
PG_URL_SOURCE="postgres://factory:factory@127.0.0.1:$PG_PORT/factory_source"
PG_URL_CATALOG="postgres://factory:factory@127.0.0.1:$PG_PORT/factory_catalog"
PG_URL_SERVING="postgres://factory:factory@127.0.0.1:$PG_PORT/factory_serving"
# Modest heaps: two JVMs (broker, Connect) share a 2-core machine with Temporal, Postgres and tests.
JAVA_OPTS=(-Xms128m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true)

# ---- Temporal dev server ---------------------------------------------------------------------
temporal_running() { pid_alive "$RUN/temporal.pid" start-dev; }

temporal_start() {
  temporal_running && return 0
  ports_free_or_die temporal 7233 8233
  # Search attributes are registered at launch so the UI can filter by domain/table/status;
  # start-dev creates them on a fresh database and leaves them alone on an existing one.
  spawn temporal "$LOGS/temporal.log" "$VENV/bin/temporal" server start-dev \
    --ip 127.0.0.1 --port 7233 --ui-port 8233 --ui-disable-news-fetch --ui-codec-endpoint "$CODEC_ENDPOINT" \
    --db-filename "$STATE/temporal/temporal.db" --namespace default \
    --search-attribute FactoryDomain=Keyword \
    --search-attribute FactoryTable=Keyword \
    --search-attribute FactoryStatus=Keyword \
    --log-level warn
}

temporal_healthy() {
  "$VENV/bin/temporal" operator cluster health --address "$TEMPORAL_ADDR" 2>/dev/null | grep -q SERVING &&
    curl -fsS -o /dev/null "$TEMPORAL_UI/"
}

temporal_wait() { wait_until temporal 90 "$RUN/temporal.pid" start-dev "$LOGS/temporal.log" temporal_healthy; }
temporal_stop() { stop_pid temporal start-dev 20; }

# ---- Kafka broker (KRaft) --------------------------------------------------------------------
kafka_running() { pid_alive "$RUN/kafka.pid" kafka.Kafka; }

# Short-lived Kafka tools (storage format, topic listing): small heap, quick JIT start.
# KAFKA_TOOL_TIMEOUT bounds a tool that keeps retrying a broker which accepts but never answers.
kafka_tool() {
  timeout "${KAFKA_TOOL_TIMEOUT:-60}" "$(java_cmd)" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$STACK_SRC/kafka/tools-log4j2.xml" -cp "$STATE/kafka/libs/*" "$@"
}

kafka_start() {
  kafka_running && return 0
  ports_free_or_die kafka 9092 9093
  # KRaft storage is formatted exactly once; meta.properties marks a formatted log directory.
  if [[ ! -f "$STATE/kafka/data/meta.properties" ]]; then
    local cluster_id
    cluster_id="$(kafka_tool kafka.tools.StorageTool random-uuid)"
    run_logged "Kafka storage format" "$LOGS/kafka.log" kafka_tool \
      kafka.tools.StorageTool format --config "$STATE/kafka/server.properties" \
      --cluster-id "$cluster_id" --standalone
  fi
  spawn kafka "$LOGS/kafka.log" "$(java_cmd)" "${JAVA_OPTS[@]}" \
    -Dlog4j2.configurationFile="$STACK_SRC/kafka/log4j2.xml" -cp "$STATE/kafka/libs/*" \
    kafka.Kafka "$STATE/kafka/server.properties"
}

kafka_topics() {
  kafka_tool org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$KAFKA_ADDR" "$@"
}

# A metadata round trip through the broker, not just an open port.
kafka_healthy() { tcp_open 127.0.0.1 9092 && KAFKA_TOOL_TIMEOUT=10 kafka_topics --list; }
kafka_wait() { wait_until kafka 120 "$RUN/kafka.pid" kafka.Kafka "$LOGS/kafka.log" kafka_healthy; }
kafka_stop() { stop_pid kafka kafka.Kafka 40; }

# ---- PostgreSQL ------------------------------------------------------------------------------
pg() { runuser -u postgres -- "$@"; }

# The postmaster's own pid file (first line: pid), checked against its command line like ours.
postgres_running() { pid_alive "$PG_DATA/postmaster.pid" "$PG_DATA"; }

postgres_write_conf() {
  cat >"$PG_DATA/factory-stack.conf" <<EOF
# Written by stack/stack.sh on every start; edit the script, not this file.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCKET_DIR'
# Logical decoding for Debezium's pgoutput plugin.
wal_level = logical
max_wal_senders = 10
max_replication_slots = 10
password_encryption = scram-sha-256
shared_buffers = 128MB
EOF
  chown postgres:postgres "$PG_DATA/factory-stack.conf"
}

postgres_start() {
  if postgres_running; then
    head -n1 "$PG_DATA/postmaster.pid" >"$RUN/postgres.pid"
    return 0
  fi
  ports_free_or_die postgres "$PG_PORT"
  postgres_write_conf
  mkdir -p "$PG_SOCKET_DIR" && chown postgres:postgres "$PG_SOCKET_DIR"
  touch "$LOGS/postgres.log" && chown postgres:postgres "$LOGS/postgres.log"
  postgres_wait_reaped
  # pg_ctl forks the postmaster into the background; -W: health is checked by postgres_wait.
  run_logged "pg_ctl start" "$LOGS/postgres.log" pg "$PG_BIN/pg_ctl" start -W -D "$PG_DATA" -l "$LOGS/postgres.log"
  local i
  for ((i = 0; i < 50; i++)); do
    postgres_running && return 0
    sleep 0.2
  done
  show_log_problems "$LOGS/postgres.log"
  die "postgres exited during startup; see $LOGS/postgres.log"
}

# A killed postmaster stays a zombie until init reaps it, and PostgreSQL treats a zombie's pid as
# a live server holding the data directory lock. Give init time to reap it before starting.
postgres_wait_reaped() {
  [[ -f "$PG_DATA/postmaster.pid" ]] || return 0
  local pid i
  pid="$(head -n1 "$PG_DATA/postmaster.pid")"
  for ((i = 0; i < 150; i++)); do
    [[ -e "/proc/$pid" ]] || return 0
    sleep 0.2
  done
  die "postgres: the previous postmaster (pid $pid) has exited but was not reaped within 30s; retry shortly"
}

postgres_healthy() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; }

postgres_wait() {
  wait_until postgres 60 "$PG_DATA/postmaster.pid" "$PG_DATA" "$LOGS/postgres.log" postgres_healthy
  head -n1 "$PG_DATA/postmaster.pid" >"$RUN/postgres.pid"
  postgres_setup
}

# Role and databases, created only when missing, through the socket as the superuser (peer auth).
postgres_setup() {
  pg "$PG_BIN/psql" -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 \
    >>"$LOGS/postgres.log" 2>&1 <<'SQL' || die "creating role/databases failed; see $LOGS/postgres.log"
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'factory') THEN
    CREATE ROLE factory LOGIN REPLICATION CREATEDB PASSWORD 'factory';
  END IF;
END $$;
SELECT 'CREATE DATABASE factory_source OWNER factory'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'factory_source') \gexec
SELECT 'CREATE DATABASE factory_catalog OWNER factory'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'factory_catalog') \gexec
SQL
}

postgres_stop() {
  if postgres_running; then
    pg "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m fast -w -t 30 >/dev/null 2>&1 ||
      pg "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m immediate -w -t 10 >/dev/null 2>&1 ||
      log "postgres did not stop; see $LOGS/postgres.log"
  fi
  rm -f "$RUN/postgres.pid"
}

# ---- Kafka Connect with Debezium ------------------------------------------------------------
connect_running() { pid_alive "$RUN/connect.pid" ConnectDistributed; }

connect_start() {
  connect_running && return 0
  ports_free_or_die connect 8083
  [[ -d "$STATE/connect/libs" ]] || die "Kafka Connect is not provisioned; run: stack.sh up --with connect"
  spawn connect "$LOGS/connect.log" "$(java_cmd)" "${JAVA_OPTS[@]}" \
    -Dlog4j2.configurationFile="$STACK_SRC/connect/log4j2.xml" -cp "$STATE/connect/libs/*" \
    org.apache.kafka.connect.cli.ConnectDistributed "$STATE/connect/connect-distributed.properties"
}

# The worker answers only after joining its group; the Debezium plugins must have been discovered.
connect_healthy() {
  local plugins
  curl -fsS "$CONNECT_URL/connectors" >/dev/null &&
    plugins="$(curl -fsS "$CONNECT_URL/connector-plugins")" &&
    grep -q 'io.debezium.connector.postgresql.PostgresConnector' <<<"$plugins" &&
    grep -q 'io.debezium.connector.db2.Db2Connector' <<<"$plugins"
}

connect_wait() { wait_until connect 180 "$RUN/connect.pid" ConnectDistributed "$LOGS/connect.log" connect_healthy; }
connect_stop() { stop_pid connect ConnectDistributed 30; }

# ---- BigQuery emulator (bqemulator, DuckDB-backed) ------------------------------------------------
bigquery_running() { pid_alive "$RUN/bigquery.pid" stack/bigquery/launch.py; }

bigquery_start() {
  bigquery_running && return 0
  ports_free_or_die bigquery "$BIGQUERY_PORT" "$BIGQUERY_GRPC_PORT"
  [[ -x "$STATE/bigquery/venv/bin/python" ]] || die "the BigQuery emulator is not provisioned; run: stack.sh up --with bigquery"
  mkdir -p "$STATE/bigquery/data"
  # Persistent like the Temporal database, so a demo's warehouse survives a restart. The Avro
  # extension would be downloaded at start (blocked here); loads use Parquet.
  spawn bigquery "$LOGS/bigquery.log" env BQEMU_ENABLE_FORMAT_EXTENSIONS=false \
    "$STATE/bigquery/venv/bin/python" "$STACK_SRC/bigquery/launch.py" start \
    --rest-host 127.0.0.1 --rest-port "$BIGQUERY_PORT" --grpc-host 127.0.0.1 --grpc-port "$BIGQUERY_GRPC_PORT" \
    --persistent --data-dir "$STATE/bigquery/data" --project "$BIGQUERY_PROJECT" --log-level warning --log-format console
}

# /readyz answers 200 once DuckDB and the emulator's catalog respond to a query.
bigquery_healthy() { curl -fsS "$BIGQUERY_URL/readyz" | grep -q '"status":"ok"'; }
bigquery_wait() { wait_until bigquery 60 "$RUN/bigquery.pid" stack/bigquery/launch.py "$LOGS/bigquery.log" bigquery_healthy; }
bigquery_stop() { stop_pid bigquery stack/bigquery/launch.py 15; }
