import { ApplicationFailure, allHandlersFinished, condition, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { createPublicationCatalogActivities } from '../activities/catalog/publish.js';
import type { createErasureActivities } from '../activities/warehouse/erase.js';
import type { NotificationKind } from '../connectors/notify/port.js';
import {
  decideErasureSignal, decideErasureUpdate, erasureRequestNumber, eraseSubjectStatus, howToDecideErasure,
  type ErasePhase, type EraseSubjectInput, type EraseSubjectResult, type EraseSubjectStatus, type ErasureEvidence,
} from './api/erase-subject.js';
import { factoryDomain, factoryStatus, factoryTable } from './api/search-attributes.js';
import { longChunk, shortIo } from './lib/activity-options.js';
import { acceptedAttempt, approval, type AuditEntry } from './lib/approval-component.js';
import { approvalNotifier } from './lib/approval-notify.js';

/**
 * A data subject's erasure (GDPR art. 17; id `erase:<subject hash>`). Nothing is touched before the
 * approving domain's DPO or a deputy approves through the shared approval component (verified
 * identity, reminders, escalation, expiry, every refusal audited). Then, on the warehouse owner: the
 * ledger first (reaching values collected and hashed in one transaction, so backfill and change
 * capture are guarded before anything is erased), one transaction per reached table over every layer,
 * the staged files, and the evidence, which is the result and is stored. Every step is audited.
 * The identifier is only in the (encrypted) input; everything else names the subject by its hash.
 */
export async function eraseSubject(input: EraseSubjectInput): Promise<EraseSubjectResult> {
  assertInput(input);
  const warehouse = proxyActivities<ReturnType<typeof createErasureActivities>>({ ...shortIo, taskQueue: input.warehouseTaskQueue });
  const heavy = proxyActivities<ReturnType<typeof createErasureActivities>>({ ...longChunk, taskQueue: input.warehouseTaskQueue });
  const catalog = proxyActivities<ReturnType<typeof createPublicationCatalogActivities>>(shortIo);
  const label = `erasure ${input.subjectHash.slice(0, 12)}`;
  const status: EraseSubjectStatus = { subject: input.subject, subjectHash: input.subjectHash, phase: 'requesting', erased: 0, tables: 0, refusedSignals: 0 };
  const now = () => new Date().toISOString();
  const setPhase = (phase: ErasePhase) => {
    status.phase = phase;
    upsertSearchAttributes([{ key: factoryStatus, value: phase }]);
  };
  setHandler(eraseSubjectStatus, () => status);

  const planned = await warehouse.planErasureApproval({ subject: input.subject });
  const domain = planned.plan.approvingDomain;
  status.approvers = planned.approvers;
  status.tables = planned.plan.tables.length;
  upsertSearchAttributes([{ key: factoryDomain, value: domain }, { key: factoryTable, value: planned.plan.key }, { key: factoryStatus, value: 'requesting' }]);
  const audit = async (e: AuditEntry) => {
    await catalog.appendAudit({ domain, ...e, detail: `${input.subject} ${label}: ${e.detail}`, at: now() });
  };
  const send = approvalNotifier(audit);
  const workflowId = `erase:${input.subjectHash}`;
  const notify = (kind: NotificationKind, to: string[], message: string) =>
    send({ kind, product: `${domain}.${label}`, version: erasureRequestNumber, to: [...new Set(to)], message, at: now(), workflowId, howToDecide: howToDecideErasure(input.subjectHash) });
  const approvals = approval<EraseSubjectResult>({
    subject: `${domain}.${label}`, item: 'erasure request', status, update: decideErasureUpdate, signal: decideErasureSignal, audit, setPhase,
    actions: { requested: 'erase.requested', refused: 'erase.decide.refused', sent: (kind) => `erase.${kind}.sent` },
  });

  const what = `${planned.plan.tables.length} tables of ${input.subject} ${input.subjectHash.slice(0, 12)}…`;
  await approvals.waitForDecision({
    version: erasureRequestNumber, policy: planned.policy, approvers: planned.approvers, notify,
    requested: { detail: `requested by ${input.requestedBy}: ${input.reason}; reaches ${what}; waits for ${planned.approvers.dpo}`, message: `${domain}: erasure of ${what} waits for your decision (${input.reason})` },
    nudged: (kind, _ms, to) => ({ detail: `undecided: ${kind} to ${to.join(', ')}`, message: `${domain}: the erasure request ${input.subjectHash.slice(0, 12)}… still waits for a decision` }),
  });
  const decision = status.decision;
  if (!decision || decision.decision === 'reject') {
    const outcome = decision ? 'rejected' : 'expired';
    setPhase(outcome);
    await audit(decision
      ? { actor: decision.by, action: 'erase.reject', authorized: true, detail: `rejected via ${decision.via}: ${decision.comment}; nothing erased`, version: erasureRequestNumber, ...acceptedAttempt(decision) }
      : { actor: 'system', action: 'erase.expired', authorized: true, detail: `expired undecided after ${planned.policy.expiryDays} days; nothing erased` });
    const result: EraseSubjectResult = { outcome, subjectHash: input.subjectHash };
    approvals.answer(result);
    await condition(allHandlersFinished);
    return result;
  }
  await audit({ actor: decision.by, action: 'erase.approve', authorized: true, detail: `approved via ${decision.via}: ${decision.comment}`, version: erasureRequestNumber, ...acceptedAttempt(decision) });
  setPhase('erasing');

  const begun = await heavy.beginErasure({ subject: input.subject, subjectHash: input.subjectHash, id: input.id });
  await audit({ actor: 'system', action: 'erase.ledger', authorized: true, detail: `ledger written before erasing: ${begun.ledgerEntries} keyed hashes (key ${begun.keyId}) over ${begun.reached.filter((r) => r.values > 0).length} table columns` });
  const tables = [];
  for (const table of begun.plan.tables) {
    const erased = await heavy.eraseTable({ subjectHash: input.subjectHash, table });
    tables.push({ ...erased, ...(table.reason ? { reason: table.reason } : {}) });
    status.erased++;
    const counts = erased.relations.map((r) => `${r.layer} ${r.rows}`).join(', ');
    await audit({ actor: 'system', action: `erase.${table.action}`, authorized: true, detail: `${erased.table}: ${counts || 'no relation in the warehouse'}${table.reason ? ` (kept: ${table.reason})` : ''}` });
  }
  const stagedFiles = await heavy.eraseStagedFiles({ subjectHash: input.subjectHash, subject: input.subject });
  await audit({ actor: 'system', action: 'erase.staged', authorized: true, detail: `${stagedFiles.filter((f) => f.outcome === 'deleted').length} staged files deleted, ${stagedFiles.filter((f) => f.outcome === 'in-flight').length} in flight (the ledger applies at their swap or merge)` });
  const { kafkaWindow, ...positions } = await warehouse.erasurePositions({ subject: input.subject });
  const evidence: ErasureEvidence = {
    subject: input.subject, subjectHash: input.subjectHash, keyId: begun.keyId, requestedBy: input.requestedBy, reason: input.reason, decision,
    erasedAt: now(), tables, ledger: begun.reached, ledgerEntries: begun.ledgerEntries, stagedFiles, positions, kafkaWindow,
  };
  await warehouse.finishErasure({ subjectHash: input.subjectHash, evidence });
  const rows = tables.flatMap((t) => t.relations).reduce((n, r) => n + r.rows, 0);
  await audit({ actor: 'system', action: 'erase.completed', authorized: true, detail: `${rows} rows erased or anonymised in ${tables.length} tables; evidence stored in _factory.erasure_evidence` });
  setPhase('erased');
  await notify('approved', [planned.approvers.dpo, input.requestedBy], `${domain}: ${label} done: ${rows} rows in ${tables.length} tables`);
  const result: EraseSubjectResult = { outcome: 'erased', subjectHash: input.subjectHash, evidence };
  approvals.answer(result);
  await condition(allHandlersFinished);
  return result;
}

function assertInput(input: EraseSubjectInput): void {
  const ok = typeof input?.subject === 'string' && /^[0-9a-f]{64}$/.test(input.subjectHash ?? '') && typeof input.id === 'string' && input.id !== ''
    && typeof input.reason === 'string' && input.reason.trim() !== '' && typeof input.requestedBy === 'string' && !!input.warehouseTaskQueue;
  // The message names the fields, never their values: the identifier is personal data.
  if (!ok) throw ApplicationFailure.nonRetryable('eraseSubject input: expected subject, subjectHash (64 hex digits), id, reason, requestedBy and warehouseTaskQueue', 'InvalidInputError');
}
