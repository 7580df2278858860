import { defineQuery } from '@temporalio/workflow';
import type { SchemaChange } from '../../core/cdc/schema-change.js';
import { decideSignal, defineDecideUpdate, howToDecide, type ApprovalStatusFields } from './approval.js';

/**
 * The public face of workflow schemaChangeApproval (workflows/schema-change-approval.ts): what
 * callers send and get back. Client code imports this module, never the workflow file.
 */

export type { DecideInput, DecisionRecord } from './approval.js';

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

export interface SchemaChangeApprovalStatus extends ApprovalStatusFields {
  table: string;
  phase: SchemaChangePhase;
  /** The request's number in the catalog: what a decision names as its `version`. */
  request: number | null;
  change: SchemaChange;
  blockers: string[];
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

// Message names are in recorded histories and running workflows: never rename them.
export const schemaChangeStatus = defineQuery<SchemaChangeApprovalStatus>('status');
/** Same name and payload as the publication's decision, so the CLI and the Temporal UI work alike. */
export const decideSchemaChangeUpdate = defineDecideUpdate<SchemaChangeDecideResult>();
export const decideSchemaChangeSignal = decideSignal;

export const schemaChangeApprovalWorkflowType = 'schemaChangeApproval';
export type SchemaChangeApprovalWorkflow = (input: SchemaChangeApprovalInput) => Promise<SchemaChangeApprovalStatus>;

/**
 * `schema-change:<domain>.<table>` for the domain's own change capture (`cdc:<domain>`); any other
 * change-capture workflow (a test's) gets its own suffix, so their requests never meet.
 */
export function schemaChangeWorkflowId(cdcWorkflowId: string, table: string): string {
  const domain = table.split('.')[0];
  return cdcWorkflowId === `cdc:${domain}` ? `schema-change:${table}` : `schema-change:${table}@${cdcWorkflowId}`;
}

/**
 * The two ways to decide on a schema change request: `version` is the request's number in the
 * catalog, so a decision never lands on a later request for the same table by accident.
 */
export function howToDecideSchemaChange(table: string, request: number, workflowId: string): string[] {
  return howToDecide(table, request, workflowId, '--schema-change');
}
