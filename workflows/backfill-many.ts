import {
  ApplicationFailure,
  ParentClosePolicy,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createSourceActivities } from '../activities/source/index.js';
import { shortIo } from './lib/activity-options.js';
import { factoryDomain, factoryStatus } from './api/search-attributes.js';
import { backfillTable } from './backfill-table.js';
import { backfillTableWorkflowId, type BackfillTableInput } from './api/backfill-table.js';
import {
  backfillManyProgress,
  type BackfillManyInput,
  type BackfillManyResult,
  type BackfillManyState,
  type TableOutcome,
} from './api/backfill-many.js';
import { qualifyDomains } from './qualified-layer.js';

/** A run stops starting children past this many events and continues as new once they finish. */
const defaultHistoryBudget = 4000;

/** Backfills every table of one domain, a child workflow per table. */
export async function backfillDomain(input: BackfillManyInput): Promise<BackfillManyResult> {
  if (!input?.domain) throw ApplicationFailure.nonRetryable('backfillDomain input: expected domain (e.g. "booking")', 'InvalidInputError');
  return backfillMany(input, 'backfillDomain');
}

/** Backfills every table of every domain, a child workflow per table. */
export async function backfillAll(input: BackfillManyInput): Promise<BackfillManyResult> {
  return backfillMany({ ...input, domain: undefined }, 'backfillAll');
}

async function backfillMany(input: BackfillManyInput, workflowName: 'backfillDomain' | 'backfillAll'): Promise<BackfillManyResult> {
  const source = proxyActivities<ReturnType<typeof createSourceActivities>>(shortIo);
  const state: BackfillManyState = input.state ?? {
    pending: (await source.listTables({ domain: input.domain })).tables,
    outcomes: [],
    startedAt: Date.now(),
    runs: 0,
  };
  state.runs++;
  const total = state.pending.length + state.outcomes.length;
  const running = new Set<string>();
  const rowsSoFar = () => state.outcomes.reduce((n, o) => n + o.rows, 0);
  setHandler(backfillManyProgress, () => {
    const elapsedS = (Date.now() - state.startedAt) / 1000;
    const finished = state.outcomes.length;
    return {
      tablesTotal: total,
      tablesDone: finished,
      tablesFailed: state.outcomes.filter((o) => o.error).length,
      running: [...running],
      rows: rowsSoFar(),
      rowsPerSecond: elapsedS > 0 ? Math.round(rowsSoFar() / elapsedS) : 0,
      etaSeconds: finished > 0 ? Math.round((elapsedS / finished) * (total - finished)) : null,
      runs: state.runs,
    };
  });
  upsertSearchAttributes([
    { key: factoryDomain, value: input.domain ?? '*' },
    { key: factoryStatus, value: 'loading' },
  ]);

  const budget = input.historyBudget ?? defaultHistoryBudget;
  const overBudget = () => workflowInfo().historyLength > budget || workflowInfo().continueAsNewSuggested;
  const inFlight: Promise<void>[] = [];
  while (state.pending.length > 0 && !overBudget()) {
    await condition(() => running.size < input.tableConcurrency);
    if (overBudget()) break;
    const qualified = state.pending.shift()!;
    running.add(qualified);
    const done = runChild(qualified, input).then((outcome) => {
      state.outcomes.push(outcome);
      running.delete(qualified);
    });
    inFlight.push(done);
  }
  await Promise.all(inFlight);

  if (state.pending.length > 0) {
    await continueAsNew<typeof backfillAll>({ ...input, state });
  }
  // Every table is in (or failed, keeping its previous raw table): rebuild the views over them.
  // Runs started before this step existed finish without it.
  const views = patched('qualified-layer')
    ? (await qualifyDomains({ domains: [...new Set(state.outcomes.map((o) => o.table.split('.')[0]!))].sort(), warehouseTaskQueue: input.warehouseTaskQueue })).domains
    : undefined;
  const failed = state.outcomes.filter((o) => o.error);
  upsertSearchAttributes([{ key: factoryStatus, value: failed.length ? 'failed' : 'done' }]);
  if (failed.length) {
    throw ApplicationFailure.nonRetryable(
      `${workflowName}: ${failed.length} of ${total} tables failed: ${failed.map((f) => `${f.table} (${f.error})`).join('; ')}`,
      'BackfillFailedError',
      { tables: state.outcomes, qualified: views },
    );
  }
  return { tables: state.outcomes, rows: rowsSoFar(), durationMs: Date.now() - state.startedAt, runs: state.runs, qualified: views };
}

async function runChild(qualified: string, input: BackfillManyInput): Promise<TableOutcome> {
  const [domain, table] = qualified.split('.') as [string, string];
  const childInput: BackfillTableInput = {
    domain,
    table,
    chunkRows: input.chunkRows,
    concurrency: input.chunkConcurrency,
    warehouseTaskQueue: input.warehouseTaskQueue,
  };
  try {
    const handle = await startChild(backfillTable, {
      workflowId: backfillTableWorkflowId(qualified),
      args: [childInput],
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    });
    const result = await handle.result();
    return { table: qualified, rows: result.rows, checksum: result.checksum };
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return { table: qualified, rows: 0, checksum: '0', error: cause ?? (error as Error).message };
  }
}
