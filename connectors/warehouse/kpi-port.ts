import type { KpiContract } from '../../contracts/kpis.js';
import type { KpiRow } from '../../core/kpi/values.js';

/**
 * KPIs (capability 'kpis'): a domain's steering KPI computed in the warehouse over its product's
 * published relation (core/kpi/sql.ts). The result holds one row per period and dimension value of
 * the last `periods` periods with data — bounded by them (a few hundred rows), not by the table.
 */

export interface ComputeKpiInput {
  domain: string;
  kpi: Pick<KpiContract, 'name' | 'product' | 'table' | 'measure' | 'grain'>;
  /** How many of the latest periods with data (1..366). */
  periods: number;
}

export interface ComputeKpiResult {
  /** The relation read, `published_<domain>.<product>__<table>`. */
  relation: string;
  /** False when the product was never published: no rows. */
  published: boolean;
  rows: KpiRow[];
}

export interface Kpis {
  computeKpi(input: ComputeKpiInput): Promise<ComputeKpiResult>;
}
