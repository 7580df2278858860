import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { deputies, dpo, droppedReasonCode, general, table, warehouse, world } from '../test/support/schema-change-fakes.js';
import { startTimeSkippingWorkers, supportWorkflowsPath, type TimeSkippingWorkers } from '../test/support/time-skipping.js';
import { cdcIngestWorkflowType, cdcStatus as cdcStatusQuery, drainAndStop, type CdcIngestInput, type CdcIngestWorkflow } from './api/cdc-ingest.js';
import {
  decideSchemaChangeSignal, decideSchemaChangeUpdate, schemaChangeApprovalWorkflowType, schemaChangeStatus, schemaChangeWorkflowId,
  type DecideInput, type SchemaChangeApprovalInput, type SchemaChangeApprovalWorkflow,
} from './api/schema-change-approval.js';

// The real cdcIngest and schemaChangeApproval on the time-skipping test server. Activities are
// stand-ins that steer the workflows (an ingest run reports a pause the test planted) and record
// what they were asked (ingest runs with their followed tables and accepted changes, catalog
// writes, audit entries, notifications).

const hour = 3_600_000;

describe('schema change approval: breaking CDC changes wait for the DPO', () => {
  let env: TestWorkflowEnvironment;
  let started: TimeSkippingWorkers | undefined;
  beforeAll(async () => {
    started = await startTimeSkippingWorkers({ workflowsPath: supportWorkflowsPath('schema-change-workflows.ts'), general, warehouse });
    env = started.env;
  });
  afterAll(async () => {
    await started?.stop();
  });

  let seq = 0;

  async function until<T>(read: () => Promise<T>, test: (s: T) => boolean): Promise<T> {
    for (;;) {
      const value = await read().catch(() => undefined);
      if (value !== undefined && test(value)) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** A change capture whose first ingest run pauses booking_status_history at a dropped column, and its approval request. */
  async function pausedCapture(name: string, pause = droppedReasonCode, runsPerHistory = 1000) {
    const consumer = `cdc.booking.${name}.${++seq}`;
    const cdcId = `cdc:booking-${name}-${seq}`;
    world.pauses.set(consumer, pause);
    const args: [CdcIngestInput] = [{ domain: 'booking', warehouseTaskQueue: 'wh', consumer, runSeconds: 1, runsPerHistory }];
    const cdc = await env.client.workflow.start<CdcIngestWorkflow>(cdcIngestWorkflowType, { taskQueue: 'main', workflowId: cdcId, args });
    const cdcStatus = () => cdc.query(cdcStatusQuery);
    await until(cdcStatus, (s) => s.pausedTables[0]?.approval?.state === 'requested');
    const approval = env.client.workflow.getHandle(schemaChangeWorkflowId(cdcId, table));
    const approvalStatus = () => approval.query(schemaChangeStatus);
    const awaiting = await until(approvalStatus, (s) => s.phase === 'awaiting-approval');
    return { cdc, cdcStatus, consumer, approval, approvalStatus, request: awaiting.request! };
  }

  const decide = (handle: WorkflowHandle, d: DecideInput) => handle.executeUpdate(decideSchemaChangeUpdate, { args: [d] });
  const runsOf = (consumer: string) => world.runs.filter((r) => r.consumer === consumer);

  // First: the test server stops skipping time for good once a workflow completes while one of its
  // activities is still running, which the change-capture tests below do when they stop cdcIngest.
  it('reminds, escalates and expires at the domain policy\'s times; a change capture no longer running is not told, and that is audited', async () => {
    const workflowId = `schema-change:${table}@gone-${++seq}`;
    const args: [SchemaChangeApprovalInput] = [{
      table, cdcWorkflowId: `cdc:gone-${seq}`, topic: droppedReasonCode.topic, offset: '77', reason: droppedReasonCode.reason, change: droppedReasonCode.change, blockers: [],
    }];
    const handle = await env.client.workflow.start<SchemaChangeApprovalWorkflow>(schemaChangeApprovalWorkflowType, { taskQueue: 'main', workflowId, args });
    const { request, requestedAt } = await until(() => handle.query(schemaChangeStatus), (s) => s.phase === 'awaiting-approval');
    expect(await handle.result()).toMatchObject({ phase: 'expired', told: false });
    const sent = world.notes.filter((n) => n.workflowId === workflowId)
      .map((n) => ({ kind: n.kind, to: n.to, afterHours: Math.round((Date.parse(n.at) - Date.parse(requestedAt!)) / hour) }));
    expect(sent).toEqual([
      { kind: 'approval-requested', to: [dpo], afterHours: 0 },
      { kind: 'reminder', to: [dpo], afterHours: 8 },
      { kind: 'escalation', to: [dpo, ...deputies], afterHours: 48 },
      { kind: 'expired', to: [dpo, ...deputies], afterHours: 7 * 24 },
    ]);
    expect(world.decisions.filter((d) => d.id === request)).toEqual([expect.objectContaining({ decision: 'expired', by: 'system' })]);
    expect(world.audits.filter((a) => a.detail.includes(`request ${request}:`)).map((a) => a.action)).toEqual([
      'schema-change.requested', 'schema-change.reminder.sent', 'schema-change.escalation.sent', 'schema-change.expired', 'schema-change.undelivered',
    ]);
  });

  it('resumes the table by itself after the DPO approves, decoding with the accepted change, even across continue-as-new', async () => {
    const { cdc, cdcStatus, consumer, approval, request } = await pausedCapture('approve', droppedReasonCode, 3);
    expect(schemaChangeWorkflowId('cdc:booking', table)).toBe('schema-change:booking.booking_status_history');
    expect(world.requests.find((r) => r.workflowId === approval.workflowId)).toMatchObject({ table, offset: '1234', change: droppedReasonCode.change, blockers: [] });
    // Followed no more while paused; the approval outlives the run that started it.
    const firstRun = (await cdc.describe()).runId;
    await until(async () => (await cdc.describe()).runId, (runId) => runId !== firstRun);
    expect(runsOf(consumer).at(-1)!.tables).toEqual(['booking.booking']);

    const refused = await decide(approval, { version: request, decision: 'approve', by: 'dpo.customer', comment: 'fine' }).catch((e: unknown) => e);
    expect((refused as WorkflowUpdateFailedError).cause?.message).toBe(
      `dpo.customer may not decide for domain booking: only its DPO (${dpo}) or deputies (${deputies.join(', ')}) may`);
    const stale = await decide(approval, { version: request + 7, decision: 'approve', by: dpo, comment: 'fine' }).catch((e: unknown) => e);
    expect((stale as WorkflowUpdateFailedError).cause?.message).toBe(
      `${table}: version ${request + 7} is not the schema change request awaiting a decision (version ${request} is)`);

    const answer = await decide(approval, { version: request, decision: 'approve', by: dpo, comment: 'REASON_CODE retired at the source' });
    expect(answer).toMatchObject({ table, request, outcome: 'approved', by: dpo, resumes: true });
    const resumed = await until(cdcStatus, (s) => s.pausedTables.length === 0);
    expect(resumed.acceptedChanges).toEqual({ [table]: { dropped: ['REASON_CODE'], retyped: [] } });
    const next = await until(async () => runsOf(consumer).at(-1)!, (r) => r.tables.includes(table));
    expect(next.accepted).toEqual({ [table]: { dropped: ['REASON_CODE'], retyped: [] } });

    expect(await approval.result()).toMatchObject({ phase: 'approved', told: true, decision: { by: dpo, via: 'update' } });
    expect(world.decisions.filter((d) => d.id === request)).toEqual([expect.objectContaining({ decision: 'approved', by: dpo, comment: 'REASON_CODE retired at the source' })]);
    const audits = world.audits.filter((a) => a.detail.includes(`request ${request}:`));
    expect(audits.map((a) => [a.action, a.outcome])).toEqual([
      ['schema-change.requested', undefined], ['schema-change.decide.refused', 'refused'], ['schema-change.decide.refused', 'refused'], ['schema-change.approve', 'accepted'],
    ]);
    const notes = world.notes.filter((n) => n.version === request);
    expect(notes.map((n) => [n.kind, n.to])).toEqual([['approval-requested', [dpo]], ['approved', [dpo]]]);
    expect(notes[0]!.howToDecide?.[0]).toBe(`factory login, then: factory approve ${table} ${request} --schema-change --comment "<why>"   (or: factory reject …; with FACTORY_AUTH=dev: --as <your user id>)`);
    await cdc.executeUpdate(drainAndStop);
  });

  it('keeps the table paused after a rejection, with the reason in the status; an unauthorised signal is ignored but audited', async () => {
    const { cdc, cdcStatus, consumer, approval, approvalStatus, request } = await pausedCapture('reject');
    await approval.signal(decideSchemaChangeSignal, { version: request, decision: 'approve', by: 'intruder', comment: 'let me in' });
    await until(approvalStatus, (s) => s.refusedSignals === 1);
    expect(world.audits.filter((a) => !a.authorized && a.detail.includes(`request ${request}:`))).toEqual([expect.objectContaining({
      actor: 'intruder', action: 'schema-change.decide.refused', outcome: 'refused', via: 'signal', claimedBy: 'intruder', version: request,
      detail: `${table} schema change request ${request}: decision signal refused: intruder may not decide for domain booking: only its DPO (${dpo}) or deputies (${deputies.join(', ')}) may`,
    })]);

    await approval.signal(decideSchemaChangeSignal, { version: request, decision: 'reject', by: deputies[0]!, comment: 'keep REASON_CODE: restore it at the source' });
    const rejected = await until(cdcStatus, (s) => s.pausedTables[0]?.approval?.state === 'rejected');
    expect(rejected.pausedTables).toEqual([expect.objectContaining({
      table, offset: '1234',
      approval: expect.objectContaining({ request, by: deputies[0], note: `schema change rejected by ${deputies[0]}: keep REASON_CODE: restore it at the source` }),
    })]);
    const after = runsOf(consumer).length;
    await until(async () => runsOf(consumer).length, (n) => n > after + 1);
    expect(runsOf(consumer).slice(after).every((r) => !r.tables.includes(table))).toBe(true);
    expect(await approval.result()).toMatchObject({ phase: 'rejected', decision: { via: 'signal' } });
    expect(world.decisions.filter((d) => d.id === request).map((d) => d.decision)).toEqual(['rejected']);
    await cdc.executeUpdate(drainAndStop);
  });

  it('records an approval that cannot apply (NOT NULL column dropped) and keeps the table paused, saying the contract must change', async () => {
    const blocker = 'column CHANGED_BY is NOT NULL in the contract: a dropped column can read as NULL only in a nullable column, so the contract must change';
    const pause = { ...droppedReasonCode, change: { added: [], dropped: ['CHANGED_BY'], retyped: [] }, blockers: [blocker] };
    const { cdc, cdcStatus, approval, request } = await pausedCapture('blocked', pause);
    expect(await decide(approval, { version: request, decision: 'approve', by: dpo, comment: 'agreed, contract change to follow' })).toMatchObject({ resumes: false });
    const status = await until(cdcStatus, (s) => s.pausedTables[0]?.approval?.state === 'approved');
    expect(status.pausedTables[0]!.approval!.note).toBe(`schema change approved by ${dpo}, but the contract must change first: ${blocker}`);
    expect(status.acceptedChanges).toEqual({});
    expect(world.notes.find((n) => n.version === request && n.kind === 'approval-requested')?.message).toContain(`Approving it cannot resume ingestion until the contract changes: ${blocker}`);
    await cdc.executeUpdate(drainAndStop);
  });

});
