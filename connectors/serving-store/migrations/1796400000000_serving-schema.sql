-- Up Migration
-- The serving store's own bookkeeping. Served tables themselves (serve_<domain>.<table>) follow the
-- contracts and are created by the store when first written; this records the layout each was
-- created with, so a contract that changes a served table's columns is refused by name instead of
-- failing on its first COPY.
CREATE SCHEMA IF NOT EXISTS serving;
CREATE TABLE serving.served_tables (
  table_ref text PRIMARY KEY,
  layout text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- Backfills whose rows were swept in: the position and load the store last followed a backfill at.
CREATE TABLE serving.backfills (
  table_ref text NOT NULL,
  load_id text NOT NULL,
  source_position text COLLATE "C" NOT NULL,
  swept integer NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (table_ref, load_id)
);

-- Down Migration
DROP TABLE serving.backfills;
DROP TABLE serving.served_tables;
DROP SCHEMA serving;
