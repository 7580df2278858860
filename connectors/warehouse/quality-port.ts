import type { QualityBaseline, QualityReport } from '../../core/quality-report.js';
import type { QualityValue } from '../../core/quality/values.js';

/**
 * What the warehouse owner offers the quality gate: run one check query inside the warehouse
 * (pushdown: one result row comes back, never the table's rows), and keep reports and baselines in
 * the control dataset (`_factory.quality_reports`, `_factory.quality_runs`, `_factory.quality_baselines`).
 */

/** A value of a check's result row, safe in JSON: big integers past 2^53 arrive as decimal text. */
export type { QualityValue } from '../../core/quality/values.js';

export interface QualityTargetInput { domain: string; table: string }
export interface QualityTargetResult {
  /** The live table as the dialect names it (e.g. "raw_booking"."booking"), or null when it is not loaded yet. */
  target: string | null;
  /** A condition keeping live rows only, when change capture keeps deleted rows as tombstones. */
  liveFilter?: string;
  /** The table's quarantine, when it has one (reconciliation counts its open rows). */
  quarantine?: string;
}

export interface RunQualityQueryInput {
  /** A query returning exactly one row (core/quality/check-sql.ts). */
  sql: string;
}
export interface RunQualityQueryResult {
  row: Record<string, QualityValue> | null;
}

/** Capability 'qualityStore'. */
export interface QualityStore {
  qualityTarget(input: QualityTargetInput): Promise<QualityTargetResult>;
  /** Runs on a reader where the warehouse allows it, so checks do not wait behind loads. */
  runQualityQuery(input: RunQualityQueryInput): Promise<RunQualityQueryResult>;
  /** Stores a report (one row per rule result) and the baselines it yields; a retry replaces the same report. */
  storeQualityReport(report: QualityReport): Promise<void>;
  lastQualityReport(input: { product: string }): Promise<QualityReport | null>;
  qualityBaselines(input: { tables: Array<{ domain: string; table: string }> }): Promise<QualityBaseline[]>;
}
