#!/usr/bin/env bash
# `make demo`: brings the local stack up, seeds the DB2-shaped demo source, starts a worker, and runs
# the main job end to end — a backfill of all 12 domains, then source == warehouse per table.
set -euo pipefail
cd "$(dirname "$0")/.."

SCALE="${DEMO_SCALE:-0.1}"
factory() { node bin/factory.js "$@"; }

echo "== 1. local stack (Temporal, Kafka, Kafka Connect + Debezium, PostgreSQL)"
bash stack/stack.sh up --with connect

echo "== 2. demo source: DB2-shaped schemas in PostgreSQL, scale $SCALE"
factory source seed --scale "$SCALE" --reset

echo "== 3. worker (all roles) in the background; log: .stack/logs/demo-worker.log"
mkdir -p .stack/logs
node bin/factory.js worker --role all > .stack/logs/demo-worker.log 2>&1 &
worker=$!
trap 'kill -TERM $worker 2>/dev/null || true; wait $worker 2>/dev/null || true' EXIT
factory selfcheck > /dev/null
echo "worker ready (selfCheck workflow passed: PostgreSQL and Kafka reached through real activities)"

echo "== 4. backfill all 12 domains (workflow backfill:all, a child workflow per table)"
factory backfill all --table-concurrency 4

echo "== 5. verify: source == warehouse, per table (row count and content checksum)"
factory verify all

cat <<EOT

Done. Open the Temporal UI at http://127.0.0.1:8233 to see every run (filter: FactoryDomain = "booking").
The stack keeps running: \`npx factory stack status\`, \`npx factory stack down\`.
Start a worker again with \`npx factory worker\`; backfill one table with \`npx factory backfill booking.booking_line\`.
EOT
