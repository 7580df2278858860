import { defineQuery } from '@temporalio/workflow';

/**
 * The public face of workflow backfillTable (workflows/backfill-table.ts): what callers send and get
 * back. Client code imports this module, never the workflow file.
 */

export interface BackfillTableInput {
  domain: string;
  table: string;
  /** Rows per chunk; the worker's FACTORY_CHUNK_ROWS is the usual source. */
  chunkRows: number;
  /** Chunks in flight at once. */
  concurrency: number;
  /** Warehouse-owner task queue (one process owns the warehouse). */
  warehouseTaskQueue: string;
}

export interface BackfillTableResult {
  domain: string;
  table: string;
  loadId: string;
  rows: number;
  checksum: string;
  chunks: number;
  durationMs: number;
  /** Source change-stream position taken before the first chunk was read: CDC starts here. */
  sourcePosition: string;
  warehouseTable: string;
  addedSourceColumns: string[];
  /** Rows that failed a quarantine rule: in `<table>__quarantine`, not live (counted in `rows`). */
  quarantined: number;
}

export type BackfillPhase = 'inspecting' | 'planning' | 'loading' | 'validating' | 'quarantining' | 'swapping' | 'done' | 'failed';

export interface BackfillTableProgress {
  phase: BackfillPhase;
  chunksTotal: number;
  chunksDone: number;
  rowsDone: number;
  approxRows: number;
  startedAt: number;
  quarantined: number;
}

// The message name is in recorded histories and running workflows: never rename it.
export const backfillTableProgress = defineQuery<BackfillTableProgress>('progress');

export const backfillTableWorkflowType = 'backfillTable';
export type BackfillTableWorkflow = (input: BackfillTableInput) => Promise<BackfillTableResult>;

/** `backfill:<domain>.<table>`: one backfill of a table at a time, whoever starts it (CLI, schedule, backfillDomain). */
export function backfillTableWorkflowId(qualifiedTable: string): string {
  return `backfill:${qualifiedTable}`;
}
