import type { QuarantineSummaryResult, ReplayQuarantineResult } from '../../connectors/warehouse/port.js';

/** The public face of workflows replayQuarantine and quarantineStatus (workflows/quality-replay.ts). */

export type { QuarantineSummaryResult };

export interface QuarantineTableInput {
  domain: string;
  table: string;
  /** Warehouse-owner task queue (one process owns the warehouse). */
  warehouseTaskQueue: string;
}

export interface ReplayQuarantineWorkflowResult extends ReplayQuarantineResult {
  domain: string;
  table: string;
}

export const replayQuarantineWorkflowType = 'replayQuarantine';
export type ReplayQuarantineWorkflow = (input: QuarantineTableInput) => Promise<ReplayQuarantineWorkflowResult>;

export const quarantineStatusWorkflowType = 'quarantineStatus';
export type QuarantineStatusWorkflow = (input: QuarantineTableInput) => Promise<QuarantineSummaryResult>;

/** `quality-replay:<domain>.<table>`: one replay of a table at a time. */
export function replayQuarantineWorkflowId(table: { domain: string; table: string }): string {
  return `quality-replay:${table.domain}.${table.table}`;
}

/** `quality-quarantine:<domain>.<table>:<stamp>`: a read, so every call runs under its own id. */
export function quarantineStatusWorkflowId(table: { domain: string; table: string }, stamp: number | string): string {
  return `quality-quarantine:${table.domain}.${table.table}:${stamp}`;
}
