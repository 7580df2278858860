/**
 * The pure rules of a DPO approval (workflows/publish-data-product.ts): who may decide, what a
 * decision must carry, and when reminders, escalation and expiry fall due. Deterministic, so the
 * workflow's validator and its signal handler apply the very same rules.
 */

export type DecisionVerb = 'approve' | 'reject';

export interface DecideInput {
  /** The candidate version decided on: a decision never lands on a newer candidate by accident. */
  version: number;
  decision: DecisionVerb;
  /** User id (SSO/LDAP) of the person deciding. */
  by: string;
  /** Why: required, it goes into the catalog's approval history. */
  comment: string;
}

export interface Approvers {
  dpo: string;
  deputies: string[];
}

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

/** The two ways to decide, printed in notifications and by the CLI. */
export function howToDecide(product: string, version: number, workflowId: string): string[] {
  const payload = JSON.stringify({ version, decision: 'approve', by: '<your user id>', comment: '<why>' });
  return [
    `factory approve ${product} ${version} --as <your user id> --comment "<why>"   (or: factory reject …)`,
    `Temporal UI: workflow ${workflowId} → Send a Signal named 'decide' with input ${payload} ("decision": "reject" to reject)`,
  ];
}

/**
 * The two ways to decide on a schema change request: `version` is the request's number in the
 * catalog, so a decision never lands on a later request for the same table by accident.
 */
export function howToDecideSchemaChange(table: string, request: number, workflowId: string): string[] {
  const payload = JSON.stringify({ version: request, decision: 'approve', by: '<your user id>', comment: '<why>' });
  return [
    `factory approve ${table} ${request} --schema-change --as <your user id> --comment "<why>"   (or: factory reject …)`,
    `Temporal UI: workflow ${workflowId} → Send a Signal named 'decide' with input ${payload} ("decision": "reject" to reject)`,
  ];
}

/**
 * `schema-change:<domain>.<table>` for the domain's own change capture (`cdc:<domain>`); any other
 * change-capture workflow (a test's) gets its own suffix, so their requests never meet.
 */
export function schemaChangeWorkflowId(cdcWorkflowId: string, table: string): string {
  const domain = table.split('.')[0];
  return cdcWorkflowId === `cdc:${domain}` ? `schema-change:${table}` : `schema-change:${table}@${cdcWorkflowId}`;
}
