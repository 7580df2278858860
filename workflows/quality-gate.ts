import { ApplicationFailure, patched, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { createPublicationCatalogActivities } from '../activities/catalog/publish.js';
import type { createQualityActivities } from '../activities/quality/index.js';
import type { createSourceActivities } from '../activities/source/index.js';
import { longChunk, shortIo } from './lib/activity-options.js';
import { baselineKinds, gateStatus, type GateStatus, type QualityReport } from '../core/quality-report.js';
import { factoryDomain, factoryStatus } from './api/search-attributes.js';
import { surfaced } from './lib/failures.js';
import { runPool } from './lib/pool.js';
import type { QualityGateInput, QualityGateResult, QualityReportInput } from './api/quality-gate.js';

/**
 * Runs every quality rule of a data product's tables inside the warehouse, stores the report in the
 * control dataset and returns pass / warn / block. The status concerns this product alone: one
 * workflow per product (id `quality:<domain>.<product>`), so a block here stops nothing else.
 */
export async function qualityGate(input: QualityGateInput): Promise<QualityGateResult> {
  const product = assertInput(input);
  const warehouseOptions = { taskQueue: input.warehouseTaskQueue };
  const quality = proxyActivities<ReturnType<typeof createQualityActivities>>({ ...shortIo, ...warehouseOptions });
  const checks = proxyActivities<ReturnType<typeof createQualityActivities>>({ ...longChunk, ...warehouseOptions });
  // A full-table source checksum heartbeats; three attempts, so an unreachable source costs the
  // reconciliation rule its verdict, not the gate hours of retries.
  const source = proxyActivities<ReturnType<typeof createSourceActivities>>({ ...longChunk, retry: { ...longChunk.retry, maximumAttempts: 3 } });
  const started = Date.now();
  const checkedAt = new Date(started).toISOString();

  const plan = await quality.planQualityGate({ product }).catch((error: unknown) => { throw surfaced('qualityGate', error); });
  upsertSearchAttributes([{ key: factoryDomain, value: plan.domain }, { key: factoryStatus, value: 'checking' }]);
  try {
    const rules = plan.tables.flatMap((t) => t.rules.map((rule) => ({ domain: t.domain, table: t.table, rule })));
    const needBaselines = plan.tables.filter((t) => t.rules.some((r) => baselineKinds.includes(r.kind)));
    const { baselines } = needBaselines.length
      ? await quality.qualityBaselines({ tables: needBaselines.map(({ domain, table }) => ({ domain, table })) })
      : { baselines: [] };
    const reconciled = plan.tables.filter((t) => t.rules.some((r) => r.kind === 'reconciliation'));
    const sourceStats = new Map(await Promise.all(reconciled.map(async ({ domain, table }) => [
      `${domain}.${table}`,
      await source.sourceTableStats({ domain, table }).catch((error: unknown) => ({ error: failureMessage(error) })),
    ] as const)));

    const results = await runPool(rules, Math.max(1, input.concurrency ?? 4), ({ domain, table, rule }) => {
      const stats = sourceStats.get(`${domain}.${table}`);
      const baseline = baselines.find((b) => b.domain === domain && b.table === table && b.ruleId === rule.id);
      return checks.runQualityCheck({
        domain, table, ruleId: rule.id, now: checkedAt,
        ...(baseline ? { baseline: baseline.metrics } : {}),
        ...(rule.kind !== 'reconciliation' || !stats ? {} : 'rows' in stats ? { source: stats } : { sourceError: stats.error }),
      });
    });

    const status = gateStatus(results);
    const report: QualityReport = {
      reportId: workflowInfo().runId, product: plan.product, domain: plan.domain, status, results,
      durationMs: Date.now() - started, checkedAt,
    };
    await quality.storeQualityReport(report);
    // The catalog keeps each run's summary as evidence (`factory catalog show`); older runs did not.
    if (patched('catalog-quality-summary')) await recordInCatalog(report);
    upsertSearchAttributes([{ key: factoryStatus, value: status }]);
    return { product: plan.product, status, results, reportId: report.reportId, durationMs: report.durationMs };
  } catch (error) {
    upsertSearchAttributes([{ key: factoryStatus, value: 'failed' }]);
    throw error;
  }
}

async function recordInCatalog(report: QualityReport): Promise<void> {
  const catalog = proxyActivities<ReturnType<typeof createPublicationCatalogActivities>>(shortIo);
  const count = (status: GateStatus) => report.results.filter((r) => r.status === status).length;
  await catalog.recordQualityReport({
    reportId: report.reportId, domain: report.domain, product: report.product.slice(report.domain.length + 1), status: report.status,
    rules: report.results.length, warned: count('warn'), blocked: count('block'), durationMs: report.durationMs, checkedAt: report.checkedAt,
  });
}

function failureMessage(error: unknown): string {
  const cause = (error as { cause?: { message?: string } }).cause?.message;
  return cause ?? (error as Error).message;
}

function assertInput(input: QualityGateInput): string {
  const problems: string[] = [];
  let product = '';
  const p = input?.product;
  if (typeof p === 'string' && p) product = p;
  else if (p && typeof p === 'object' && typeof p.domain === 'string' && p.domain && typeof p.product === 'string' && p.product) product = `${p.domain}.${p.product}`;
  else problems.push(`product ('<domain>.<product>', e.g. "booking.bookings", or { domain, product })`);
  if (!input?.warehouseTaskQueue) problems.push('warehouseTaskQueue');
  if (input?.concurrency !== undefined && !(input.concurrency > 0)) problems.push('concurrency > 0');
  if (problems.length) throw ApplicationFailure.nonRetryable(`qualityGate input: expected ${problems.join(', ')}`, 'InvalidInputError');
  return product;
}

/** The last stored report of a product, asked of the warehouse owner (nothing else opens the warehouse). */
export async function lastQualityReport(input: QualityReportInput): Promise<QualityReport | null> {
  if (!input?.product || !input.warehouseTaskQueue) {
    throw ApplicationFailure.nonRetryable('lastQualityReport input: expected product and warehouseTaskQueue', 'InvalidInputError');
  }
  const quality = proxyActivities<ReturnType<typeof createQualityActivities>>({ ...shortIo, taskQueue: input.warehouseTaskQueue });
  return quality.lastQualityReport({ product: input.product }).catch((error: unknown) => { throw surfaced('lastQualityReport', error); });
}
