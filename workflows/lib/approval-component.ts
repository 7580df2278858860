import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, condition, patched, proxyActivities, setHandler, type SignalDefinition } from '@temporalio/workflow';
import type { createIdentityActivities } from '../../activities/identity/index.js';
import type { AuditAttempt } from '../../connectors/catalog/port.js';
import type { ApprovalStatusFields, Approvers, DecideInput, DecisionRecord } from '../api/approval.js';
import { shortIo } from './activity-options.js';
import { approvalTimeline, nudgeRecipients, refusal, roleOf, type ApprovalPolicyTimes, type ApprovalStep } from './approval.js';

export type ApprovalPhase = 'awaiting-approval' | 'reminded' | 'escalated';
export type NudgeKind = ApprovalStep['kind'];


export interface AuditEntry extends AuditAttempt {
  actor: string;
  action: string;
  authorized: boolean;
  detail: string;
  version?: number;
}

export interface ApprovalSpec<R> {
  /** What is decided on, as refusals name it: '<domain>.<product>' or '<domain>.<table>'. */
  subject: string;
  /** The kind of item, as refusals name it (default 'candidate'). */
  item?: string;
  status: ApprovalStatusFields;
  update: UpdateDefinition<R, [DecideInput]>;
  signal: SignalDefinition<[DecideInput]>;
  /** Audit action names: each workflow keeps its own trail's names, which reports and tests read. */
  actions: { requested: string; refused: string; sent: (kind: NudgeKind) => string };
  audit(entry: AuditEntry): Promise<void>;
  /** Shows a phase (status and search attribute). */
  setPhase(phase: ApprovalPhase): void;
}

export interface DecisionWait {
  /** The number a decision must name: the candidate version or the request number. */
  version: number;
  policy: ApprovalPolicyTimes;
  approvers: Approvers;
  /** Sends one notification on the item (the workflow adds the subject, version and how to decide). */
  notify(kind: 'approval-requested' | NudgeKind, to: string[], message: string): Promise<void>;
  /** The audit detail and the DPO's message of the request. */
  requested: { detail: string; message: string };
  nudged(kind: NudgeKind, waitedMs: number, to: string[]): { detail: string; message: string };
  /** Something else that ends the wait early, e.g. a newer publication request. */
  interrupted?: () => boolean;
}

/**
 * A DPO approval inside a workflow: the `decide` Update (its validator applies the rules of
 * ./approval.ts, so someone not entitled is refused at once, with the reason) and the `decide`
 * Signal (a refused one is counted and audited, then ignored), and the wait for a decision: the
 * request, then reminder and escalation on durable timers, until a decision or the expiry.
 *
 * Decisions are accepted only while the wait is open and nothing was decided yet. An accepted
 * Update answers once the workflow calls `answer` with the outcome (e.g. after publishing).
 */
