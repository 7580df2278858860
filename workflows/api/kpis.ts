import type { KpiContract } from '../../contracts/kpis.js';
import type { KpiRow } from '../../core/kpi/values.js';

/** The public face of workflow computeKpis (workflows/kpis.ts). */

export interface ComputeKpisInput {
  warehouseTaskQueue: string;
  /** Only these domains; omitted: every domain that declares KPIs. */
  domains?: string[];
  /** How many of the latest periods each KPI recomputes (default 35: five weeks of days). */
  periods?: number;
  /** KPIs in flight at once (default 2). */
  concurrency?: number;
}

/** One KPI as the plan lists it: the declaration is small, and the workflow needs its target and shape. */
export interface PlannedKpi {
  domain: string;
  kpi: Pick<KpiContract, 'name' | 'product' | 'table' | 'measure' | 'grain' | 'target'>;
}

export interface RecordKpiValuesInput {
  domain: string;
  kpi: string;
  target: KpiContract['target'];
  runId: string;
  computedAt: string;
  rows: KpiRow[];
}

export interface KpiOutcome {
  domain: string;
  kpi: string;
  /** The relation read, `published_<domain>.<product>__<table>`. */
  relation: string;
  /** False when the product was never published: nothing computed, nothing stored. */
  published: boolean;
  /** Values computed (periods × dimension values). */
  values: number;
  /** Values written to the catalog (0 for a repeat of a run already recorded). */
  written: number;
  /** The latest period computed and how many of its values met the target, of how many with a value. */
  latest?: { period: string; met: number; of: number };
  /** Why the KPI could not be computed (the others were). */
  error?: string;
}

export interface ComputeKpisResult {
  /** ISO-8601 UTC: the run's clock, stored with every value. */
  computedAt: string;
  kpis: KpiOutcome[];
}

export const computeKpisWorkflowType = 'computeKpis';
export type ComputeKpisWorkflow = (input: ComputeKpisInput) => Promise<ComputeKpisResult>;

/** The Schedule (`factory kpi schedule`); its runs are named `kpis-<scheduled time>` by Temporal. */
export const kpiScheduleId = 'kpis';
export const kpiScheduledWorkflowId = 'kpis';

/** `kpis:<stamp>` for a run started by hand (`factory kpi run`). */
export function kpiRunWorkflowId(stamp: number | string): string {
  return `kpis:${stamp}`;
}
