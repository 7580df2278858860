/**
 * Retention (capability 'retention'): the warehouse forgets what is older than a table's or a
 * product's declared age (contracts/retention.ts). The caller computes each cutoff once (the
 * workflow, from its own clock), so a retried call removes exactly what the first one would have:
 * both operations are idempotent. Results are counts and names, never rows.
 */

export interface ChangeLogRetentionInput {
  domain: string;
  table: string;
  /** ISO-8601 UTC: change-log rows ingested (`_ingested_at`) before it go. */
  cutoff: string;
  /** Count only, delete nothing. */
  dryRun?: boolean;
}

export interface ChangeLogRetentionResult {
  /** Qualified name, `raw_<domain>.<table>__changes`. */
  changeLog: string;
  /** False when the table has no change log (never captured): every count is 0. */
  exists: boolean;
  /** Rows before, rows removed (or that would be, in a dry run), rows after: read in the same transaction. */
  before: number;
  deleted: number;
  after: number;
}

export interface SnapshotRetentionInput {
  /** The product's own domain: its published schema. */
  domain: string;
  product: string;
  /** ISO-8601 UTC: snapshots of versions superseded before it go. */
  cutoff: string;
  dryRun?: boolean;
}

export interface DroppedVersion {
  version: number;
  /** ISO-8601 UTC: when a newer version replaced it for readers. */
  supersededAt: string;
  /** Qualified snapshot names, `published_<domain>.<product>__<table>__v<version>`. */
  snapshots: string[];
}

export interface SnapshotRetentionResult {
  /** The version readers are served (never dropped), or null for a product never published. */
  servedVersion: number | null;
  /** Versions whose snapshots were dropped (or would be, in a dry run). */
  dropped: DroppedVersion[];
  /** Superseded versions still inside their age, kept. */
  kept: number[];
}

export interface Retention {
  /** One transaction per table: deletes change-log rows ingested before the cutoff. */
  pruneChangeLog(input: ChangeLogRetentionInput): Promise<ChangeLogRetentionResult>;
  /**
   * One transaction per product: drops the snapshots (and their `_factory.product_snapshots` rows)
   * of versions older than the served one that were superseded before the cutoff. Newer versions
   * (candidates awaiting approval) and the served version are never touched.
   */
  pruneSnapshots(input: SnapshotRetentionInput): Promise<SnapshotRetentionResult>;
}
