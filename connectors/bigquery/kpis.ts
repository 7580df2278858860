import { publishedRelation } from '../../core/access/plan.js';
import { kpiQuerySql } from '../../core/kpi/sql.js';
import type { KpiRow } from '../../core/kpi/values.js';
import { bigquery } from '../../core/sql/bigquery.js';
import type { ComputeKpiInput, ComputeKpiResult, Kpis } from '../warehouse/kpi-port.js';
import type { BigQueryOps } from './ops.js';

/** KPIs on BigQuery: one query job per KPI under the byte cap; FLOAT64 and STRING columns arrive as numbers and strings. */
export function createBigQueryKpis(ops: BigQueryOps): Kpis {
  return {
    async computeKpi(input: ComputeKpiInput): Promise<ComputeKpiResult> {
      const [dataset, name] = publishedRelation(`${input.domain}.${input.kpi.product}`, `${input.domain}.${input.kpi.table}`);
      const relation = `${dataset}.${name}`;
      if (!(await ops.tableExists(dataset, name))) return { relation, published: false, rows: [] };
      const rows = await ops.q<Record<string, unknown>>(kpiQuerySql(bigquery, input));
      return { relation, published: true, rows: rows.map(toRow) };
    },
  };
}

const num = (v: unknown): number => Number(v);

function toRow(r: Record<string, unknown>): KpiRow {
  // The emulator answers unquoted result names in lower case; BigQuery keeps the query's case.
  const get = (k: string) => (k in r ? r[k] : r[k.toLowerCase()]);
  const denominator = get('DENOMINATOR');
  return { period: String(get('PERIOD')), dimension: String(get('DIMENSION') ?? ''), numerator: num(get('NUMERATOR')), denominator: denominator === null || denominator === undefined ? null : num(denominator) };
}
