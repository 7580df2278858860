import { defineSignal, defineUpdate } from '@temporalio/workflow';

/**
 * What every DPO approval workflow (publishDataProduct, schemaChangeApproval) accepts as a decision:
 * one payload and one message name, so the CLI, the notifications and the Temporal UI work alike for
 * both. Client code imports this module (or the workflow's own api module), never a workflow file.
 */

export type DecisionVerb = 'approve' | 'reject';

export interface DecideInput {
  /** The item decided on (candidate version, schema change request): a decision never lands on a newer one by accident. */
  version: number;
  decision: DecisionVerb;
  /** User id of the person deciding: a claim, trusted only with FACTORY_AUTH=dev; with oidc the token says who decides. */
  by?: string;
  /**
   * The decider's OpenID Connect access token (FACTORY_AUTH=oidc): an activity verifies it and only
   * the verified user id is kept in the workflow's state. Payloads are encrypted by the project's codec.
   */
  token?: string;
  /** Why: required, it goes into the catalog's approval history. */
  comment: string;
}

export interface Approvers {
  dpo: string;
  deputies: string[];
}

/** A decision the workflow accepted: by the Update, the Signal, or (publications only) the domain policy. Never the token. */
export interface DecisionRecord {
  version: number;
  decision: DecisionVerb;
  /** Who decided: the verified user with FACTORY_AUTH=oidc, the named one with dev, 'policy:…' for the domain policy. */
  by: string;
  comment: string;
  at: string;
  via: 'update' | 'signal' | 'policy';
  /** True when a verified token proved `by`. */
  verified?: boolean;
}

/** The status fields of every approval workflow, kept up to date by the approval component (workflows/lib/approval-component.ts). */
export interface ApprovalStatusFields {
  phase: string;
  approvers?: Approvers;
  /** ISO-8601 workflow times of the approval request and of its reminder, escalation and expiry. */
  requestedAt?: string;
  remindAt?: string;
  escalateAt?: string;
  expiresAt?: string;
  decision?: DecisionRecord;
  /** Decision signals refused (not entitled, wrong version, no comment…): audited and ignored. */
  refusedSignals: number;
}

// The message name is in recorded histories and running workflows: never rename it.
/** The decision as a signal (e.g. from the Temporal UI): a refused one is audited and ignored. */
export const decideSignal = defineSignal<[DecideInput]>('decide');

/** The decision as an Update answering with R: same name as the signal; someone not entitled is refused at once, with the reason. */
export function defineDecideUpdate<R>() {
  return defineUpdate<R, [DecideInput]>(decideSignal.name);
}

/**
 * The two ways to decide, printed in notifications and by the CLI. `flag` marks the kind of item for
 * the CLI (`--schema-change`); `version` is what the decision names as its version.
 */
export function howToDecide(subject: string, version: number, workflowId: string, flag = ''): string[] {
  const payload = JSON.stringify({ version, decision: 'approve', token: '<your access token: factory token>', comment: '<why>' });
  return [
    `factory login, then: factory approve ${subject} ${version}${flag ? ` ${flag}` : ''} --comment "<why>"   (or: factory reject …; with FACTORY_AUTH=dev: --as <your user id>)`,
    `Temporal UI: workflow ${workflowId} → Send a Signal named '${decideSignal.name}' with input ${payload} ("decision": "reject" to reject; with FACTORY_AUTH=dev: "by": "<your user id>" instead of the token)`,
  ];
}
