import type { DuckDBInstance } from '@duckdb/node-api';
import { publishedRelation } from '../../core/access/plan.js';
import { kpiQuerySql } from '../../core/kpi/sql.js';
import type { KpiRow } from '../../core/kpi/values.js';
import { duckdb } from '../../core/sql/duckdb.js';
import type { ComputeKpiInput, ComputeKpiResult, Kpis } from '../warehouse/kpi-port.js';

/**
 * KPIs on DuckDB: read-only queries on a short-lived reader connection of the owner's instance, so
 * a KPI reads a committed snapshot and never waits for (or holds up) the write queue.
 */
export function createDuckDbKpis(instance: DuckDBInstance): Kpis {
  return {
    async computeKpi(input: ComputeKpiInput): Promise<ComputeKpiResult> {
      const [schema, name] = publishedRelation(`${input.domain}.${input.kpi.product}`, `${input.domain}.${input.kpi.table}`);
      const relation = `${schema}.${name}`;
      const reader = await instance.connect();
      try {
        const exists = (await reader.runAndReadAll(
          'SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?', [schema, name],
        )).getRowsJS().length > 0;
        if (!exists) return { relation, published: false, rows: [] };
        const rows = (await reader.runAndReadAll(kpiQuerySql(duckdb, input))).getRowObjectsJS();
        return { relation, published: true, rows: rows.map(toRow) };
      } finally {
        reader.closeSync();
      }
    },
  };
}

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : Number(v));

export function toRow(r: Record<string, unknown>): KpiRow {
  return {
    period: String(r.PERIOD), dimension: String(r.DIMENSION ?? ''),
    numerator: num(r.NUMERATOR), denominator: r.DENOMINATOR === null || r.DENOMINATOR === undefined ? null : num(r.DENOMINATOR),
  };
}
