-- Up Migration

-- Breaking source schema changes that change capture stopped at (a dropped or retyped column), one row
-- per approval request (workflow schema-change:<domain>.<table>), with the DPO's decision. An approved
-- change without blockers is what change capture decodes with from then on ("accept the source as it
-- is"), so a restarted change capture finds it here. Not tied to datasets by a foreign key: the
-- decisions outlive a table's removal from the contracts.
CREATE TABLE catalog.schema_changes (
  id bigserial PRIMARY KEY,
  domain text NOT NULL,
  dataset text NOT NULL,
  -- idempotency key of the request: a retried activity finds its row again
  workflow_id text NOT NULL,
  run_id text NOT NULL,
  topic text NOT NULL,
  -- the Kafka offset of the first event not applied
  kafka_offset text NOT NULL,
  reason text NOT NULL,
  -- { added, dropped, retyped: [{ column, contract, event }] }
  change jsonb NOT NULL,
  -- why accepting the source as it is would not make the events decodable (then the contract must change)
  blockers jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'expired')),
  decided_by text,
  decided_at timestamptz,
  comment text,
  created_at timestamptz NOT NULL,
  UNIQUE (workflow_id, run_id)
);
CREATE INDEX schema_changes_dataset ON catalog.schema_changes (domain, dataset, id);
CREATE INDEX schema_changes_pending ON catalog.schema_changes (domain) WHERE status = 'pending';

-- Down Migration

DROP TABLE catalog.schema_changes;
