import { ApplicationFailure, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { createPublicationCatalogActivities } from '../activities/catalog/publish.js';
import type { createRetentionActivities } from '../activities/warehouse/retention.js';
import {
  retentionAuditActions, type ChangeLogRetentionOutcome, type RetentionRunInput, type RetentionRunResult, type SnapshotRetentionOutcome,
} from './api/retention.js';
import { factoryStatus } from './api/search-attributes.js';
import { longChunk, shortIo } from './lib/activity-options.js';
import { surfaced } from './lib/failures.js';
import { runPool } from './lib/pool.js';
import { retentionAuditText } from './lib/retention-audit.js';

const dayMs = 86_400_000;

/**
 * Retention: every change log loses the rows ingested longer ago than its table's age, every
 * published product the snapshots of versions superseded longer ago than its age (contracts/retention.ts).
 * Cutoffs are counted from the run's own clock, once, so a retried activity deletes exactly what the
 * first attempt would have. One activity per table and per product on the warehouse owner; the run
 * is audited in the catalog with its counts. Run nightly by a Temporal Schedule (`factory retention schedule`).
 *
 * History: ~6 events per table and product (375 tables: ~2,300 events), well inside the bound; the
 * result lists only tables that have a change log (375 of them: ~80 KB).
 */
export async function retentionRun(input: RetentionRunInput): Promise<RetentionRunResult> {
  assertInput(input);
  const warehouse = { taskQueue: input.warehouseTaskQueue };
  const plan = proxyActivities<ReturnType<typeof createRetentionActivities>>({ ...shortIo, ...warehouse });
  const prune = proxyActivities<ReturnType<typeof createRetentionActivities>>({ ...longChunk, ...warehouse });
  const catalog = proxyActivities<ReturnType<typeof createPublicationCatalogActivities>>(shortIo);
  const dryRun = input.dryRun ?? false;
  const now = Date.now();
  const startedAt = new Date(now).toISOString();
  const cutoff = (days: number) => new Date(now - days * dayMs).toISOString();
  const limit = Math.max(1, input.concurrency ?? 2);
  upsertSearchAttributes([{ key: factoryStatus, value: dryRun ? 'dry-run' : 'pruning' }]);
  try {
    const { tables, products } = await plan.planRetention(input.domains?.length ? { domains: input.domains } : {})
      .catch((error: unknown) => { throw surfaced('retentionRun', error); });
    const logs = await runPool(tables, limit, async (t): Promise<ChangeLogRetentionOutcome & { exists: boolean }> => {
      const at = cutoff(t.days);
      return { ...t, cutoff: at, ...(await prune.pruneChangeLog({ domain: t.domain, table: t.table, cutoff: at, dryRun })) };
    });
    const snapshots = await runPool(products, limit, async (p): Promise<SnapshotRetentionOutcome> => {
      const at = cutoff(p.days);
      return { ...p, cutoff: at, ...(await prune.pruneSnapshots({ domain: p.domain, product: p.product, cutoff: at, dryRun })) };
    });
    const published = snapshots.filter((s) => s.servedVersion !== null);
    const run = {
      dryRun, startedAt,
      changeLogs: logs.filter((l) => l.exists).map(({ exists: _exists, ...l }) => l),
      tablesWithoutChangeLog: logs.filter((l) => !l.exists).length,
      snapshots: published,
      totals: {
        changeLogRowsDeleted: logs.reduce((sum, l) => sum + l.deleted, 0),
        snapshotVersionsDropped: published.reduce((sum, s) => sum + s.dropped.length, 0),
        snapshotTablesDropped: published.reduce((sum, s) => sum + s.dropped.reduce((k, d) => k + d.snapshots.length, 0), 0),
      },
    };
    const text = retentionAuditText(run, workflowInfo().workflowId);
    const entry = { actor: 'system', authorized: true, at: new Date().toISOString() };
    const auditIds: number[] = [];
    for (const d of text.domains) auditIds.push((await catalog.appendAudit({ ...entry, domain: d.domain, action: retentionAuditActions.domain, detail: d.detail })).id);
    auditIds.push((await catalog.appendAudit({ ...entry, action: retentionAuditActions.run, detail: text.summary })).id);
    upsertSearchAttributes([{ key: factoryStatus, value: dryRun ? 'dry-run-done' : 'done' }]);
    return { ...run, auditIds };
  } catch (error) {
    upsertSearchAttributes([{ key: factoryStatus, value: 'failed' }]);
    throw error;
  }
}

function assertInput(input: RetentionRunInput): void {
  const problems: string[] = [];
  if (!input?.warehouseTaskQueue) problems.push('warehouseTaskQueue');
  if (input?.concurrency !== undefined && !(input.concurrency > 0)) problems.push('concurrency > 0');
  if (input?.domains !== undefined && !(Array.isArray(input.domains) && input.domains.every((d) => typeof d === 'string' && d))) problems.push('domains as a list of domain names');
  if (problems.length) throw ApplicationFailure.nonRetryable(`retentionRun input: expected ${problems.join(', ')}`, 'InvalidInputError');
}
