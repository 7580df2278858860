import { ApplicationFailure, allHandlersFinished, condition, getExternalWorkflowHandle, log, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { createPublicationCatalogActivities } from '../activities/catalog/publish.js';
import type { createSchemaChangeCatalogActivities } from '../activities/catalog/schema-change.js';
import type { NotificationKind } from '../connectors/notify/port.js';
import type { SchemaChange } from '../core/cdc/schema-change.js';
import {
  decideSchemaChangeSignal, decideSchemaChangeUpdate, howToDecideSchemaChange, schemaChangeStatus,
  type SchemaChangeApprovalInput, type SchemaChangeApprovalStatus, type SchemaChangeDecideResult, type SchemaChangePhase,
} from './api/schema-change-approval.js';
import { factoryDomain, factoryStatus, factoryTable } from './api/search-attributes.js';
import { schemaChangeDecided, type SchemaChangeDecision } from './api/cdc-ingest.js';
import { shortIo } from './lib/activity-options.js';
import { acceptedAttempt, approval, type AuditEntry } from './lib/approval-component.js';
import { approvalNotifier } from './lib/approval-notify.js';

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
  const status: SchemaChangeApprovalStatus = { table: input.table, phase: 'requesting', request: null, change: input.change, blockers: input.blockers, refusedSignals: 0 };
  const now = () => new Date().toISOString();
  const setPhase = (phase: SchemaChangePhase) => {
    status.phase = phase;
    upsertSearchAttributes([{ key: factoryStatus, value: phase }]);
  };
  const audit = async (e: AuditEntry) => {
    await audits.appendAudit({ domain, ...e, detail: `${input.table} schema change request ${status.request ?? '-'}: ${e.detail}`, at: now() });
  };
  const send = approvalNotifier(audit);
  const approvals = approval<SchemaChangeDecideResult>({
    subject: input.table, item: 'schema change request', status, update: decideSchemaChangeUpdate, signal: decideSchemaChangeSignal, audit, setPhase,
    actions: { requested: 'schema-change.requested', refused: 'schema-change.decide.refused', sent: (kind) => `schema-change.${kind}.sent` },
  });

  setHandler(schemaChangeStatus, () => status);
  upsertSearchAttributes([{ key: factoryDomain, value: domain }, { key: factoryTable, value: input.table }, { key: factoryStatus, value: 'requesting' }]);

  const plan = await catalog.planSchemaChange({ table: input.table });
  status.approvers = plan.approvers;
  const { id } = await catalog.recordSchemaChange({
    table: input.table, workflowId, runId, topic: input.topic, offset: input.offset, reason: input.reason, change: input.change, blockers: input.blockers, at: now(),
  });
  status.request = id;
  const how = howToDecideSchemaChange(input.table, id, workflowId);
  const notify = (kind: NotificationKind, to: string[], message: string) => send({ kind, product: input.table, version: id, to: [...new Set(to)], message, at: now(), workflowId, howToDecide: how });

  const blocked = input.blockers.length ? ` Approving it cannot resume ingestion until the contract changes: ${input.blockers.join('; ')}.` : ' Approving it accepts the source schema as it is and resumes ingestion.';
  await approvals.waitForDecision({
    version: id, policy: plan.policy, approvers: plan.approvers, notify,
    requested: {
      detail: `${input.reason}; waits for ${plan.approvers.dpo}${input.blockers.length ? `; accepting it cannot resume ingestion: ${input.blockers.join('; ')}` : ''}`,
      message: `${input.table}: ingestion paused at a breaking schema change (${describe(input.change)}); request ${id} waits for your decision.${blocked}`,
    },
    nudged: (kind, _waitedMs, to) => ({ detail: `undecided: ${kind} to ${to.join(', ')}`, message: `${input.table}: schema change request ${id} still waits for a decision; ingestion of the table is paused` }),
  });
  const decision = status.decision;
  if (!decision) {
    setPhase('expired');
    await catalog.decideSchemaChange({ id, decision: 'expired', by: 'system', comment: `no decision within ${plan.policy.expiryDays} days`, at: now() });
    await audit({ actor: 'system', action: 'schema-change.expired', authorized: true, detail: `expired undecided after ${plan.policy.expiryDays} days; the table stays paused` });
    await notify('expired', [plan.approvers.dpo, ...plan.approvers.deputies], `${input.table}: schema change request ${id} expired undecided; ingestion of the table stays paused`);
    status.told = await tell({ table: input.table, request: id, decision: 'expire', by: 'system', comment: `no decision within ${plan.policy.expiryDays} days`, at: now(), blockers: input.blockers });
    return status;
  }
  const approved = decision.decision === 'approve';
  const resumes = approved && input.blockers.length === 0;
  setPhase(approved ? 'approved' : 'rejected');
  await catalog.decideSchemaChange({ id, decision: approved ? 'approved' : 'rejected', by: decision.by, comment: decision.comment, at: decision.at });
  const effect = !approved ? 'the table stays paused' : resumes ? 'ingestion resumes from the paused offset' : `the table stays paused until the contract changes: ${input.blockers.join('; ')}`;
  await audit({ actor: decision.by, action: `schema-change.${approved ? 'approve' : 'reject'}`, authorized: true, detail: `${decision.decision}d via ${decision.via}: ${decision.comment}; ${effect}`, version: id, ...acceptedAttempt(decision) });
  status.told = await tell({
    table: input.table, request: id, decision: approved ? 'approve' : 'reject', by: decision.by, comment: decision.comment, at: decision.at, blockers: input.blockers,
    ...(approved ? { accepted: { dropped: input.change.dropped, retyped: input.change.retyped.map((r) => ({ column: r.column, event: r.event })) } } : {}),
  });
  await notify(approved ? 'approved' : 'rejected', [plan.approvers.dpo], `${input.table}: schema change request ${id} ${decision.decision}d by ${decision.by}: ${decision.comment}; ${effect}`);
  approvals.answer({ table: input.table, request: id, outcome: approved ? 'approved' : 'rejected', by: decision.by, at: decision.at, resumes });
  await condition(allHandlersFinished);
  return status;

  /** Tells change capture the outcome; a change capture that is not running reads approvals from the catalog when it starts. */
  async function tell(d: SchemaChangeDecision): Promise<boolean> {
    try {
      await getExternalWorkflowHandle(input.cdcWorkflowId).signal(schemaChangeDecided, d);
      return true;
    } catch (error) {
      log.warn('change capture not told the schema change decision', { table: input.table, cdcWorkflowId: input.cdcWorkflowId });
      await audit({ actor: 'system', action: 'schema-change.undelivered', authorized: true, detail: `${input.cdcWorkflowId} could not be told (${error instanceof Error ? error.message : String(error)}); the catalog holds the decision` });
      return false;
    }
  }
}

function describe(change: SchemaChange): string {
  return [...change.dropped.map((c) => `${c} dropped`), ...change.retyped.map((r) => `${r.column} ${r.contract} → Debezium ${r.event}`)].join(', ');
}

function assertInput(input: SchemaChangeApprovalInput): void {
  const ok = typeof input?.table === 'string' && /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/.test(input.table) && !!input.cdcWorkflowId && !!input.change && Array.isArray(input.blockers);
  if (!ok) throw ApplicationFailure.nonRetryable('schemaChangeApproval input: expected table as \'<domain>.<table>\', cdcWorkflowId, change and blockers', 'InvalidInputError');
}
