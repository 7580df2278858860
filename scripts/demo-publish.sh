#!/usr/bin/env bash
# The last step of `make demo`, runnable on its own against a running worker and a loaded warehouse
# (settings from the environment, as for every factory command): the contracts synced into the
# catalog, a publication of a product requested without waiting, and once its candidate waits for
# the DPO, both ways to approve it printed with every value filled in.
#   bash scripts/demo-publish.sh [<domain>.<product>]     (default booking.bookings)
set -euo pipefail
cd "$(dirname "$0")/.."

PRODUCT="${1:-booking.bookings}"
factory() { node bin/factory.js "$@"; }

factory catalog sync
factory publish "$PRODUCT" --as "${USER:-demo}" --reason "make demo: publication of $PRODUCT" --no-wait
echo "waiting until the candidate waits for its DPO (quality gate, then snapshot)…"
factory approvals how "$PRODUCT" --comment "first publication reviewed"
