import { ApplicationFailure, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { createKpiCatalogActivities } from '../activities/catalog/kpis.js';
import type { createKpiWarehouseActivities } from '../activities/warehouse/kpis.js';
import { kpiValue } from '../core/kpi/values.js';
import type { ComputeKpisInput, ComputeKpisResult, KpiOutcome, PlannedKpi } from './api/kpis.js';
import { factoryStatus } from './api/search-attributes.js';
import { longChunk, shortIo } from './lib/activity-options.js';
import { surfaced } from './lib/failures.js';
import { runPool } from './lib/pool.js';

/**
 * computeKpis: every steering KPI the contracts declare (contracts/kpis.ts), computed in the
 * warehouse over its product's published relation and stored in the catalog with the target it was
 * judged against. One query per KPI on the warehouse owner, then one catalog write; the values of a
 * KPI whose query fails are left as they were and the failure is named in the result, so one broken
 * KPI does not hold back the others. Run on a Temporal Schedule (`factory kpi schedule`).
 *
 * History: ~6 events per KPI; the values travel once as a result and once as an input, bounded by
 * `periods` × dimension values (35 days × a few dozen resorts: well under 100 KB).
 */
export async function computeKpis(input: ComputeKpisInput): Promise<ComputeKpisResult> {
  assertInput(input);
  const taskQueue = input.warehouseTaskQueue;
  const plan = proxyActivities<ReturnType<typeof createKpiWarehouseActivities>>({ ...shortIo, taskQueue });
  // A query that fails three times is a KPI the published data cannot answer (a column missing from an old snapshot): reported, not retried for hours.
  const warehouse = proxyActivities<ReturnType<typeof createKpiWarehouseActivities>>({ ...longChunk, retry: { ...longChunk.retry, maximumAttempts: 3 }, taskQueue });
  const catalog = proxyActivities<ReturnType<typeof createKpiCatalogActivities>>(shortIo);
  const computedAt = new Date().toISOString();
  const { workflowId, runId } = workflowInfo();
  const periods = input.periods ?? 35;
  upsertSearchAttributes([{ key: factoryStatus, value: 'computing' }]);
  try {
    const kpis = await plan.planKpis(input.domains?.length ? { domains: input.domains } : {})
      .catch((error: unknown) => { throw surfaced('computeKpis', error); });
    const outcomes = await runPool(kpis, Math.max(1, input.concurrency ?? 2), (planned) => computeOne(planned));
    upsertSearchAttributes([{ key: factoryStatus, value: outcomes.some((o) => o.error) ? 'done-with-errors' : 'done' }]);
    return { computedAt, kpis: outcomes };
  } catch (error) {
    upsertSearchAttributes([{ key: factoryStatus, value: 'failed' }]);
    throw error;
  }

  async function computeOne({ domain, kpi }: PlannedKpi): Promise<KpiOutcome> {
    const { target, ...shape } = kpi;
    let computed;
    try {
      computed = await warehouse.computeKpi({ domain, kpi: shape, periods });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      return { domain, kpi: kpi.name, relation: '', published: false, values: 0, written: 0, error: cause };
    }
    const outcome: KpiOutcome = { domain, kpi: kpi.name, relation: computed.relation, published: computed.published, values: computed.rows.length, written: 0 };
    if (!computed.published || computed.rows.length === 0) return outcome;
    const { written } = await catalog.recordKpiValues({ domain, kpi: kpi.name, target, runId: `${workflowId}/${runId}`, computedAt, rows: computed.rows });
    const last = computed.rows[computed.rows.length - 1]!.period;
    const judged = computed.rows.filter((r) => r.period === last).map((r) => kpiValue(r, target)).filter((v) => v.meets !== null);
    return { ...outcome, written, latest: { period: last, met: judged.filter((v) => v.meets).length, of: judged.length } };
  }
}

function assertInput(input: ComputeKpisInput): void {
  const problems: string[] = [];
  if (!input?.warehouseTaskQueue) problems.push('warehouseTaskQueue');
  if (input?.periods !== undefined && !(Number.isInteger(input.periods) && input.periods >= 1 && input.periods <= 366)) problems.push('periods from 1 to 366');
  if (input?.concurrency !== undefined && !(input.concurrency > 0)) problems.push('concurrency > 0');
  if (input?.domains !== undefined && !(Array.isArray(input.domains) && input.domains.every((d) => typeof d === 'string' && d))) problems.push('domains as a list of domain names');
  if (problems.length) throw ApplicationFailure.nonRetryable(`computeKpis input: expected ${problems.join(', ')}`, 'InvalidInputError');
}
