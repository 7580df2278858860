import {
  ApplicationFailure, allHandlersFinished, condition, continueAsNew, defineQuery, defineSignal, defineUpdate, executeChild, setHandler,
  upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { ColumnChange } from '../core/schema-diff.js';
import type { PublishedViewStats } from '../connectors/warehouse/publish-port.js';
import type { GateStatus } from '../core/quality-report.js';
import { factoryDomain, factoryStatus } from './api/search-attributes.js';
import { approvalTimeline, howToDecide, refusal, roleOf, type DecideInput } from './lib/approval.js';
import { publicationSteps, type Outcome } from './lib/publication-steps.js';
import type { qualityGate } from './quality-gate.js';

export type { DecideInput } from './lib/approval.js';

/** Who asked for a publication, and an id telling this request from a newer one. */
export interface PublishRequest {
  id: string;
  by: string;
  reason?: string;
}

export interface PublishDataProductInput {
  /** '<domain>.<product>'. */
  product: string;
  warehouseTaskQueue: string;
  request: PublishRequest;
  /** Quality checks in flight at once in the gate (default 4). */
  gateConcurrency?: number;
}

export type PublicationPhase =
  | 'building' | 'gating' | 'snapshotting' | 'awaiting-approval' | 'reminded' | 'escalated' | 'promoting'
  | 'published' | 'rejected' | 'expired' | 'blocked' | 'superseded';

export interface DecisionRecord extends DecideInput {
  at: string;
  via: 'update' | 'signal' | 'policy';
}

export interface PublicationStatus {
  product: string;
  phase: PublicationPhase;
  version: number | null;
  request: PublishRequest;
  gate?: GateStatus;
  breaking?: boolean;
  changes: ColumnChange[];
  approvers?: { dpo: string; deputies: string[] };
  /** ISO-8601 workflow times of the approval request and of its reminder, escalation and expiry. */
  requestedAt?: string;
  remindAt?: string;
  escalateAt?: string;
  expiresAt?: string;
  decision?: DecisionRecord;
  /** Decision signals refused (not entitled, wrong version, no comment): audited and ignored. */
  refusedSignals: number;
  /** A newer publication request waiting for this one to end (it supersedes a pending candidate). */
  newerRequest?: PublishRequest;
}

export interface PublishDataProductResult {
  product: string;
  version: number | null;
  outcome: Outcome;
  gate: GateStatus;
  breaking: boolean;
  changes: number;
  decision?: DecisionRecord;
  /** The published views after promotion, each with the count and checksum readers see. */
  views?: PublishedViewStats[];
}

export interface DecideResult {
  product: string;
  version: number;
  outcome: 'published' | 'rejected';
  by: string;
  at: string;
}

export const publicationStatus = defineQuery<PublicationStatus>('status');
/** Approve or reject, with an answer: someone not entitled is refused at once, with the reason. */
export const decideUpdate = defineUpdate<DecideResult, [DecideInput]>('decide');
/** The same decision as a signal (e.g. from the Temporal UI): a refused one is audited and ignored. */
export const decideSignal = defineSignal<[DecideInput]>('decide');
/** A newer publication of the product (signal-with-start): it supersedes the pending candidate. */
export const publishRequested = defineSignal<[PublishRequest]>('publish');

/**
 * Publishes a data product (id `publish:<domain>.<product>`): build a candidate (schema diff against
 * the published version, lineage), run the quality gate as a child workflow, record the candidate
 * and snapshot its tables, then either auto-approve (domain policy: non-breaking, gate passed, not
 * a first publication) or wait for the DPO with a reminder, an escalation to the deputies and an
 * expiry, all durable timers. On approval the published views are repointed in one transaction.
 *
 * A newer request arrives as the `publish` signal (the CLI uses signal-with-start): a pending
 * candidate is recorded superseded, its approvers told the request is closed, and the workflow
 * continues as new with the newer request, so there is never an orphaned approval request.
 */
export async function publishDataProduct(input: PublishDataProductInput): Promise<PublishDataProductResult> {
  const [domain] = assertInput(input);
  const { workflowId } = workflowInfo();
  const status: PublicationStatus = { product: input.product, phase: 'building', version: null, request: input.request, changes: [], refusedSignals: 0 };
  const steps = publicationSteps({ input, status, domain, workflowId });
  let awaiting: number | undefined;
  let outcome: { decideResult: DecideResult } | undefined;
  const setPhase = (phase: PublicationPhase) => {
    status.phase = phase;
    upsertSearchAttributes([{ key: factoryStatus, value: phase }]);
  };
  const context = () => ({ product: input.product, awaiting, phase: status.phase, approvers: status.approvers });
  const accept = (d: DecideInput, via: DecisionRecord['via']) => {
    status.decision = { version: d.version, decision: d.decision, by: d.by, comment: d.comment.trim(), at: new Date().toISOString(), via };
    awaiting = undefined;
  };

  setHandler(publicationStatus, () => status);
  setHandler(decideUpdate, async (d) => {
    accept(d, 'update');
    await condition(() => outcome !== undefined);
    return outcome!.decideResult;
  }, {
    validator: (d) => {
      const reason = refusal(d, context());
      if (reason) throw ApplicationFailure.create({ message: reason, type: 'DecisionRefusedError', nonRetryable: true });
    },
  });
  setHandler(decideSignal, async (d) => {
    const reason = refusal(d, context());
    if (!reason) return accept(d, 'signal');
    status.refusedSignals++;
    const by = typeof d?.by === 'string' && d.by ? d.by : 'unknown';
    await steps.audit({ actor: by, action: 'decide.refused', authorized: roleOf(by, status.approvers) !== undefined, detail: `decision signal ignored: ${reason}` });
  });
  setHandler(publishRequested, (request) => {
    // Signal-with-start delivers the starting request too: only another id is a newer one.
    if (request?.id && request.id !== input.request.id) status.newerRequest = request;
  });
  upsertSearchAttributes([{ key: factoryDomain, value: domain }, { key: factoryStatus, value: 'building' }]);

  const plan = await steps.build();
  status.approvers = plan.approvers;
  status.changes = plan.changes;
  status.breaking = plan.breaking;

  setPhase('gating');
  const gate = await executeChild<typeof qualityGate>('qualityGate', {
    workflowId: `quality:${plan.qualifiedName}:publish-${workflowInfo().runId.slice(0, 8)}`,
    args: [{ product: plan.qualifiedName, warehouseTaskQueue: input.warehouseTaskQueue, ...(input.gateConcurrency ? { concurrency: input.gateConcurrency } : {}) }],
  });
  status.gate = gate.status;
  const result = (o: Outcome, extra: Partial<PublishDataProductResult> = {}): PublishDataProductResult => ({
    product: plan.qualifiedName, version: status.version, outcome: o, gate: gate.status, breaking: plan.breaking, changes: plan.changes.length,
    ...(status.decision ? { decision: status.decision } : {}), ...extra,
  });
  if (gate.status === 'block') {
    setPhase('blocked');
    await steps.blocked(plan, gate.reportId);
    return finish(result('blocked'));
  }

  if (status.newerRequest) {
    // A newer request came while the gate ran: build that one instead, before recording a candidate nobody will decide on.
    await condition(allHandlersFinished);
    return continueAsNew<typeof publishDataProduct>({ ...input, request: status.newerRequest });
  }

  setPhase('snapshotting');
  const version = await steps.candidate(plan, { status: gate.status, reportId: gate.reportId });
  status.version = version;

  const auto = plan.policy.autoApproveNonBreaking && !plan.breaking && gate.status === 'pass' && plan.publishedVersion !== null;
  if (auto) {
    accept({ version, decision: 'approve', by: 'policy:auto-approve', comment: 'non-breaking changes and a passing quality gate: approved by the domain policy' }, 'policy');
  } else if (!status.newerRequest) {
    awaiting = version;
    await waitForDecision(plan, version);
  }

  const decision = status.decision;
  if (!decision && status.newerRequest) {
    setPhase('superseded');
    awaiting = undefined;
    await steps.supersede(plan, version, status.newerRequest);
    await condition(allHandlersFinished);
    return continueAsNew<typeof publishDataProduct>({ ...input, request: status.newerRequest });
  }
  if (!decision) {
    setPhase('expired');
    await steps.expire(plan, version);
    return finish(result('expired'));
  }
  await steps.audit({ actor: decision.by, action: decision.decision, authorized: true, version, detail: `v${version} ${decision.decision}d via ${decision.via}: ${decision.comment}` });
  if (decision.decision === 'reject') {
    await steps.reject(plan, version, decision);
    setPhase('rejected');
    outcome = { decideResult: { product: plan.qualifiedName, version, outcome: 'rejected', by: decision.by, at: decision.at } };
    return finish(result('rejected'));
  }
  setPhase('promoting');
  const views = await steps.promote(plan, version, decision);
  setPhase('published');
  outcome = { decideResult: { product: plan.qualifiedName, version, outcome: 'published', by: decision.by, at: decision.at } };
  return finish(result('published', { views }));

  /** Approval request, then reminder and escalation on durable timers, until a decision, a newer request or the expiry. */
  async function waitForDecision(plan: Parameters<typeof steps.requestApproval>[0], version: number): Promise<void> {
    const settled = () => status.decision !== undefined || status.newerRequest !== undefined;
    const { steps: timeline, expiryMs } = approvalTimeline(plan.policy);
    const start = Date.now();
    const at = (ms: number) => new Date(start + ms).toISOString();
    status.requestedAt = at(0);
    for (const s of timeline) status[s.kind === 'reminder' ? 'remindAt' : 'escalateAt'] = at(s.afterMs);
    status.expiresAt = at(expiryMs);
    setPhase('awaiting-approval');
    await steps.requestApproval(plan, version, howToDecide(plan.qualifiedName, version, workflowId));
    for (const s of timeline) {
      if (await condition(settled, Math.max(1, s.afterMs - (Date.now() - start)))) return;
      setPhase(s.kind === 'reminder' ? 'reminded' : 'escalated');
      await steps.nudge(plan, version, s.kind, Date.now() - start, howToDecide(plan.qualifiedName, version, workflowId));
    }
    await condition(settled, Math.max(1, expiryMs - (Date.now() - start)));
  }

  /** Ends the run, unless a newer request came meanwhile: then it is built next, in a fresh history. */
  async function finish(final: PublishDataProductResult): Promise<PublishDataProductResult> {
    await condition(allHandlersFinished);
    if (status.newerRequest) return continueAsNew<typeof publishDataProduct>({ ...input, request: status.newerRequest });
    return final;
  }
}

function assertInput(input: PublishDataProductInput): [string, string] {
  const problems: string[] = [];
  const parts = typeof input?.product === 'string' ? /^([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)$/.exec(input.product) : null;
  if (!parts) problems.push(`product as '<domain>.<product>' (e.g. "booking.bookings")`);
  if (!input?.warehouseTaskQueue) problems.push('warehouseTaskQueue');
  if (!input?.request?.id || !input.request.by) problems.push('request { id, by }');
  if (problems.length) throw ApplicationFailure.nonRetryable(`publishDataProduct input: expected ${problems.join(', ')}`, 'InvalidInputError');
  return [parts![1]!, parts![2]!];
}
