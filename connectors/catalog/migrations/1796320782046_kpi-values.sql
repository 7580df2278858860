-- Up Migration

-- Steering KPIs of the domains (contracts/kpis.ts), as the computeKpis workflow last computed them:
-- one row per KPI, period (its first day) and dimension value ('' for a KPI without one). A period
-- still open is recomputed by every run, so a row holds the newest computation; the target it was
-- judged against is kept with it (a target changed later does not rewrite history).
CREATE TABLE catalog.kpi_values (
  domain text NOT NULL,
  kpi text NOT NULL,
  period date NOT NULL,
  dimension text NOT NULL,
  numerator double precision NOT NULL,
  -- a ratio's denominator; NULL for other measures
  denominator double precision,
  -- NULL when the denominator is 0
  value double precision,
  target double precision NOT NULL,
  direction text NOT NULL CHECK (direction IN ('at_least', 'at_most')),
  meets boolean,
  run_id text NOT NULL,
  computed_at timestamptz NOT NULL,
  PRIMARY KEY (domain, kpi, period, dimension)
);

-- One row per computation of a KPI: which run, when, how many values; a retried write finds its row.
CREATE TABLE catalog.kpi_runs (
  domain text NOT NULL,
  kpi text NOT NULL,
  run_id text NOT NULL,
  computed_at timestamptz NOT NULL,
  rows integer NOT NULL,
  PRIMARY KEY (domain, kpi, run_id)
);
CREATE INDEX kpi_runs_latest ON catalog.kpi_runs (domain, kpi, computed_at DESC);

-- Down Migration

DROP TABLE catalog.kpi_runs;
DROP TABLE catalog.kpi_values;
