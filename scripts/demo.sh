#!/usr/bin/env bash
# `make demo`: brings the local stack up, seeds the DB2-shaped demo source, starts a worker, and runs
# the main job end to end: change capture registered, backfill of all 12 domains, continuous CDC
# while the change simulator runs for a minute, then freshness and source == warehouse per table.
set -euo pipefail
cd "$(dirname "$0")/.."

SCALE="${DEMO_SCALE:-0.1}"
SIMULATE_SECONDS="${DEMO_SIMULATE_SECONDS:-60}"
factory() { node bin/factory.js "$@"; }

echo "== 1. local stack (Temporal, Kafka, Kafka Connect + Debezium, PostgreSQL)"
bash stack/stack.sh up --with connect

echo "== 2. clean start: previous capture, topics and demo warehouse removed"
factory cdc unregister --drop-topics
rm -rf .stack/warehouse .stack/staging

echo "== 3. demo source: DB2-shaped schemas in PostgreSQL, scale $SCALE"
factory source seed --scale "$SCALE" --reset

echo "== 4. Debezium capture registered before the backfill (its slot keeps every change from now on)"
factory cdc register

echo "== 5. worker (all roles) in the background; log: .stack/logs/demo-worker.log"
mkdir -p .stack/logs
node bin/factory.js worker --role all > .stack/logs/demo-worker.log 2>&1 &
worker=$!
trap 'kill -TERM $worker 2>/dev/null || true; wait $worker 2>/dev/null || true' EXIT
factory selfcheck > /dev/null
echo "worker ready (selfCheck workflow passed: PostgreSQL and Kafka reached through real activities)"

echo "== 6. backfill all 12 domains (workflow backfill:all, a child workflow per table)"
factory backfill all --table-concurrency 4

echo "== 7. change capture for every domain (workflows cdc:<domain>), simulator for ${SIMULATE_SECONDS}s"
factory cdc start all --run-seconds 10
factory source simulate --rate 50 --seconds "$SIMULATE_SECONDS"
echo "waiting for change capture to catch up…"
for attempt in $(seq 1 30); do
  sleep 5
  if factory verify all > .stack/logs/demo-verify.txt 2>&1; then break; fi
done
factory cdc status

echo "== 8. verify: source == warehouse, per table (row count and content checksum)"
factory verify all
factory cdc stop all > /dev/null

cat <<EOT

Done. Open the Temporal UI at http://127.0.0.1:8233 to see every run (filter: FactoryDomain = "booking").
The stack keeps running: \`npx factory stack status\`, \`npx factory stack down\`.
Start a worker again with \`npx factory worker\`, then \`npx factory cdc start all\`, \`npx factory backfill booking.booking_line\`.
EOT
