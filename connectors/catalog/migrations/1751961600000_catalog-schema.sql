-- Up Migration

-- The data catalog: what the domain contracts declare (synced by `factory catalog sync`), the versions
-- of each data product with their approval history, quality evidence and an append-only audit log.
-- Everything lives in its own schema so the catalog can share a database with other tools.

CREATE SCHEMA IF NOT EXISTS catalog;

-- Declared by the contracts (domains/*.ts); sync keeps these equal to the contracts of the synced domains.

CREATE TABLE catalog.domains (
  name text PRIMARY KEY,
  description text NOT NULL,
  -- reminder/escalation/expiry hours and auto-approval, as declared
  approval jsonb NOT NULL
);

-- The people who may decide on a domain's publications: its DPO and the DPO's deputies.
CREATE TABLE catalog.people (
  domain text NOT NULL REFERENCES catalog.domains (name) ON DELETE CASCADE,
  person_id text NOT NULL,
  name text NOT NULL,
  email text,
  role text NOT NULL CHECK (role IN ('dpo', 'deputy')),
  ordinal integer NOT NULL,
  PRIMARY KEY (domain, person_id)
);
CREATE UNIQUE INDEX people_one_dpo ON catalog.people (domain) WHERE role = 'dpo';
CREATE INDEX people_by_person ON catalog.people (person_id);

CREATE TABLE catalog.datasets (
  domain text NOT NULL REFERENCES catalog.domains (name) ON DELETE CASCADE,
  name text NOT NULL,
  description text NOT NULL,
  -- '<system>:<SCHEMA>.<TABLE>'
  source text NOT NULL,
  key_columns text[] NOT NULL,
  PRIMARY KEY (domain, name)
);

CREATE TABLE catalog.dataset_columns (
  domain text NOT NULL,
  dataset text NOT NULL,
  name text NOT NULL,
  ordinal integer NOT NULL,
  type text NOT NULL,
  nullable boolean NOT NULL,
  pii text NOT NULL CHECK (pii IN ('none', 'contact', 'identity', 'financial', 'sensitive')),
  description text,
  -- '<domain>.<table>.<COLUMN>' of a foreign key
  references_column text,
  PRIMARY KEY (domain, dataset, name),
  FOREIGN KEY (domain, dataset) REFERENCES catalog.datasets (domain, name) ON DELETE CASCADE
);

CREATE TABLE catalog.data_products (
  domain text NOT NULL REFERENCES catalog.domains (name) ON DELETE CASCADE,
  name text NOT NULL,
  description text NOT NULL,
  consumers text[] NOT NULL,
  PRIMARY KEY (domain, name)
);

-- A product's tables, which may belong to other domains (no foreign key to datasets: a table of a
-- domain that is not synced yet is still part of the declaration).
CREATE TABLE catalog.product_tables (
  domain text NOT NULL,
  product text NOT NULL,
  table_domain text NOT NULL,
  table_name text NOT NULL,
  ordinal integer NOT NULL,
  PRIMARY KEY (domain, product, table_domain, table_name),
  FOREIGN KEY (domain, product) REFERENCES catalog.data_products (domain, name) ON DELETE CASCADE
);

-- Lineage known from the contracts: source table → raw → qualified (business rules, column level where
-- a rule maps one column to one column) → product. Owned by the table or product it leads to.
CREATE TABLE catalog.lineage_edges (
  from_node text NOT NULL,
  to_node text NOT NULL,
  domain text NOT NULL REFERENCES catalog.domains (name) ON DELETE CASCADE,
  owner_table text,
  owner_product text,
  kind text NOT NULL,
  -- [{ "from": "COL", "to": "COL", "rule": "rule_id" }], or null for a table-level edge
  columns jsonb,
  PRIMARY KEY (from_node, to_node),
  CHECK ((owner_table IS NULL) <> (owner_product IS NULL))
);
CREATE INDEX lineage_edges_owner ON catalog.lineage_edges (domain, owner_table, owner_product);

-- Full-text search: one document per domain, product, table and column. `parts` keeps the texts with
-- their labels and weights (A name, B description, C columns, D tags) so a hit can say why it matched.

CREATE FUNCTION catalog.search_text(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  -- Names are written with '_' and '.' (booking_line, booking.booking.STATUS): split them into words.
  RETURN regexp_replace(coalesce($1, ''), '[._]+', ' ', 'g');

CREATE FUNCTION catalog.search_parts(parts jsonb, weight text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (SELECT string_agg(p ->> 'text', ' ') FROM jsonb_array_elements(parts) AS p WHERE p ->> 'weight' = weight);

CREATE FUNCTION catalog.search_document(parts jsonb) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN setweight(to_tsvector('english'::regconfig, catalog.search_text(catalog.search_parts(parts, 'A'))), 'A')
      || setweight(to_tsvector('english'::regconfig, catalog.search_text(catalog.search_parts(parts, 'B'))), 'B')
      || setweight(to_tsvector('english'::regconfig, catalog.search_text(catalog.search_parts(parts, 'C'))), 'C')
      || setweight(to_tsvector('english'::regconfig, catalog.search_text(catalog.search_parts(parts, 'D'))), 'D');

CREATE TABLE catalog.search_documents (
  kind text NOT NULL CHECK (kind IN ('domain', 'product', 'table', 'column')),
  name text NOT NULL,
  domain text NOT NULL REFERENCES catalog.domains (name) ON DELETE CASCADE,
  description text,
  parts jsonb NOT NULL,
  document tsvector GENERATED ALWAYS AS (catalog.search_document(parts)) STORED,
  PRIMARY KEY (kind, name)
);
CREATE INDEX search_documents_document ON catalog.search_documents USING gin (document);

-- Written by the publication workflow. Not tied to data_products by a foreign key: the history of a
-- product outlives its removal from the contracts.

CREATE TABLE catalog.product_versions (
  domain text NOT NULL,
  product text NOT NULL,
  version integer NOT NULL CHECK (version > 0),
  status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'expired', 'superseded', 'published')),
  -- idempotency key of createCandidate: a retried activity finds its version again
  workflow_id text NOT NULL,
  run_id text NOT NULL DEFAULT '',
  datasets jsonb NOT NULL,
  changes jsonb NOT NULL,
  breaking boolean NOT NULL,
  quality_status text NOT NULL CHECK (quality_status IN ('pass', 'warn', 'block')),
  quality_report_id text,
  lineage jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  -- the decision that ended the pending state
  decided_by text,
  decided_at timestamptz,
  comment text,
  published_at timestamptz,
  PRIMARY KEY (domain, product, version),
  UNIQUE (domain, product, workflow_id, run_id)
);
-- Readers must never see two published versions of a product.
CREATE UNIQUE INDEX product_versions_one_published ON catalog.product_versions (domain, product) WHERE status = 'published';
CREATE INDEX product_versions_open ON catalog.product_versions (domain) WHERE status = 'pending';

-- Every decision on a version, in order: the approval history.
CREATE TABLE catalog.version_events (
  id bigserial PRIMARY KEY,
  domain text NOT NULL,
  product text NOT NULL,
  version integer NOT NULL,
  decision text NOT NULL CHECK (decision IN ('approved', 'rejected', 'expired', 'superseded', 'published')),
  decided_by text,
  comment text,
  at timestamptz NOT NULL,
  FOREIGN KEY (domain, product, version) REFERENCES catalog.product_versions (domain, product, version)
);
CREATE INDEX version_events_version ON catalog.version_events (domain, product, version);

-- One summary per quality gate run of a product.
CREATE TABLE catalog.quality_reports (
  report_id text PRIMARY KEY,
  domain text NOT NULL,
  product text NOT NULL,
  status text NOT NULL CHECK (status IN ('pass', 'warn', 'block')),
  rules integer NOT NULL,
  warned integer NOT NULL,
  blocked integer NOT NULL,
  duration_ms integer NOT NULL,
  checked_at timestamptz NOT NULL
);
CREATE INDEX quality_reports_product ON catalog.quality_reports (domain, product, checked_at DESC);

-- Who did or tried what, authorised or not. Append-only: updates, deletes and truncation are refused.
CREATE TABLE catalog.audit_log (
  id bigserial PRIMARY KEY,
  domain text NOT NULL,
  product text,
  version integer,
  actor text NOT NULL,
  action text NOT NULL,
  authorized boolean NOT NULL,
  detail text NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX audit_log_product ON catalog.audit_log (domain, product, id);

CREATE FUNCTION catalog.audit_log_append_only() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'catalog.audit_log is append-only: % refused', TG_OP;
END;
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON catalog.audit_log
  FOR EACH ROW EXECUTE FUNCTION catalog.audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON catalog.audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION catalog.audit_log_append_only();

-- Down Migration

DROP SCHEMA catalog CASCADE;