export function approval<R>(spec: ApprovalSpec<R>) {
  const { status } = spec;
  // Runs started before decisions were verified keep deciding by the validator and the named user.
  const verified = patched('verified-decisions');
  // Proves who decides and whether they may: the token with FACTORY_AUTH=oidc, the named user with dev.
  const identity = proxyActivities<ReturnType<typeof createIdentityActivities>>(shortIo);
  let open: number | undefined;
  let outcome: { result: R } | undefined;
  const context = (approvers: Approvers | undefined) => ({
    product: spec.subject, awaiting: status.decision ? undefined : open, phase: status.phase, approvers, ...(spec.item ? { item: spec.item } : {}),
  });
  const accept = (d: DecideInput & { by: string }, via: DecisionRecord['via'], proved = false) => {
    status.decision = { version: d.version, decision: d.decision, by: d.by, comment: d.comment.trim(), at: new Date().toISOString(), via, ...(proved ? { verified: true } : {}) };
  };

  /**
   * Every attempt, by Update or Signal, is judged here and a refused one is audited with the claimed
   * and the verified identity and the reason: nothing is refused where no trace can be written (a
   * validator cannot write), so the validator of verified runs refuses nothing.
   */
  async function judge(raw: unknown, via: 'update' | 'signal'): Promise<string | undefined> {
    const d = (raw ?? {}) as Partial<DecideInput>;
    const claimed = typeof d.by === 'string' && d.by.trim() ? d.by.trim() : undefined;
    const who = await identity.authorizeDecision({ domain: spec.subject.split('.')[0]!, ...(typeof d.token === 'string' ? { token: d.token } : {}), ...(claimed ? { by: claimed } : {}) });
    const reason = who.refused ?? refusal({ ...d, by: who.user }, context(undefined));
    if (!reason) {
      accept({ ...(d as DecideInput), by: who.user }, via, who.verified);
      return undefined;
    }
    await spec.audit({
      actor: who.user, action: spec.actions.refused, authorized: who.role !== undefined, detail: `decision ${via} refused: ${reason}`,
      outcome: 'refused', via, reason, ...(claimed ? { claimedBy: claimed } : {}), ...(who.verified ? { verifiedBy: who.user } : {}),
      ...(typeof d.version === 'number' ? { version: d.version } : {}),
    });
    // Counted once audited: whoever watches the count finds the audit entry there.
    if (via === 'signal') status.refusedSignals++;
    return reason;
  }

  setHandler(spec.update, async (d) => {
    if (verified) {
      const reason = await judge(d, 'update');
      if (reason) throw ApplicationFailure.create({ message: reason, type: 'DecisionRefusedError', nonRetryable: true, details: [{ audited: true }] });
    } else {
      accept(d as DecideInput & { by: string }, 'update');
    }
    await condition(() => outcome !== undefined);
    return outcome!.result;
  }, {
    validator: (d) => {
      if (verified) return;
      const reason = refusal(d, context(status.approvers));
      if (reason) throw ApplicationFailure.create({ message: reason, type: 'DecisionRefusedError', nonRetryable: true });
    },
  });
  setHandler(spec.signal, async (d) => {
    if (verified) {
      await judge(d, 'signal');
      return;
    }
    const reason = refusal(d, context(status.approvers));
    if (!reason) return accept(d as DecideInput & { by: string }, 'signal');
    status.refusedSignals++;
    const by = typeof d?.by === 'string' && d.by ? d.by : 'unknown';
    await spec.audit({ actor: by, action: spec.actions.refused, authorized: roleOf(by, status.approvers) !== undefined, detail: `decision signal ignored: ${reason}` });
  });

  return {
    /** A decision taken without a person (the domain policy's auto-approval). */
    accept,

    /** Requests the decision and waits for it, reminding and escalating on the policy's durable timers; undefined when it expired or was interrupted. */
    async waitForDecision(w: DecisionWait): Promise<DecisionRecord | undefined> {
      const settled = () => status.decision !== undefined || (w.interrupted?.() ?? false);
      const { steps, expiryMs } = approvalTimeline(w.policy);
      const start = Date.now();
      const at = (ms: number) => new Date(start + ms).toISOString();
      status.requestedAt = at(0);
      for (const s of steps) status[s.kind === 'reminder' ? 'remindAt' : 'escalateAt'] = at(s.afterMs);
      status.expiresAt = at(expiryMs);
      open = w.version;
      try {
        spec.setPhase('awaiting-approval');
        await spec.audit({ actor: 'system', action: spec.actions.requested, authorized: true, detail: w.requested.detail });
        await w.notify('approval-requested', [w.approvers.dpo], w.requested.message);
        for (const s of steps) {
          if (await condition(settled, Math.max(1, s.afterMs - (Date.now() - start)))) return status.decision;
          spec.setPhase(s.kind === 'reminder' ? 'reminded' : 'escalated');
          const to = nudgeRecipients(s.kind, w.approvers);
          const text = w.nudged(s.kind, Date.now() - start, to);
          await spec.audit({ actor: 'system', action: spec.actions.sent(s.kind), authorized: true, detail: text.detail });
          await w.notify(s.kind, to, text.message);
        }
        await condition(settled, Math.max(1, expiryMs - (Date.now() - start)));
        return status.decision;
      } finally {
        open = undefined;
      }
    },

    /** The outcome an accepted decide Update answers with. */
    answer(result: R): void {
      outcome = { result };
    },
  };
}

/** The attempt fields of an accepted decision's audit entry. */
export function acceptedAttempt(decision: DecisionRecord): AuditAttempt {
  return { outcome: 'accepted', via: decision.via, ...(decision.verified ? { verifiedBy: decision.by } : {}) };
}
