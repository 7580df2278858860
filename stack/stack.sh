#!/usr/bin/env bash
# Local real stack without Docker: Temporal dev server (+ Web UI), Kafka (KRaft), PostgreSQL and,
# on request, Kafka Connect with Debezium, the BigQuery emulator and the identity services (OpenLDAP +
# Keycloak). Everything binds to 127.0.0.1; all state is in <repo>/.stack.
#
#   stack.sh up [--with connect,bigquery,identity]  provision if needed, start, wait until healthy
#   stack.sh up --only identity|bigquery      start only these optional services, not the core ones
#   stack.sh down                             stop everything this script started (and the demo's worker)
#   stack.sh stop-demo-worker                 stop the worker and the console `make demo` leaves running
#   stack.sh status                           one line per service: name, address, state
#   stack.sh provision [--with connect,bigquery,identity]  install pinned versions only (skipped when done)
#   stack.sh db2-driver                       fetch IBM's CLI driver, build ibm_db against it (skipped when done)
#   stack.sh bench-peer                       install the backfill bench's peer (Python duckdb + postgres extension), print its python
#   stack.sh restart-service <temporal|kafka|postgres|connect|slapd|keycloak>
#   stack.sh env                              export lines with addresses and binary paths for tests
set -euo pipefail

STACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
source "$STACK_DIR/lib/common.sh"
# shellcheck source=lib/provision.sh
source "$STACK_DIR/lib/provision.sh"
# shellcheck source=lib/services.sh
source "$STACK_DIR/lib/services.sh"
# shellcheck source=lib/identity.sh
source "$STACK_DIR/lib/identity.sh"
# shellcheck source=lib/db2.sh
source "$STACK_DIR/lib/db2.sh"
# shellcheck source=lib/bench-peer.sh
source "$STACK_DIR/lib/bench-peer.sh"

usage() { sed -n '6,15p' "$STACK_DIR/stack.sh" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# Parses "--with a,b" into the global WITH (comma list, validated). "--only a,b" does the same and sets
# ONLY: the core services (Temporal, Kafka, PostgreSQL) are then neither provisioned nor started, e.g.
# to run the identity services from a second checkout while another checkout's stack holds the core ports.
WITH=""
ONLY=""
parse_with() {
  while (($#)); do
    case "$1" in
      --with) [[ $# -ge 2 ]] || die "--with needs a value: connect, bigquery or identity"; WITH="$2"; shift 2 ;;
      --with=*) WITH="${1#--with=}"; shift ;;
      --only) [[ $# -ge 2 ]] || die "--only needs a value: bigquery or identity"; WITH="$2"; ONLY=1; shift 2 ;;
      --only=*) WITH="${1#--only=}"; ONLY=1; shift ;;
      *) die "unknown option '$1' (expected --with connect,bigquery,identity or --only bigquery,identity)" ;;
    esac
  done
  local item
  for item in ${WITH//,/ }; do
    case "$item" in
      connect) [[ -z "$ONLY" ]] || die "--only connect is not possible: Kafka Connect needs the core Kafka broker" ;;
      bigquery) ;;
      identity) ;;
      *) die "unknown optional service '$item' in --with (expected connect, bigquery or identity)" ;;
    esac
  done
}
with_connect() { [[ ",$WITH," == *",connect,"* ]]; }
with_bigquery() { [[ ",$WITH," == *",bigquery,"* ]]; }
with_identity() { [[ ",$WITH," == *",identity,"* ]]; }

print_addresses() {
  if [[ -z "$ONLY" ]]; then
    cat <<EOF
Temporal     $TEMPORAL_ADDR  (namespace default)
Temporal UI  $TEMPORAL_UI
Kafka        $KAFKA_ADDR
PostgreSQL   $PG_URL_SOURCE
             $PG_URL_CATALOG
             $PG_URL_SERVING
EOF
  fi
  if connect_running; then echo "Connect      $CONNECT_URL"; fi
  if bigquery_running; then echo "BigQuery     $BIGQUERY_URL  (emulator, project $BIGQUERY_PROJECT)"; fi
  if slapd_running; then echo "LDAP         $LDAP_URL  (base $LDAP_BASE_DN)"; fi
  if keycloak_running; then
    echo "OIDC issuer  $OIDC_ISSUER  (Keycloak; admin console $KEYCLOAK_URL/admin, demo only: admin / factory-admin-demo)"
  fi
  echo "Logs         $LOGS"
}

cmd_up() {
  parse_with "$@"
  if [[ -n "$ONLY" ]]; then
    ensure_dirs
    provision_tools
    if with_bigquery; then provision_bigquery; fi
    if with_identity; then provision_identity; fi
  else
    provision_all "$WITH"
  fi
  # Launch first, then wait: the three core services start in parallel on two cores.
  if [[ -z "$ONLY" ]]; then
    postgres_start
    kafka_start
    temporal_start
  fi
  if with_bigquery; then bigquery_start; fi
  if with_identity; then identity_start; fi
  if [[ -z "$ONLY" ]]; then
    postgres_wait
    kafka_wait
    temporal_wait
  fi
  if with_connect; then
    connect_start
    connect_wait
  fi
  if with_bigquery; then bigquery_wait; fi
  if with_identity; then identity_wait; fi
  print_addresses
}

