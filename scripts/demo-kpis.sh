#!/usr/bin/env bash
# Step 10 of `make demo`, runnable on its own against a running worker and a loaded warehouse
# (settings from the environment, as for every factory command): the product the call-centre backlog
# KPI reads is published and approved by its DPO — with FACTORY_AUTH=dev, the local demo's mode, where
# the name given is not verified — then the computeKpis workflow computes every KPI whose product is
# published, and the customer_service DPO's view of them is printed.
#   bash scripts/demo-kpis.sh
set -euo pipefail
cd "$(dirname "$0")/.."

KPI_PRODUCT=customer_service.service_cases
factory() { node bin/factory.js "$@"; }

factory publish "$KPI_PRODUCT" --as "${USER:-demo}" --reason "make demo: the call-centre backlog KPI reads it"
kpi_version=$(factory approvals list --as dpo.customer_service --json | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
  const p = JSON.parse(s).publications.find((c) => `${c.domain}.${c.product}` === process.argv[1]); if (p) console.log(p.version); })' "$KPI_PRODUCT")
[[ -n "$kpi_version" ]] || { echo "no candidate of $KPI_PRODUCT waits for dpo.customer_service" >&2; exit 1; }
factory approve "$KPI_PRODUCT" "$kpi_version" --as dpo.customer_service --comment "make demo: reviewed for the KPI step"
factory kpi run
factory kpi show customer_service --role dpo:customer_service
