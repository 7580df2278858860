#!/usr/bin/env bash
# `make demo`: brings the local stack up, seeds the DB2-shaped demo source, starts a worker, and runs
# the main job end to end: change capture registered, backfill of all 12 domains, continuous CDC
# while the change simulator runs for a minute, then freshness and source == warehouse per table,
# and last a data product publication left waiting for its DPO, with both ways to approve it.
# WAREHOUSE=bigquery (or FACTORY_WAREHOUSE=bigquery) runs it on the local BigQuery emulator, in the
# project DEMO_BIGQUERY_PROJECT (default factory-demo): the same 12 domains and the same publication.
set -euo pipefail
cd "$(dirname "$0")/.."

SCALE="${DEMO_SCALE:-0.1}"
SIMULATE_SECONDS="${DEMO_SIMULATE_SECONDS:-60}"
WAREHOUSE="${WAREHOUSE:-${FACTORY_WAREHOUSE:-duckdb}}"
STAGING="${FACTORY_STAGING_DIR:-.stack/staging}"
factory() { node bin/factory.js "$@"; }

case "$WAREHOUSE" in
  duckdb)
    export FACTORY_WAREHOUSE=duckdb
    WITH=connect,identity
    DOMAINS=(all) ;;
  bigquery)
    export FACTORY_WAREHOUSE=bigquery
    # A project of the demo's own: step 2 drops every dataset in it.
    export GOOGLE_CLOUD_PROJECT="${DEMO_BIGQUERY_PROJECT:-factory-demo}"
    export BIGQUERY_API_ENDPOINT="${BIGQUERY_API_ENDPOINT:-http://127.0.0.1:9050}"
    WITH=connect,bigquery,identity
    # The workflows BigQuery can run (workers/capabilities.ts: all of them): the worker refuses to start for others.
    FACTORY_WORKFLOWS="$(node --import tsx --input-type=module -e "import { workflowsSetting } from './workers/capabilities.js'; console.log(workflowsSetting('bigquery'))")"
    export FACTORY_WORKFLOWS
    # Secured views for the directory's two agencies (stack/identity/people.ts), not the seed's 2,000:
    # a dataset and three views per agency took ~20 agencies a minute on the emulator.
    export FACTORY_ACCESS_AGENCIES="${FACTORY_ACCESS_AGENCIES:-101,102}"
    # One domain after the other: the emulator answers one query at a time.
    mapfile -t DOMAINS < <(node --import tsx scripts/demo-domains.ts bigquery) ;;
  *) echo "WAREHOUSE: expected duckdb or bigquery, got '$WAREHOUSE'" >&2; exit 2 ;;
esac

# Every dataset of the demo's BigQuery project, with its tables (the emulator's REST API).
drop_bigquery_datasets() {
  local base="$BIGQUERY_API_ENDPOINT/bigquery/v2/projects/$GOOGLE_CLOUD_PROJECT/datasets"
  local ids
  ids=$(curl -sf "$base" | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    for (const d of JSON.parse(s).datasets ?? []) console.log(d.datasetReference.datasetId); })')
  for id in $ids; do curl -sf -X DELETE "$base/$id?deleteContents=true" > /dev/null; done
}

# The console signs people in through the stack's Keycloak (the directory's demo accounts).
export OIDC_ISSUER="${OIDC_ISSUER:-http://127.0.0.1:8480/realms/factory}"
export OIDC_DISCOVERY_URL="${OIDC_DISCOVERY_URL:-$OIDC_ISSUER/.well-known/openid-configuration}"

# No DB2 here: the PostgreSQL demo source stands in for it (its schemas and types mirror DB2's); the worker logs it too.
export FACTORY_DB2_STANDIN=postgres
echo "DB2 stand-in: the db2 contract tables read the PostgreSQL demo source (FACTORY_DB2_STANDIN=postgres; set DB2_URL for a real DB2)"

echo "== 1. local stack (Temporal, Kafka, Kafka Connect + Debezium, PostgreSQL; extras: $WITH)"
bash stack/stack.sh up --with "$WITH"

echo "== 2. clean start: the previous demo's worker, capture, topics and demo warehouse ($WAREHOUSE) removed"
# The previous demo left its worker running; it owns the DuckDB file this run replaces.
bash stack/stack.sh stop-demo-worker
factory cdc unregister --drop-topics
if [[ "$WAREHOUSE" == bigquery ]]; then drop_bigquery_datasets; else rm -rf .stack/warehouse; fi
rm -rf "$STAGING"

echo "== 3. demo source: DB2-shaped schemas in PostgreSQL, scale $SCALE"
factory source seed --scale "$SCALE" --reset

echo "== 4. Debezium capture registered before the backfill (its slot keeps every change from now on)"
factory cdc register

