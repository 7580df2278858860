import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { createSchemaChangeCatalogActivities } from '../activities/catalog/schema-change.js';
import type { createCdcActivities, IngestRunResult } from '../activities/cdc/index.js';
import type { createSourceActivities } from '../activities/source/index.js';
import { shortIo } from './lib/activity-options.js';
import { mergeAccepted, type AcceptedSchemaChange } from '../core/cdc/schema-change.js';
import { nonRetryableErrorTypes } from '../core/errors.js';
import { factoryDomain, factoryStatus, factoryTable } from './api/search-attributes.js';
import { schemaChangeWorkflowId } from './api/schema-change-approval.js';
import type { schemaChangeApproval } from './schema-change-approval.js';
import {
  cdcStatus,
  drainAndStop,
  pauseCdc,
  resumeCdc,
  schemaChangeDecided,
  type CdcIngestInput,
  type CdcState,
  type SchemaChangeDecision,
} from './api/cdc-ingest.js';

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
    // A run heartbeats every second, set-up included: a killed worker's run is retried 10 s later.
    heartbeatTimeout: '10s',
    // Broker or warehouse outages heal: retry without limit. The back-off stays short (5 s at most) so a
    // worker that comes back after repeated crashes resumes within seconds, not after a minute's wait.
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5s', nonRetryableErrorTypes },
  });
  const state: CdcState = input.state ?? {
    tables: (await source.listTables({ domain: input.domain })).tables,
    acceptedChanges: patched('schema-decisions-load') ? await acceptedBefore(input.domain) : {},
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
  setHandler(schemaChangeDecided, (d) => applyDecision(state, d));
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
      const result = await scope.run(() => cdc.ingestRun({ consumer, tables: followed, runSeconds, accepted: state.acceptedChanges ?? {} }));
      record(state, result);
      if (result.paused.length && patched('schema-change-approval')) await requestApprovals(state, result.paused, input.domain);
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

/** The changes approved before this workflow started (a restart): without the catalog, none, and a table pauses again instead. */
async function acceptedBefore(domain: string): Promise<Record<string, AcceptedSchemaChange>> {
  const catalog = proxyActivities<ReturnType<typeof createSchemaChangeCatalogActivities>>({ ...shortIo, retry: { ...shortIo.retry, maximumAttempts: 3 } });
  try {
    return await catalog.acceptedSchemaChanges({ domain });
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    log.warn('accepted schema changes not read from the catalog: tables pause again at them', { domain });
    return {};
  }
}

/**
 * One approval workflow per newly paused table. It outlives this run (continue-as-new) and this
 * workflow: ABANDON, so a restarted change capture meets the running request instead of a new one.
 */
async function requestApprovals(state: CdcState, paused: IngestRunResult['paused'], domain: string): Promise<void> {
  const cdcWorkflowId = workflowInfo().workflowId;
  for (const p of paused) {
    const entry = state.pausedTables.find((t) => t.table === p.table);
    if (!entry) continue;
    const workflowId = schemaChangeWorkflowId(cdcWorkflowId, p.table);
    // Set before the start returns, so a status query never shows the pause without its request.
    entry.approval = { workflowId, state: 'requested', note: `waits for the DPO's decision (workflow ${workflowId})` };
    try {
      await startChild<typeof schemaChangeApproval>('schemaChangeApproval', {
        workflowId,
        args: [{ table: p.table, cdcWorkflowId, topic: p.topic, offset: p.offset, reason: p.reason, change: p.change, blockers: p.blockers }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: [{ key: factoryDomain, value: domain }, { key: factoryTable, value: p.table }, { key: factoryStatus, value: 'requesting' }],
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
}

function applyDecision(state: CdcState, d: SchemaChangeDecision): void {
  const entry = state.pausedTables.find((t) => t.table === d?.table);
  if (!entry) return;
  if (d.decision === 'approve' && d.accepted && d.blockers.length === 0) {
    // The next run follows the table again, decoding with the accepted change, from the offset stored with its last applied batch.
    state.acceptedChanges = { ...state.acceptedChanges, [d.table]: mergeAccepted(state.acceptedChanges?.[d.table], d.accepted) };
    state.pausedTables = state.pausedTables.filter((t) => t !== entry);
    return;
  }
  const note = d.decision === 'reject' ? `schema change rejected by ${d.by}: ${d.comment}`
    : d.decision === 'expire' ? 'schema change request expired undecided'
      : `schema change approved by ${d.by}, but the contract must change first: ${d.blockers.join('; ')}`;
  const stateName = d.decision === 'reject' ? 'rejected' : d.decision === 'expire' ? 'expired' : 'approved';
  entry.approval = { workflowId: entry.approval?.workflowId ?? '', state: stateName, request: d.request, by: d.by, comment: d.comment, at: d.at, note };
}

function record(state: CdcState, result: IngestRunResult): void {
  state.runs++;
  state.totals.events += result.events;
  state.totals.applied += result.applied;
  state.totals.tombstones += result.tombstones;
  // Kafka's count of the dead-letter topics when the run reports it: a run killed mid-way loses its own tally.
  state.totals.deadLettered = result.deadLetterTotal ?? state.totals.deadLettered + result.deadLettered;
  Object.assign(state.lastPosition, result.lastPosition);
  Object.assign(state.addedColumns, result.addedColumns);
  for (const p of result.paused) state.pausedTables.push({ table: p.table, reason: p.reason, offset: p.offset, change: p.change, blockers: p.blockers });
  state.lag = result.lag;
  state.eventsPerSecond = result.seconds > 0 ? Math.round(result.events / result.seconds) : 0;
  state.freshness = result.freshness;
  state.captureDelay = result.captureDelay ?? null;
  state.withoutSourceTime = result.withoutSourceTime ?? 0;
}
