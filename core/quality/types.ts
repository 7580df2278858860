import type { TableContract } from '../../contracts/contract.js';
import type { QualityRule, QualityRuleKind } from '../../contracts/quality-rules.js';
import type { WarehouseDialect } from '../sql/dialect.js';

export type { WarehouseDialect } from '../sql/dialect.js';

/** Where a table lives in the warehouse, as the check SQL reads it. */
export interface CheckTarget {
  /** Qualified, quoted table name: raw_booking."booking" (DuckDB) or `project.dataset.table` (BigQuery). */
  target: string;
  /** A condition keeping live rows only, e.g. NOT coalesce("_deleted", false) on change-captured tables. */
  liveFilter?: string | undefined;
  /**
   * The table's quarantine (rows held back by row rules at ingestion), when it has one: its open rows
   * are part of what the source holds, so reconciliation counts live rows plus the newest open row per key.
   */
  quarantine?: string | undefined;
}

export interface CheckQueryInput extends CheckTarget {
  rule: QualityRule;
  table: TableContract;
  dialect: WarehouseDialect;
  /** Where another table of the registry lives (for references). */
  resolve: (domain: string, table: string) => CheckTarget;
  /** The clock freshness is measured against, as ISO text in UTC; the warehouse's own clock when absent. */
  now?: string | undefined;
}

/**
 * 'failures': one row (failing BIGINT, total BIGINT, samples: up to 20 failing keys as text).
 * 'metric': one row of named metrics (row_count, and null_rate, distinct_count, age_seconds or checksum).
 */
export type CheckShape = 'failures' | 'metric';

export interface CheckQueryResult {
  sql: string;
  shape: CheckShape;
}

/** The metrics a 'metric' query yields, under these column names; what the next run's baseline holds. */
export interface CheckMetrics {
  row_count?: number;
  null_rate?: number;
  distinct_count?: number;
  age_seconds?: number | null;
  checksum?: string;
}

export type RuleStatus = 'pass' | 'warn' | 'block';

export interface EvaluateCheckInput {
  rule: QualityRule;
  /** The single row the check query returned, as column name → value (numbers may be bigint or text). */
  row: Record<string, unknown>;
  /** Metrics of the last gate run of this rule (volume, distribution); absent on the first run. */
  baseline?: CheckMetrics | undefined;
  /** Row count and content checksum of the source (reconciliation). */
  source?: { rows: number; checksum: string } | undefined;
}

export interface RuleResult {
  ruleId: string;
  kind: QualityRuleKind;
  severity: 'warn' | 'block';
  status: RuleStatus;
  /**
   * What was measured, in the unit of `threshold`: the failing share of rows (row rules, unique,
   * references, sql), the newest row's age in seconds (freshness), the change against the baseline
   * in percent (volume, distinct_count) or in percentage points (null_rate), the row difference
   * (reconciliation). Null when nothing could be measured (an empty table, a first run).
   */
  metric: number | null;
  /** The largest metric that passes. */
  threshold: number;
  failing?: number;
  total?: number;
  /** Up to 20 keys of failing rows, as text (key columns joined by '|'). */
  sampleKeys: string[];
  /** The metrics measured now: stored as the next run's baseline. */
  measured: CheckMetrics;
  /** One readable sentence: what was found against what was expected. No row values beyond keys. */
  detail: string;
}