# The worker and the console `make demo` leaves running (scripts/demo.sh), by the pids it recorded.
stop_demo_process() {
  local name="$1" pidfile="$STATE/demo-$1.pid" pid
  [[ -s "$pidfile" ]] || return 0
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    log "demo $name (pid $pid) stopped"
  fi
  rm -f "$pidfile"
}
cmd_stop_demo_worker() { stop_demo_process console; stop_demo_process worker; }

cmd_down() {
  parse_with "$@"
  cmd_stop_demo_worker
  # Reverse dependency order: Connect needs Kafka, so it goes first.
  connect_stop
  bigquery_stop
  identity_stop
  temporal_stop
  kafka_stop
  postgres_stop
  log "stopped"
}

# running: process alive and its port answers; starting: alive, port not yet open; stopped: no process.
state_of() {
  local name="$1" port="$2"
  if ! "${name}_running"; then echo stopped
  elif tcp_open 127.0.0.1 "$port"; then echo running
  else echo starting; fi
}

cmd_status() {
  printf '%-10s %-58s %s\n' temporal "$TEMPORAL_ADDR (UI $TEMPORAL_UI)" "$(state_of temporal 7233)"
  printf '%-10s %-58s %s\n' kafka "$KAFKA_ADDR" "$(state_of kafka 9092)"
  printf '%-10s %-58s %s\n' postgres "127.0.0.1:$PG_PORT" "$(state_of postgres "$PG_PORT")"
  printf '%-10s %-58s %s\n' connect "$CONNECT_URL" "$(state_of connect 8083)"
  printf '%-10s %-58s %s\n' bigquery "$BIGQUERY_URL (emulator)" "$(state_of bigquery "$BIGQUERY_PORT")"
  printf '%-10s %-58s %s\n' slapd "$LDAP_URL ($LDAP_BASE_DN)" "$(state_of slapd "$LDAP_PORT")"
  printf '%-10s %-58s %s\n' keycloak "$OIDC_ISSUER" "$(state_of keycloak "$KEYCLOAK_PORT")"
}

cmd_restart_service() {
  local svc="${1:-}"
  case "$svc" in
    temporal | kafka | postgres) ;;
    connect) WITH=connect ;;
    slapd | keycloak) WITH=identity ;;
    *) die "restart-service needs one of: temporal, kafka, postgres, connect, slapd, keycloak (got '${svc}')" ;;
  esac
  ensure_dirs
  if [[ "$svc" == connect ]]; then provision_connect; fi
  if [[ "$WITH" == identity ]]; then provision_identity; identity_generate; fi
  "${svc}_stop"
  "${svc}_start"
  "${svc}_wait"
  log "$svc restarted"
}

cmd_env() {
  cat <<EOF
export TEMPORAL_ADDRESS=$TEMPORAL_ADDR
export TEMPORAL_NAMESPACE=default
export TEMPORAL_CLI=$BIN/temporal
export TEMPORAL_TEST_SERVER=$BIN/temporal-test-server
export KAFKA_BROKERS=$KAFKA_ADDR
export KAFKA_CONNECT_URL=$CONNECT_URL
export FACTORY_SOURCE_URL=$PG_URL_SOURCE
export FACTORY_CATALOG_URL=$PG_URL_CATALOG
export FACTORY_SERVING_URL=$PG_URL_SERVING
export BIGQUERY_API_ENDPOINT=$BIGQUERY_URL
export GOOGLE_CLOUD_PROJECT=$BIGQUERY_PROJECT
export LDAP_URL=$LDAP_URL
export LDAP_BASE_DN=$LDAP_BASE_DN
export OIDC_ISSUER=$OIDC_ISSUER
export OIDC_DISCOVERY_URL=$OIDC_ISSUER/.well-known/openid-configuration
export OIDC_AUDIENCE=factory
export OIDC_CLI_CLIENT_ID=factory-cli
export OIDC_CONSOLE_CLIENT_ID=factory-console
EOF
  # Made by provision; printed only when present, so a stack provisioned before it still prints the rest.
  if [[ -s "$PAYLOAD_KEYS_FILE" ]]; then echo "export FACTORY_PAYLOAD_KEYS=$(cat "$PAYLOAD_KEYS_FILE")"; fi
  if [[ -s "$PSEUDONYM_KEYS_FILE" ]]; then echo "export FACTORY_PSEUDONYM_KEYS=$(cat "$PSEUDONYM_KEYS_FILE")"; fi
  if [[ -s "$ERASURE_KEY_FILE" ]]; then echo "export FACTORY_ERASURE_KEY=$(cat "$ERASURE_KEY_FILE")"; fi
}

main() {
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    stop-demo-worker) cmd_stop_demo_worker ;;
    status) cmd_status ;;
    provision) parse_with "$@"; provision_all "$WITH"; log "provisioned" ;;
    db2-driver) ensure_dirs; provision_db2_driver; log "ibm_db built against $DB2_CLIDRIVER" ;;
    bench-peer) ensure_dirs; provision_bench_peer; echo "$BENCH_PEER_VENV/bin/python $(bench_peer_extension)" ;;
    restart-service) cmd_restart_service "$@" ;;
    env) cmd_env ;;
    *) usage ;;
  esac
}

main "$@"
