import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { IngestRunResult } from '../../activities/cdc/index.js';
import type { AcceptedSchemaChange, SchemaChange } from '../../core/cdc/schema-change.js';

/** The public face of workflow cdcIngest (workflows/cdc-ingest.ts): change capture of one domain. */

export interface CdcIngestInput {
  domain: string;
  warehouseTaskQueue: string;
  /** Consumer name: where its offsets are kept in the warehouse. Default `cdc.<domain>`. */
  consumer?: string;
  /** Length of one ingest run; the status query is as fresh as the last run. */
  runSeconds?: number;
  /** Runs per workflow run before continue-as-new. */
  runsPerHistory?: number;
  state?: CdcState;
}

/** A table stopped at a breaking schema change, and where its DPO's decision stands. */
export interface PausedTableState {
  table: string;
  reason: string;
  offset: string;
  change?: SchemaChange;
  blockers?: string[];
  approval?: {
    workflowId: string;
    state: 'requested' | 'approved' | 'rejected' | 'expired';
    request?: number;
    by?: string;
    comment?: string;
    at?: string;
    /** What it means for the table, for `factory cdc status`. */
    note?: string;
  };
}

export interface CdcState {
  tables: string[];
  pausedTables: PausedTableState[];
  /** Breaking schema changes the DPO accepted, per table: the decoder reads the source as it is now. */
  acceptedChanges?: Record<string, AcceptedSchemaChange>;
  paused: boolean;
  totals: { events: number; applied: number; tombstones: number; deadLettered: number };
  lastPosition: Record<string, string>;
  addedColumns: Record<string, string[]>;
  lag: IngestRunResult['lag'];
  eventsPerSecond: number;
  /** Source commit → warehouse commit, of the last run (before this was measured: Kafka record → commit). */
  freshness: IngestRunResult['freshness'];
  /** Source commit → Kafka record, of the last run; absent in states of older runs. */
  captureDelay?: IngestRunResult['captureDelay'];
  /** Applied changes of the last run without a source time. */
  withoutSourceTime?: number;
  runs: number;
}

export interface CdcStatus extends CdcState {
  stopping: boolean;
}

/** The outcome of a schema change approval (workflow schemaChangeApproval), sent to the table's change capture. */
export interface SchemaChangeDecision {
  table: string;
  request: number;
  decision: 'approve' | 'reject' | 'expire';
  by: string;
  comment: string;
  at: string;
  /** Approvals: the change accepted. */
  accepted?: AcceptedSchemaChange;
  /** Non-empty: accepting the source as it is cannot make the events decodable; the table stays paused until the contract changes. */
  blockers: string[];
}

// Message names are in recorded histories (test/histories/cdc-ingest-*.json) and in captures running
// for weeks: never rename them.
export const cdcStatus = defineQuery<CdcStatus>('status');
/** A DPO's decision on a schema change: an approval without blockers resumes the table from its paused offset. */
export const schemaChangeDecided = defineSignal<[SchemaChangeDecision]>('schemaChangeDecided');
export const pauseCdc = defineSignal('pause');
export const resumeCdc = defineSignal('resume');
/** Drain and stop: the run in flight commits what it holds, then the workflow ends with its totals. */
export const drainAndStop = defineUpdate<CdcState>('drainAndStop');

export const cdcIngestWorkflowType = 'cdcIngest';
export type CdcIngestWorkflow = (input: CdcIngestInput) => Promise<CdcState>;

/** `cdc:<domain>`: one change capture per domain. */
export function cdcWorkflowId(domain: string): string {
  return `cdc:${domain}`;
}
