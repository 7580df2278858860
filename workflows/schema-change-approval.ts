import {
  ActivityFailure, ApplicationFailure, allHandlersFinished, condition, defineQuery, defineSignal, defineUpdate, getExternalWorkflowHandle, log,
  proxyActivities, setHandler, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { createPublicationCatalogActivities } from '../activities/catalog/publish.js';
import type { createSchemaChangeCatalogActivities, SchemaChangePlan } from '../activities/catalog/schema-change.js';
import type { createNotifyActivities } from '../activities/notify/index.js';
import type { Notification, NotificationKind } from '../connectors/notify/port.js';
import { shortIo } from './lib/activity-options.js';
import type { SchemaChange } from '../core/cdc/schema-change.js';
import { factoryDomain, factoryStatus, factoryTable } from './api/search-attributes.js';
import { schemaChangeDecided, type SchemaChangeDecision } from './cdc-ingest.js';
import { approvalTimeline, howToDecideSchemaChange, refusal, roleOf, type DecideInput } from './lib/approval.js';

export interface SchemaChangeApprovalInput {
  /** '<domain>.<table>'. */
  table: string;
  /** The change-capture workflow to tell the decision (its latest run). */
  cdcWorkflowId: string;
  topic: string;
  /** Kafka offset of the first event not applied: ingestion continues from there. */
  offset: string;
  reason: string;
  change: SchemaChange;
  /** Why accepting the source as it is would not make the events decodable (then the contract must change). */
  blockers: string[];
}

export type SchemaChangePhase = 'requesting' | 'awaiting-approval' | 'reminded' | 'escalated' | 'approved' | 'rejected' | 'expired';

export interface SchemaChangeApprovalStatus {
  table: string;
  phase: SchemaChangePhase;
  /** The request's number in the catalog: what a decision names as its `version`. */
  request: number | null;
  change: SchemaChange;
  blockers: string[];
  approvers?: { dpo: string; deputies: string[] };
  requestedAt?: string;
  remindAt?: string;
  escalateAt?: string;
  expiresAt?: string;
  decision?: DecideInput & { at: string; via: 'update' | 'signal' };
  refusedSignals: number;
  /** Whether change capture was told the outcome (false when its workflow was not running). */
  told?: boolean;
}

export interface SchemaChangeDecideResult {
  table: string;
  request: number;
  outcome: 'approved' | 'rejected';
  by: string;
  at: string;
  /** True when ingestion resumes by itself; false after a rejection, or when the contract must change first. */
  resumes: boolean;
}

export const schemaChangeStatus = defineQuery<SchemaChangeApprovalStatus>('status');
/** Same name and payload as the publication's decision, so the CLI and the Temporal UI work alike. */
export const decideSchemaChangeUpdate = defineUpdate<SchemaChangeDecideResult, [DecideInput]>('decide');
export const decideSchemaChangeSignal = defineSignal<[DecideInput]>('decide');

/**
 * A breaking source schema change that change capture paused a table at (id
 * `schema-change:<domain>.<table>`, started by cdcIngest and left running when it continues as new)
 * goes to the table's DPO, with the publication's approval rules: the `decide` Update with a
 * validator or the `decide` Signal, reminder, escalation and expiry per the domain's policy, the
 * notifier, the catalog's audit trail. Approving means "accept the source schema as it is": the
 * decision is stored in the catalog and sent to cdcIngest, which decodes the table with it and
 * resumes from the paused offset. When blockers say that cannot make the events decodable, an
 * approval is recorded but the table stays paused until the contract changes.
 */
export async function schemaChangeApproval(input: SchemaChangeApprovalInput): Promise<SchemaChangeApprovalStatus> {
  assertInput(input);
  const { workflowId, runId } = workflowInfo();
  const domain = input.table.split('.')[0]!;
  const catalog = proxyActivities<ReturnType<typeof createSchemaChangeCatalogActivities>>(shortIo);
  const audits = proxyActivities<ReturnType<typeof createPublicationCatalogActivities>>(shortIo);
  const notifier = proxyActivities<ReturnType<typeof createNotifyActivities>>({ ...shortIo, retry: { ...shortIo.retry, maximumAttempts: 5 } });
  const status: SchemaChangeApprovalStatus = { table: input.table, phase: 'requesting', request: null, change: input.change, blockers: input.blockers, refusedSignals: 0 };
  const answer: { done?: SchemaChangeDecideResult } = {};
  const now = () => new Date().toISOString();
  const setPhase = (phase: SchemaChangePhase) => {
    status.phase = phase;
    upsertSearchAttributes([{ key: factoryStatus, value: phase }]);
  };
  const awaiting = () => (['awaiting-approval', 'reminded', 'escalated'].includes(status.phase) && !status.decision ? status.request ?? undefined : undefined);
  const context = () => ({ product: input.table, awaiting: awaiting(), phase: status.phase, approvers: status.approvers, item: 'schema change request' });
  const audit = (actor: string, action: string, authorized: boolean, detail: string) =>
    audits.appendAudit({ domain, actor, action, authorized, detail: `${input.table} schema change request ${status.request ?? '-'}: ${detail}`, at: now() });

  setHandler(schemaChangeStatus, () => status);
  setHandler(decideSchemaChangeUpdate, async (d) => {
    status.decision = { ...d, comment: d.comment.trim(), at: now(), via: 'update' };
    await condition(() => answer.done !== undefined);
    return answer.done!;
  }, {
    validator: (d) => {
      const reason = refusal(d, context());
      if (reason) throw ApplicationFailure.create({ message: reason, type: 'DecisionRefusedError', nonRetryable: true });
    },
  });
  setHandler(decideSchemaChangeSignal, async (d) => {
    const reason = refusal(d, context());
    if (!reason) {
      status.decision = { ...d, comment: d.comment.trim(), at: now(), via: 'signal' };
      return;
    }
    status.refusedSignals++;
    const by = typeof d?.by === 'string' && d.by ? d.by : 'unknown';
    await audit(by, 'schema-change.decide.refused', roleOf(by, status.approvers) !== undefined, `decision signal ignored: ${reason}`);
  });
  upsertSearchAttributes([{ key: factoryDomain, value: domain }, { key: factoryTable, value: input.table }, { key: factoryStatus, value: 'requesting' }]);

  const plan = await catalog.planSchemaChange({ table: input.table });
  status.approvers = plan.approvers;
  const { id } = await catalog.recordSchemaChange({
    table: input.table, workflowId, runId, topic: input.topic, offset: input.offset, reason: input.reason, change: input.change, blockers: input.blockers, at: now(),
  });
  status.request = id;
  const how = howToDecideSchemaChange(input.table, id, workflowId);
  const notify = (kind: NotificationKind, to: string[], message: string) => send(notifier, audit, { kind, product: input.table, version: id, to: [...new Set(to)], message, at: now(), workflowId, howToDecide: how });

  await waitForDecision(plan);
  const decision = status.decision;
  if (!decision) {
    setPhase('expired');
    await catalog.decideSchemaChange({ id, decision: 'expired', by: 'system', comment: `no decision within ${plan.policy.expiryDays} days`, at: now() });
    await audit('system', 'schema-change.expired', true, `expired undecided after ${plan.policy.expiryDays} days; the table stays paused`);
    await notify('expired', [plan.approvers.dpo, ...plan.approvers.deputies], `${input.table}: schema change request ${id} expired undecided; ingestion of the table stays paused`);
    status.told = await tell({ table: input.table, request: id, decision: 'expire', by: 'system', comment: `no decision within ${plan.policy.expiryDays} days`, at: now(), blockers: input.blockers });
    return status;
  }
  const approved = decision.decision === 'approve';
  const resumes = approved && input.blockers.length === 0;
  setPhase(approved ? 'approved' : 'rejected');
  await catalog.decideSchemaChange({ id, decision: approved ? 'approved' : 'rejected', by: decision.by, comment: decision.comment, at: decision.at });
  const effect = !approved ? 'the table stays paused' : resumes ? 'ingestion resumes from the paused offset' : `the table stays paused until the contract changes: ${input.blockers.join('; ')}`;
  await audit(decision.by, `schema-change.${approved ? 'approve' : 'reject'}`, true, `${decision.decision}d via ${decision.via}: ${decision.comment}; ${effect}`);
  status.told = await tell({
    table: input.table, request: id, decision: approved ? 'approve' : 'reject', by: decision.by, comment: decision.comment, at: decision.at, blockers: input.blockers,
    ...(approved ? { accepted: { dropped: input.change.dropped, retyped: input.change.retyped.map((r) => ({ column: r.column, event: r.event })) } } : {}),
  });
  await notify(approved ? 'approved' : 'rejected', [plan.approvers.dpo], `${input.table}: schema change request ${id} ${decision.decision}d by ${decision.by}: ${decision.comment}; ${effect}`);
  answer.done = { table: input.table, request: id, outcome: approved ? 'approved' : 'rejected', by: decision.by, at: decision.at, resumes };
  await condition(allHandlersFinished);
  return status;

  async function waitForDecision(p: SchemaChangePlan): Promise<void> {
    const settled = () => status.decision !== undefined;
    const { steps, expiryMs } = approvalTimeline(p.policy);
    const start = Date.now();
    const at = (ms: number) => new Date(start + ms).toISOString();
    status.requestedAt = at(0);
    for (const s of steps) status[s.kind === 'reminder' ? 'remindAt' : 'escalateAt'] = at(s.afterMs);
    status.expiresAt = at(expiryMs);
    setPhase('awaiting-approval');
    await audit('system', 'schema-change.requested', true, `${input.reason}; waits for ${p.approvers.dpo}${input.blockers.length ? `; accepting it cannot resume ingestion: ${input.blockers.join('; ')}` : ''}`);
    const blockers = input.blockers.length ? ` Approving it cannot resume ingestion until the contract changes: ${input.blockers.join('; ')}.` : ' Approving it accepts the source schema as it is and resumes ingestion.';
    await notify('approval-requested', [p.approvers.dpo], `${input.table}: ingestion paused at a breaking schema change (${describe(input.change)}); request ${status.request} waits for your decision.${blockers}`);
    for (const s of steps) {
      if (await condition(settled, Math.max(1, s.afterMs - (Date.now() - start)))) return;
      setPhase(s.kind === 'reminder' ? 'reminded' : 'escalated');
      const to = s.kind === 'reminder' || p.approvers.deputies.length === 0 ? [p.approvers.dpo] : [p.approvers.dpo, ...p.approvers.deputies];
      await audit('system', `schema-change.${s.kind}.sent`, true, `undecided: ${s.kind} to ${to.join(', ')}`);
      await notify(s.kind, to, `${input.table}: schema change request ${status.request} still waits for a decision; ingestion of the table is paused`);
    }
    await condition(settled, Math.max(1, expiryMs - (Date.now() - start)));
  }

  /** Tells change capture the outcome; a change capture that is not running reads approvals from the catalog when it starts. */
  async function tell(d: SchemaChangeDecision): Promise<boolean> {
    try {
      await getExternalWorkflowHandle(input.cdcWorkflowId).signal(schemaChangeDecided, d);
      return true;
    } catch (error) {
      log.warn('change capture not told the schema change decision', { table: input.table, cdcWorkflowId: input.cdcWorkflowId });
      await audit('system', 'schema-change.undelivered', true, `${input.cdcWorkflowId} could not be told (${error instanceof Error ? error.message : String(error)}); the catalog holds the decision`);
      return false;
    }
  }
}

async function send(
  notifier: Pick<ReturnType<typeof createNotifyActivities>, 'notify'>,
  audit: (actor: string, action: string, authorized: boolean, detail: string) => Promise<unknown>,
  n: Notification,
): Promise<void> {
  try {
    await notifier.notify(n);
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    await audit('system', 'notify.failed', true, `${n.kind} to ${n.to.join(', ')} not delivered: ${error.cause?.message ?? error.message}`);
  }
}

function describe(change: SchemaChange): string {
  return [...change.dropped.map((c) => `${c} dropped`), ...change.retyped.map((r) => `${r.column} ${r.contract} → Debezium ${r.event}`)].join(', ');
}

function assertInput(input: SchemaChangeApprovalInput): void {
  const ok = typeof input?.table === 'string' && /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/.test(input.table) && !!input.cdcWorkflowId && !!input.change && Array.isArray(input.blockers);
  if (!ok) throw ApplicationFailure.nonRetryable('schemaChangeApproval input: expected table as \'<domain>.<table>\', cdcWorkflowId, change and blockers', 'InvalidInputError');
}
