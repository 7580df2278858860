import type { ChangeLogRetentionResult, DroppedVersion } from '../../connectors/warehouse/retention-port.js';

/** The public face of workflow retentionRun (workflows/retention.ts). */

export interface RetentionRunInput {
  warehouseTaskQueue: string;
  /** Count what would go, delete nothing (the run is audited all the same). */
  dryRun?: boolean;
  /** Only these domains; omitted: every domain. */
  domains?: string[];
  /** Tables and products in flight at once (default 2: the warehouse owner serialises writes anyway). */
  concurrency?: number;
}

/** What the contracts declare, per table and per product (activities/warehouse/retention.ts). */
export interface RetentionPlan {
  tables: { domain: string; table: string; days: number }[];
  products: { domain: string; product: string; days: number }[];
}

export interface ChangeLogRetentionOutcome extends Omit<ChangeLogRetentionResult, 'exists'> {
  domain: string;
  table: string;
  days: number;
  /** ISO-8601 UTC: rows ingested before it were deleted. */
  cutoff: string;
}

export interface SnapshotRetentionOutcome {
  domain: string;
  product: string;
  days: number;
  cutoff: string;
  servedVersion: number | null;
  dropped: DroppedVersion[];
  kept: number[];
}

export interface RetentionRunResult {
  dryRun: boolean;
  /** ISO-8601 UTC: the run's clock, from which every cutoff is counted. */
  startedAt: string;
  /** Tables that have a change log (the others are counted in tablesWithoutChangeLog). */
  changeLogs: ChangeLogRetentionOutcome[];
  tablesWithoutChangeLog: number;
  /** Published products (products never published are left out). */
  snapshots: SnapshotRetentionOutcome[];
  totals: { changeLogRowsDeleted: number; snapshotVersionsDropped: number; snapshotTablesDropped: number };
  /** Ids of the catalog audit entries written for this run. */
  auditIds: number[];
}

export const retentionRunWorkflowType = 'retentionRun';
export type RetentionRunWorkflow = (input: RetentionRunInput) => Promise<RetentionRunResult>;

/** The nightly Schedule; its runs are named `retention-<scheduled time>` by Temporal. */
export const retentionScheduleId = 'retention';
export const retentionScheduledWorkflowId = 'retention';

/** `retention:<stamp>` for a run started by hand (`factory retention run`). */
export function retentionRunWorkflowId(stamp: number | string): string {
  return `retention:${stamp}`;
}

/** Audit actions of a run: one summary, one entry per domain with its counts (`factory audit --kind retention`). */
export const retentionAuditActions = { run: 'retention.run', domain: 'retention.domain' } as const;
