import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppendAuditInput } from '../connectors/catalog/port.js';
import type { Notification } from '../connectors/notify/port.js';
import { erasurePlan } from '../core/erasure/plan.js';
import { dataSubjects, registry } from '../domains/index.js';
import { devIdentityActivities } from '../test/support/publish-fakes.js';
import { startTimeSkippingWorkers, workflowsPath, type TimeSkippingWorkers } from '../test/support/time-skipping.js';
import {
  decideErasureSignal, decideErasureUpdate, eraseSubjectStatus, eraseSubjectWorkflowId, eraseSubjectWorkflowType,
  type EraseSubjectInput, type EraseSubjectWorkflow,
} from './api/erase-subject.js';

// The real eraseSubject on the time-skipping test server, with stand-in activities that record what
// they were asked: nothing reaches the warehouse before the approving domain's DPO approves, a
// rejected or expired request touches nothing, and every step is audited.

const plan = erasurePlan(dataSubjects[0]!, (ref) => registry.table(ref));
const policy = { reminderHours: 24, escalationHours: 72, expiryDays: 14 };
const calls: { name: string; input: unknown }[] = [];
const audits: AppendAuditInput[] = [];
const notes: Notification[] = [];
const record = <T>(name: string, result: T) => async (input: unknown) => {
  calls.push({ name, input });
  return result;
};

const general = {
  ...devIdentityActivities,
  async appendAudit(input: AppendAuditInput) {
    audits.push(input);
    return { id: audits.length };
  },
  async notify(n: Notification) {
    notes.push(n);
  },
};
const warehouse = {
  planErasureApproval: record('planErasureApproval', { plan, approvers: { dpo: 'dpo.customer', deputies: ['deputy.customer.1', 'deputy.customer.2'] }, policy }),
  beginErasure: record('beginErasure', { plan, keyId: 'k1', reached: [{ table: 'customer.customer', column: 'CUSTOMER_ID', values: 1 }], ledgerEntries: 1 }),
  eraseTable: async (input: { table: { domain: string; table: string; action: string } }) => {
    calls.push({ name: 'eraseTable', input });
    return { table: `${input.table.domain}.${input.table.table}`, action: input.table.action, relations: [{ layer: 'current', relation: `raw_${input.table.domain}.${input.table.table}`, rows: 1 }] };
  },
  eraseStagedFiles: record('eraseStagedFiles', []),
  erasurePositions: record('erasurePositions', { backfills: [], offsets: [], kafkaWindow: '168 h' }),
  finishErasure: record('finishErasure', undefined),
};

describe('eraseSubject: nothing is erased without the DPO', () => {
  let started: TimeSkippingWorkers | undefined;
  beforeAll(async () => {
    started = await startTimeSkippingWorkers({ workflowsPath, general, warehouse });
  });
  afterAll(async () => {
    await started?.stop();
  });

  let seq = 0;
  const start = async () => {
    const subjectHash = (++seq).toString(16).padEnd(64, 'a');
    const args: [EraseSubjectInput] = [{ subject: 'customer', subjectHash, id: '4711', reason: 'REQ-1', requestedBy: 'agent.kim', warehouseTaskQueue: 'wh' }];
    const handle = await started!.env.client.workflow.start<EraseSubjectWorkflow>(eraseSubjectWorkflowType, { taskQueue: 'main', workflowId: eraseSubjectWorkflowId(subjectHash), args });
    for (;;) {
      const status = await handle.query(eraseSubjectStatus).catch(() => undefined);
      if (status?.phase === 'awaiting-approval') return { handle, subjectHash };
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const warehouseCalls = (subjectHash: string) => calls.filter((c) => c.name !== 'planErasureApproval' && JSON.stringify(c.input).includes(subjectHash)).map((c) => c.name);

  it('expires undecided after reminder and escalation, and erases nothing', async () => {
    const { handle, subjectHash } = await start();
    expect(await handle.result()).toEqual({ outcome: 'expired', subjectHash });
    expect(warehouseCalls(subjectHash)).toEqual([]);
    const mine = audits.filter((a) => a.detail.includes(subjectHash.slice(0, 12)));
    expect(mine.map((a) => a.action)).toEqual(['erase.requested', 'erase.reminder.sent', 'erase.escalation.sent', 'erase.expired']);
    expect(notes.filter((n) => n.workflowId === `erase:${subjectHash}`).map((n) => [n.kind, n.to])).toEqual([
      ['approval-requested', ['dpo.customer']], ['reminder', ['dpo.customer']], ['escalation', ['dpo.customer', 'deputy.customer.1', 'deputy.customer.2']],
    ]);
    // The identifier is in no audit entry and no notification.
    expect(JSON.stringify([mine, notes])).not.toContain('4711');
  });

  it('refuses someone not entitled, audits it, and erases only after the DPO approves: ledger, every table, staged files, evidence', async () => {
    const { handle, subjectHash } = await start();
    await handle.signal(decideErasureSignal, { version: 1, decision: 'approve', by: 'dpo.booking', comment: 'not mine' });
    await expect(handle.executeUpdate(decideErasureUpdate, { args: [{ version: 1, decision: 'approve', by: 'analyst.anna', comment: 'x' }] })).rejects.toThrow();
    expect(warehouseCalls(subjectHash)).toEqual([]);
    const result = await handle.executeUpdate(decideErasureUpdate, { args: [{ version: 1, decision: 'approve', by: 'deputy.customer.1', comment: 'verified' }] });
    expect(result).toMatchObject({ outcome: 'erased', subjectHash, evidence: { decision: { by: 'deputy.customer.1' }, ledgerEntries: 1 } });
    expect(result.evidence!.tables).toHaveLength(plan.tables.length);
    expect(warehouseCalls(subjectHash)).toEqual(['beginErasure', ...plan.tables.map(() => 'eraseTable'), 'eraseStagedFiles', 'finishErasure']);
    const actions = audits.filter((a) => a.detail.includes(subjectHash.slice(0, 12))).map((a) => [a.action, a.outcome ?? '']);
    expect(actions.slice(0, 4)).toEqual([['erase.requested', ''], ['erase.decide.refused', 'refused'], ['erase.decide.refused', 'refused'], ['erase.approve', 'accepted']]);
    expect(actions.at(-1)).toEqual(['erase.completed', '']);
    expect((await handle.query(eraseSubjectStatus)).refusedSignals).toBe(1);
  });

  it('a rejection erases nothing', async () => {
    const { handle, subjectHash } = await start();
    expect(await handle.executeUpdate(decideErasureUpdate, { args: [{ version: 1, decision: 'reject', by: 'dpo.customer', comment: 'contract running' }] }))
      .toEqual({ outcome: 'rejected', subjectHash });
    expect(warehouseCalls(subjectHash)).toEqual([]);
  });
});
