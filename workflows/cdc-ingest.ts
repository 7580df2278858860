import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createCdcActivities, IngestRunResult } from '../activities/cdc/index.js';
import type { createSourceActivities } from '../activities/source/index.js';
import { shortIo } from '../core/activity-options.js';
import { nonRetryableErrorTypes } from '../core/errors.js';
import { factoryDomain, factoryStatus } from '../core/search-attributes.js';

export interface CdcIngestInput {
  domain: string;
  warehouseTaskQueue: string;
  /** Consumer name: where its offsets are kept in the warehouse. Default `cdc.<domain>`. */
  consumer?: string;
  /** Length of one ingest run; the status query is as fresh as the last run. */
  runSeconds?: number;
  /** Runs per workflow run before continue-as-new. */
  runsPerHistory?: number;
  state?: CdcState;
}

export interface CdcState {
  tables: string[];
  pausedTables: Array<{ table: string; reason: string; offset: string }>;
  paused: boolean;
  totals: { events: number; applied: number; tombstones: number; deadLettered: number };
  lastPosition: Record<string, string>;
  addedColumns: Record<string, string[]>;
  lag: IngestRunResult['lag'];
  eventsPerSecond: number;
  freshness: IngestRunResult['freshness'];
  runs: number;
}

export interface CdcStatus extends CdcState {
  stopping: boolean;
}

export const cdcStatus = defineQuery<CdcStatus>('status');
export const pauseCdc = defineSignal('pause');
export const resumeCdc = defineSignal('resume');
/** Drain and stop: the run in flight commits what it holds, then the workflow ends with its totals. */
export const drainAndStop = defineUpdate<CdcState>('drainAndStop');

/**
 * Follows the change topics of one domain for as long as it runs (weeks): each ingest run applies
 * micro-batches on the warehouse owner for about a minute and reports; pause, resume and stop act
 * between or during runs. Histories stay bounded by continuing as new.
 */
export async function cdcIngest(input: CdcIngestInput): Promise<CdcState> {
  if (!input?.domain || !input.warehouseTaskQueue) {
    throw ApplicationFailure.nonRetryable('cdcIngest input: expected domain (e.g. "booking") and warehouseTaskQueue', 'InvalidInputError');
  }
  const consumer = input.consumer ?? `cdc.${input.domain}`;
  const runSeconds = input.runSeconds ?? 30;
  const source = proxyActivities<ReturnType<typeof createSourceActivities>>(shortIo);
  const cdc = proxyActivities<ReturnType<typeof createCdcActivities>>({
    taskQueue: input.warehouseTaskQueue,
    startToCloseTimeout: `${runSeconds + 120}s`,
    heartbeatTimeout: '15s',
    // Broker or warehouse outages heal: retry without limit, backing off to a minute.
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes },
  });
  const state: CdcState = input.state ?? {
    tables: (await source.listTables({ domain: input.domain })).tables,
    pausedTables: [],
    paused: false,
    totals: { events: 0, applied: 0, tombstones: 0, deadLettered: 0 },
    lastPosition: {},
    addedColumns: {},
    lag: [],
    eventsPerSecond: 0,
    freshness: null,
    runs: 0,
  };
  let stopping = false;
  let current: CancellationScope | undefined;
  setHandler(cdcStatus, () => ({ ...state, stopping }));
  setHandler(pauseCdc, () => {
    state.paused = true;
    current?.cancel();
  });
  setHandler(resumeCdc, () => {
    state.paused = false;
  });
  setHandler(drainAndStop, async () => {
    stopping = true;
    current?.cancel();
    await condition(() => current === undefined);
    return state;
  });
  upsertSearchAttributes([{ key: factoryDomain, value: input.domain }, { key: factoryStatus, value: state.paused ? 'paused' : 'running' }]);

  const runsPerHistory = input.runsPerHistory ?? 200;
  for (let run = 0; !stopping; run++) {
    if (state.paused) {
      upsertSearchAttributes([{ key: factoryStatus, value: 'paused' }]);
      await condition(() => !state.paused || stopping);
      upsertSearchAttributes([{ key: factoryStatus, value: 'running' }]);
      continue;
    }
    if (run >= runsPerHistory || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof cdcIngest>({ ...input, state });
    }
    const followed = state.tables.filter((t) => !state.pausedTables.some((p) => p.table === t));
    const scope = new CancellationScope();
    current = scope;
    try {
      const result = await scope.run(() => cdc.ingestRun({ consumer, tables: followed, runSeconds }));
      record(state, result);
    } catch (error) {
      if (!(isCancellation(error) || (error instanceof ActivityFailure && isCancellation(error.cause)))) throw error;
    } finally {
      current = undefined;
    }
  }
  upsertSearchAttributes([{ key: factoryStatus, value: 'stopped' }]);
  await condition(allHandlersFinished);
  return state;
}

function record(state: CdcState, result: IngestRunResult): void {
  state.runs++;
  state.totals.events += result.events;
  state.totals.applied += result.applied;
  state.totals.tombstones += result.tombstones;
  state.totals.deadLettered += result.deadLettered;
  Object.assign(state.lastPosition, result.lastPosition);
  Object.assign(state.addedColumns, result.addedColumns);
  for (const p of result.paused) state.pausedTables.push({ table: p.table, reason: p.reason, offset: p.offset });
  state.lag = result.lag;
  state.eventsPerSecond = result.seconds > 0 ? Math.round(result.events / result.seconds) : 0;
  state.freshness = result.freshness;
}
