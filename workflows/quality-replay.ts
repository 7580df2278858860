import { ApplicationFailure, proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { createWarehouseActivities } from '../activities/warehouse/index.js';
import { longChunk, shortIo } from './lib/activity-options.js';
import { factoryDomain, factoryStatus, factoryTable } from './api/search-attributes.js';
import type { QuarantineSummaryResult, QuarantineTableInput, ReplayQuarantineWorkflowResult } from './api/quality-replay.js';

/**
 * Replays the open quarantined rows of one table (workflow id `quality-replay:<domain>.<table>`):
 * the warehouse owner judges them against the contract it serves now and lands those that pass,
 * each exactly once, in one transaction. Run it after the rule was fixed (a new contract deployed)
 * or the data was fixed at the source (change capture then supersedes the quarantined version).
 */
export async function replayQuarantine(input: QuarantineTableInput): Promise<ReplayQuarantineWorkflowResult> {
  assertInput(input, 'replayQuarantine');
  const warehouse = proxyActivities<ReturnType<typeof createWarehouseActivities>>({ ...longChunk, taskQueue: input.warehouseTaskQueue });
  upsertSearchAttributes([
    { key: factoryDomain, value: input.domain },
    { key: factoryTable, value: `${input.domain}.${input.table}` },
    { key: factoryStatus, value: 'replaying' },
  ]);
  // A retry after the commit finds those rows closed and reports zero for them; they landed once.
  const result = await warehouse.replayQuarantine({ domain: input.domain, table: input.table });
  upsertSearchAttributes([{ key: factoryStatus, value: 'done' }]);
  return { domain: input.domain, table: input.table, ...result };
}

/** Quarantine counts of one table, asked of the warehouse owner (nothing else opens the warehouse). */
export async function quarantineStatus(input: QuarantineTableInput): Promise<QuarantineSummaryResult> {
  assertInput(input, 'quarantineStatus');
  const warehouse = proxyActivities<ReturnType<typeof createWarehouseActivities>>({ ...shortIo, taskQueue: input.warehouseTaskQueue });
  return warehouse.quarantineSummary({ domain: input.domain, table: input.table });
}

function assertInput(input: QuarantineTableInput, workflow: string): void {
  if (!input?.domain || !input.table || !input.warehouseTaskQueue) {
    throw ApplicationFailure.nonRetryable(`${workflow} input: expected domain (e.g. "booking"), table (e.g. "booking_line") and warehouseTaskQueue`, 'InvalidInputError');
  }
}