echo "== 5. worker (all roles) in the background; log: .stack/logs/demo-worker.log"
mkdir -p .stack/logs
# Its own session, so it outlives this script: the demo leaves it running for the DPO's approval.
setsid node bin/factory.js worker --role all > .stack/logs/demo-worker.log 2>&1 < /dev/null &
worker=$!
echo "$worker" > .stack/demo-worker.pid
# Only a failed demo stops it; a finished one leaves it serving the publication that waits.
trap 'status=$?; if [[ $status != 0 ]]; then bash stack/stack.sh stop-demo-worker; fi' EXIT
# The worker bundles its workflows first; selfcheck waits a few seconds for it, and is asked again meanwhile.
for attempt in 1 2 3 4 5 6; do
  if factory selfcheck > /dev/null 2> .stack/logs/demo-selfcheck.txt; then break; fi
  if ! kill -0 "$worker" 2>/dev/null || [[ $attempt == 6 ]]; then cat .stack/logs/demo-selfcheck.txt .stack/logs/demo-worker.log >&2; exit 1; fi
done
echo "worker ready (selfCheck workflow passed: PostgreSQL and Kafka reached through real activities)"

# Each command once per target: 'all' on DuckDB, one domain after the other on BigQuery.
each() { for target in "${DOMAINS[@]}"; do "$@" "$target" || return 1; done; }
backfill_target() { factory backfill "$1" --table-concurrency 4; }
cdc_start_target() { factory cdc start "$1" --run-seconds 10; }

echo "== 6. backfill into $WAREHOUSE: ${DOMAINS[*]} (workflows backfill:<domain|all>, a child workflow per table)"
each backfill_target

echo "== 7. change capture (workflows cdc:<domain>), simulator for ${SIMULATE_SECONDS}s"
each cdc_start_target
factory source simulate --rate 50 --seconds "$SIMULATE_SECONDS"
echo "waiting for change capture to catch up…"
for attempt in $(seq 1 30); do
  sleep 5
  if each factory verify > .stack/logs/demo-verify.txt 2>&1; then break; fi
done
factory cdc status

echo "== 8. verify: source == warehouse, per table (row count and content checksum)"
each factory verify
each factory cdc stop > /dev/null

PUBLISH_PRODUCT="${DEMO_PUBLISH_PRODUCT:-booking.bookings}"
echo "== 9. publication with DPO approval: catalog sync, factory publish $PUBLISH_PRODUCT, left waiting for its DPO"
bash scripts/demo-publish.sh "$PUBLISH_PRODUCT"

echo "== 10. KPIs: customer_service.service_cases published (approved here by its DPO: FACTORY_AUTH=dev), then the computeKpis workflow"
bash scripts/demo-kpis.sh

echo "== 11. console (catalog, DPO inbox, pipeline, KPIs, customer 360) in the background; log: .stack/logs/demo-console.log"
setsid node bin/factory.js console > .stack/logs/demo-console.log 2>&1 < /dev/null &
echo $! > .stack/demo-console.pid
for _ in $(seq 1 60); do
  if curl -sf -o /dev/null "${FACTORY_CONSOLE_URL:-http://127.0.0.1:3000}/"; then break; fi
  sleep 0.5
done
CONSOLE_URL="${FACTORY_CONSOLE_URL:-http://127.0.0.1:3000}"

cat <<EOT

Done ($WAREHOUSE). Open the Temporal UI at http://127.0.0.1:8233 to see every run (filter: FactoryDomain = "${DOMAINS[0]/#all/booking}").
The console is at $CONSOLE_URL — sign in on Keycloak's page with one of the directory's demo accounts
(password factory-demo; DEMO ONLY, stack/identity/people.ts):
  dpo.booking       booking's DPO: the inbox holds $PUBLISH_PRODUCT, waiting for approval
  dpo.customer_service  customer_service's DPO: the KPI page shows its case backlog with its trend
  agent.mila        call-centre agent: customer 360 (no payment instruments)
  agency101.clara   travel agency 101: only the bookings it sold, personal data masked
  analyst.lucia     analyst: every product, identities pseudonymised
  eng.pavel         engineer: pipeline status, no personal value in clear
  admin.ingrid      administrator: everything
The stack keeps running: \`npx factory stack status\`, \`npx factory stack down\` (which also stops the demo's worker and console).
The demo's worker keeps running too (pid $worker, log .stack/logs/demo-worker.log), so the approval above works
from the CLI, the console or the Temporal UI; stop the worker and the console with \`bash stack/stack.sh stop-demo-worker\`.
Once $PUBLISH_PRODUCT is approved, \`npx factory kpi run\` computes booking's KPIs too (bookings and revenue per resort and day, cancellation rate).
More to try with it: \`npx factory cdc start all\`, \`npx factory backfill booking.booking_line\`.
EOT
if [[ "$WAREHOUSE" == bigquery ]]; then
  # The product's views are named <product>__<table> in published_<domain> (connectors/warehouse/publish-port.ts).
  cat <<EOT
Once approved, the published views are readable on the emulator, e.g. (booking.bookings):
  curl -s -X POST "$BIGQUERY_API_ENDPOINT/bigquery/v2/projects/$GOOGLE_CLOUD_PROJECT/queries" -H 'content-type: application/json' \\
    -d '{"query":"SELECT COUNT(*) AS n FROM published_booking.bookings__booking","useLegacySql":false}'
EOT
fi
