/**
 * The pure rules of a DPO approval (workflows/lib/approval-component.ts): who may decide, what a
 * decision must carry, and when reminders, escalation and expiry fall due, and to whom. Deterministic,
 * so the workflow's validator and its signal handler apply the very same rules.
 */

import type { Approvers, DecideInput } from '../api/approval.js';

export interface DecisionContext {
  /** '<domain>.<product>'. */
  product: string;
  /** The version awaiting a decision, or undefined while none does (building, or already decided). */
  awaiting: number | undefined;
  /** What the workflow is doing, for the refusal message. */
  phase: string;
  approvers: Approvers | undefined;
  /** What is decided on, for the refusal message: 'candidate' (default) or 'schema change request'. */
  item?: string;
}

export function roleOf(user: string, approvers: Approvers | undefined): 'dpo' | 'deputy' | undefined {
  if (!approvers) return undefined;
  if (user === approvers.dpo) return 'dpo';
  return approvers.deputies.includes(user) ? 'deputy' : undefined;
}

/**
 * Why a decision is refused, or undefined when it may be applied. Entitlement is checked first, so
 * someone not entitled learns only that, not the state of the request.
 */
export function refusal(input: unknown, ctx: DecisionContext): string | undefined {
  const d = (input ?? {}) as Partial<Record<keyof DecideInput, unknown>>;
  if (typeof d.by !== 'string' || !d.by.trim()) return `a decision on ${ctx.product} must name who decides (by: a user id)`;
  if (ctx.approvers && !roleOf(d.by, ctx.approvers)) {
    const deputies = ctx.approvers.deputies.length ? ` or a deputy (${ctx.approvers.deputies.join(', ')})` : '';
    return `${d.by} may not decide on ${ctx.product}: only its DPO (${ctx.approvers.dpo})${deputies} may`;
  }
  if (d.decision !== 'approve' && d.decision !== 'reject') return `decision on ${ctx.product}: expected 'approve' or 'reject'`;
  const item = ctx.item ?? 'candidate';
  if (ctx.awaiting === undefined) return `${ctx.product} has no ${item} awaiting a decision (it is ${ctx.phase})`;
  if (d.version !== ctx.awaiting) return `${ctx.product}: version ${String(d.version)} is not the ${item} awaiting a decision (version ${ctx.awaiting} is)`;
  if (typeof d.comment !== 'string' || !d.comment.trim()) return `a decision on ${ctx.product} v${ctx.awaiting} needs a comment saying why`;
  return undefined;
}

export interface ApprovalPolicyTimes {
  reminderHours: number;
  escalationHours: number;
  expiryDays: number;
}

export interface ApprovalStep {
  kind: 'reminder' | 'escalation';
  /** From the moment the approval was requested. */
  afterMs: number;
}

const hour = 3_600_000;

/** Reminder and escalation in time order, leaving out any that would fall at or after the expiry. */
export function approvalTimeline(policy: ApprovalPolicyTimes): { steps: ApprovalStep[]; expiryMs: number } {
  const expiryMs = policy.expiryDays * 24 * hour;
  const steps: ApprovalStep[] = [
    { kind: 'reminder' as const, afterMs: policy.reminderHours * hour },
    { kind: 'escalation' as const, afterMs: policy.escalationHours * hour },
  ].filter((s) => s.afterMs < expiryMs).sort((a, b) => a.afterMs - b.afterMs);
  return { steps, expiryMs };
}

/** Who hears of an undecided item: the DPO, and at the escalation the deputies too (when there are any). */
export function nudgeRecipients(kind: ApprovalStep['kind'], approvers: Approvers): string[] {
  return kind === 'reminder' || approvers.deputies.length === 0 ? [approvers.dpo] : [approvers.dpo, ...approvers.deputies];
}
