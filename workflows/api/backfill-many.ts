import { defineQuery } from '@temporalio/workflow';
import type { BuildQualifiedLayerResult } from '../../connectors/warehouse/qualified-port.js';

/** The public face of workflows backfillDomain and backfillAll (workflows/backfill-many.ts). */

export interface BackfillManyInput {
  /** Domain name for backfillDomain; ignored by backfillAll. */
  domain?: string;
  /** Child backfills in flight at once. */
  tableConcurrency: number;
  chunkRows: number;
  chunkConcurrency: number;
  warehouseTaskQueue: string;
  /** History events after which a run stops starting children and continues as new (default 4000). */
  historyBudget?: number;
  /** Carried across continue-as-new; absent on the first run. */
  state?: BackfillManyState;
}

export interface TableOutcome {
  table: string;
  rows: number;
  checksum: string;
  error?: string;
}

export interface BackfillManyState {
  pending: string[];
  outcomes: TableOutcome[];
  startedAt: number;
  runs: number;
}

export interface BackfillManyProgress {
  tablesTotal: number;
  tablesDone: number;
  tablesFailed: number;
  running: string[];
  rows: number;
  rowsPerSecond: number;
  /** Estimate from the mean time per finished table so far. */
  etaSeconds: number | null;
  runs: number;
}

export interface BackfillManyResult {
  tables: TableOutcome[];
  rows: number;
  durationMs: number;
  runs: number;
  /** The qualified views built once the tables were in, per domain (absent in runs started before this step). */
  qualified?: BuildQualifiedLayerResult[];
}

// The message name is in recorded histories and running workflows: never rename it.
export const backfillManyProgress = defineQuery<BackfillManyProgress>('progress');

export const backfillDomainWorkflowType = 'backfillDomain';
export const backfillAllWorkflowType = 'backfillAll';
export type BackfillManyWorkflow = (input: BackfillManyInput) => Promise<BackfillManyResult>;

/** `backfill:<domain>`. */
export function backfillDomainWorkflowId(domain: string): string {
  return `backfill:${domain}`;
}

export const backfillAllWorkflowId = 'backfill:all';
