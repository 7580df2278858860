import { meetsTarget, type KpiTarget } from '../../contracts/kpis.js';

/**
 * KPI values as the warehouse returns them (one row per period and dimension value), as the
 * catalog stores them (with the value and whether it meets the target at the time it was computed),
 * and as readers get them back (a trend per dimension value).
 */

/** One period (and dimension value) of a KPI, as the warehouse computed it. */
export interface KpiRow {
  /** First day of the period, 'YYYY-MM-DD'. */
  period: string;
  /** The dimension's value; '' for a KPI without one. */
  dimension: string;
  numerator: number;
  /** A ratio's denominator; null for other measures. */
  denominator: number | null;
}

export interface KpiValue extends KpiRow {
  /** The numerator, or numerator / denominator; null when the denominator is 0. */
  value: number | null;
  /** Whether the value meets the target; null without a value. */
  meets: boolean | null;
}

export function kpiValue(row: KpiRow, target: KpiTarget): KpiValue {
  const value = row.denominator === null ? row.numerator : row.denominator === 0 ? null : row.numerator / row.denominator;
  return { ...row, value, meets: value === null ? null : meetsTarget(value, target) };
}

/** What the catalog keeps of one computation run of a KPI (connectors/catalog kpi store). */
export interface KpiRunValues {
  domain: string;
  kpi: string;
  target: KpiTarget;
  /** The workflow run that computed them (a re-run of the same id rewrites the same rows). */
  runId: string;
  computedAt: string;
  values: KpiValue[];
}

/** A KPI's stored values over its last periods, oldest first. */
export interface KpiTrend {
  domain: string;
  kpi: string;
  /** Periods, oldest first, that have at least one value. */
  periods: string[];
  values: Array<KpiValue & { target: number; computedAt: string }>;
}

/** Reads a KPI's trend: what the catalog store offers the readers of KPIs (kpisFor, the CLI, the console). */
export interface KpiTrendReader {
  kpiTrend(input: { domain: string; kpi: string; periods: number }): Promise<KpiTrend>;
}
