import type pg from 'pg';
import type { KpiRunValues, KpiTrend } from '../../core/kpi/values.js';

/**
 * KPI values in the catalog. A run's values are written in one transaction, keyed by KPI, period
 * and dimension value: writing the same run again changes nothing, and a run never overwrites what a
 * later run computed (a retried activity of an old run arriving late).
 */

export interface WriteKpiValuesResult {
  /** Rows inserted or updated; 0 for a repeat of a run already written. */
  written: number;
  alreadyRecorded: boolean;
}

const upsertSql = `
INSERT INTO catalog.kpi_values (domain, kpi, period, dimension, numerator, denominator, value, target, direction, meets, run_id, computed_at)
SELECT $1, $2, v.period, v.dimension, v.numerator, v.denominator, v.value, $3, $4, v.meets, $5, $6
FROM jsonb_to_recordset($7::jsonb) AS v(period date, dimension text, numerator double precision, denominator double precision, value double precision, meets boolean)
ON CONFLICT (domain, kpi, period, dimension) DO UPDATE SET
  numerator = EXCLUDED.numerator, denominator = EXCLUDED.denominator, value = EXCLUDED.value, target = EXCLUDED.target,
  direction = EXCLUDED.direction, meets = EXCLUDED.meets, run_id = EXCLUDED.run_id, computed_at = EXCLUDED.computed_at
WHERE catalog.kpi_values.computed_at <= EXCLUDED.computed_at`;

export async function writeKpiValues(c: pg.PoolClient, run: KpiRunValues): Promise<WriteKpiValuesResult> {
  const inserted = await c.query(
    `INSERT INTO catalog.kpi_runs (domain, kpi, run_id, computed_at, rows) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [run.domain, run.kpi, run.runId, run.computedAt, run.values.length],
  );
  if (inserted.rowCount === 0) return { written: 0, alreadyRecorded: true };
  const values = run.values.map(({ period, dimension, numerator, denominator, value, meets }) => ({ period, dimension, numerator, denominator, value, meets }));
  const result = await c.query(upsertSql, [run.domain, run.kpi, run.target.value, run.target.direction, run.runId, run.computedAt, JSON.stringify(values)]);
  return { written: result.rowCount ?? 0, alreadyRecorded: false };
}

const trendSql = `
WITH latest AS (
  SELECT DISTINCT period FROM catalog.kpi_values WHERE domain = $1 AND kpi = $2 ORDER BY period DESC LIMIT $3
)
SELECT to_char(v.period, 'YYYY-MM-DD') AS period, v.dimension, v.numerator, v.denominator, v.value, v.target, v.meets, v.computed_at
FROM catalog.kpi_values v JOIN latest USING (period)
WHERE v.domain = $1 AND v.kpi = $2
ORDER BY v.period, v.dimension`;

interface TrendRow {
  period: string;
  dimension: string;
  numerator: number;
  denominator: number | null;
  value: number | null;
  target: number;
  meets: boolean | null;
  computed_at: Date;
}

export async function kpiTrend(c: pg.PoolClient, input: { domain: string; kpi: string; periods: number }): Promise<KpiTrend> {
  const { rows } = await c.query<TrendRow>(trendSql, [input.domain, input.kpi, input.periods]);
  return {
    domain: input.domain, kpi: input.kpi,
    periods: [...new Set(rows.map((r) => r.period))],
    values: rows.map((r) => ({
      period: r.period, dimension: r.dimension, numerator: r.numerator, denominator: r.denominator, value: r.value,
      meets: r.meets, target: r.target, computedAt: r.computed_at.toISOString(),
    })),
  };
}
