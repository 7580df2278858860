import { ApplicationFailure, allHandlersFinished, condition, continueAsNew, executeChild, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import {
  decideSignal, decideUpdate, howToDecide, publicationStatus, publishRequested,
  type DecideResult, type PublicationPhase, type PublicationStatus, type PublishDataProductInput, type PublishDataProductResult, type Outcome,
} from './api/publish-data-product.js';
import { factoryDomain, factoryStatus } from './api/search-attributes.js';
import { acceptedAttempt, approval } from './lib/approval-component.js';
import { publicationSteps } from './lib/publication-steps.js';
import type { qualityGate } from './quality-gate.js';

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
  const setPhase = (phase: PublicationPhase) => {
    status.phase = phase;
    upsertSearchAttributes([{ key: factoryStatus, value: phase }]);
  };
  const approvals = approval<DecideResult>({
    subject: input.product, status, update: decideUpdate, signal: decideSignal, audit: steps.audit, setPhase,
    actions: { requested: 'approval.requested', refused: 'decide.refused', sent: (kind) => `${kind}.sent` },
  });

  setHandler(publicationStatus, () => status);
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
    approvals.accept({ version, decision: 'approve', by: 'policy:auto-approve', comment: 'non-breaking changes and a passing quality gate: approved by the domain policy' }, 'policy');
  } else if (!status.newerRequest) {
    const how = howToDecide(plan.qualifiedName, version, workflowId);
    await approvals.waitForDecision({
      version, policy: plan.policy, approvers: plan.approvers, ...steps.approvalTexts(plan, version),
      notify: (kind, to, message) => steps.notify(kind, to, message, version, how),
      interrupted: () => status.newerRequest !== undefined,
    });
  }

  const decision = status.decision;
  if (!decision && status.newerRequest) {
    setPhase('superseded');
    await steps.supersede(plan, version, status.newerRequest);
    await condition(allHandlersFinished);
    return continueAsNew<typeof publishDataProduct>({ ...input, request: status.newerRequest });
  }
  if (!decision) {
    setPhase('expired');
    await steps.expire(plan, version);
    return finish(result('expired'));
  }
  await steps.audit({ actor: decision.by, action: decision.decision, authorized: true, version, detail: `v${version} ${decision.decision}d via ${decision.via}: ${decision.comment}`, ...acceptedAttempt(decision) });
  if (decision.decision === 'reject') {
    await steps.reject(plan, version, decision);
    setPhase('rejected');
    approvals.answer({ product: plan.qualifiedName, version, outcome: 'rejected', by: decision.by, at: decision.at });
    return finish(result('rejected'));
  }
  setPhase('promoting');
  const views = await steps.promote(plan, version, decision);
  setPhase('published');
  approvals.answer({ product: plan.qualifiedName, version, outcome: 'published', by: decision.by, at: decision.at });
  return finish(result('published', { views }));

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
