import { md5Hex } from '../../core/md5.js';
import type { TableContract } from '../../contracts/contract.js';
import type { BuildQualifiedLayerInput, BuildQualifiedLayerResult } from './qualified-port.js';
import type { QualityWarehouse } from './quality-port.js';
import type { PublishWarehouse } from './publish-port.js';

/**
 * The warehouse port: what the single warehouse-owner process offers (DuckDB embedded, BigQuery in
 * production). Inputs are one object each; results are references and counts, never rows, so they
 * travel as Temporal payloads.
 *
 * Layout: schemas `raw_<domain>`, `qualified_<domain>`, `published_<domain>`, `_factory` (control).
 *
 * Backfill protocol: prepareLoad → loadChunk × N (any order, retried freely) → validateLoad →
 * quarantineLoad → swapIn → recordBackfill. Each step is idempotent so an activity can be retried
 * after a crash.
 *
 * Row quarantine: rows failing a quarantine rule of the contract (backfill and change capture) go
 * to `raw_<domain>.<table>__quarantine` with the rule id, reason and source position; their
 * current-state row is a tombstone at that position. The warehouse holds of the source its live rows
 * plus its open quarantined rows (tableStats); replayQuarantine lands fixed rows exactly once.
 *
 * Staged file format (what loadChunk reads): CSV per RFC 4180, UTF-8, no header, columns in
 * contract order; NULL = empty unquoted field, empty string = "" (quoted); DATE YYYY-MM-DD; TIME
 * HH:MM:SS[.ffffff]; TIMESTAMP YYYY-MM-DD HH:MM:SS[.fraction] (UTC, no zone); decimals plain
 * text; BOOLEAN t/f; binary '\x' + hex; CHAR values with their padding.
 */

export interface LoadLineage {
  /** Source system name, as in the contract (`source.system`). */
  sourceSystem: string;
  loadId: string;
  /** Where in the source's history this load was read (e.g. an LSN or DB2 log position). */
  sourcePosition: string;
}

export interface PrepareLoadInput { domain: string; table: TableContract; loadId: string }
export interface PrepareLoadResult {
  /** Qualified name `raw_<domain>.<table>__load_<loadId>`: pass it back to the other calls. */
  loadTable: string;
  /** Rows already present (resumed load after a crash), 0 for a new load. */
  existingRows: number;
}

export interface LoadChunkInput {
  loadTable: string;
  table: TableContract;
  /** Absolute path of a staged CSV file readable by the warehouse owner. */
  file: string;
  chunkIndex: number;
  lineage: LoadLineage;
}
export interface LoadChunkResult {
  rows: number;
  /** True when this chunk was already loaded (a retry): nothing was added. */
  alreadyLoaded: boolean;
}

export interface ValidateLoadInput { loadTable: string; table: TableContract }
export interface ValidateLoadResult {
  rows: number;
  /** Content checksum (core/checksum.ts) over the contract columns, as decimal text. */
  checksum: string;
  /** Number of key values that occur more than once (0 for a good load). */
  duplicateKeys: number;
}

export interface SwapInInput { domain: string; table: TableContract; loadTable: string }
export interface SwapInResult {
  /** Qualified name of the live table, `raw_<domain>.<table>`. */
  table: string;
  /** True when this load had already been swapped in (a retry). */
  alreadySwapped: boolean;
}

export interface QuarantineLoadInput { loadTable: string; table: TableContract }
export interface QuarantineLoadResult {
  /** Rows of this load in quarantine (the same on a retry after the commit). */
  quarantined: number;
}

export interface ReplayQuarantineInput {
  domain: string;
  /** The contract as it is now: its quarantine rules judge the open rows again. */
  table: TableContract;
}
export interface ReplayQuarantineResult {
  /** Open rows that now pass and landed in the current table (each exactly once). */
  replayed: number;
  /** Open rows that still fail a rule; they stay open, with the reason the current rules give. */
  stillFailing: number;
  /** Open rows whose key moved on (a newer change or load): closed without landing. */
  superseded: number;
}

export interface QuarantineRuleCount {
  ruleId: string;
  reason: string;
  open: number;
  /** Up to 20 keys of open rows, key columns joined by '|', newest first. Keys only, never other values. */
  sampleKeys: string[];
}
export interface QuarantineSummaryResult {
  open: number;
  replayed: number;
  superseded: number;
  /** Quarantined by a backfill load that is not swapped in (yet). */
  pending: number;
  rules: QuarantineRuleCount[];
}

export interface RecordBackfillInput {
  domain: string;
  table: string;
  loadId: string;
  rows: number;
  checksum: string;
  durationMs: number;
  sourcePosition: string;
}
export interface BackfillRecord extends RecordBackfillInput {
  /** ISO-8601 UTC. */
  recordedAt: string;
}

export interface TableRefInput { domain: string; table: TableContract }
/** Live rows plus open quarantined rows: what the warehouse holds of the source. */
export interface TableStatsResult { rows: number; checksum: string }

export interface DropLoadInput { loadTable: string }

export interface KafkaOffset { topic: string; partition: number; nextOffset: string }

export interface ApplyChangesInput {
  domain: string;
  table: TableContract;
  sourceSystem: string;
  /**
   * Staged CSV of decoded changes: the contract columns (after image; key only for deletes), then
   * _op (c/u/d/r/t), _position (core/cdc/position.ts), _source_ts_ms, _kafka_partition, _kafka_offset.
   */
  file: string;
  /** Consumer name and where it continues: stored in the same transaction as the changes. */
  consumer: string;
  offsets: KafkaOffset[];
}

export interface ApplyChangesResult {
  changes: number;
  /** True when these offsets were already stored (a retry after the commit): nothing changed. */
  alreadyApplied: boolean;
}

export interface Warehouse extends QualityWarehouse, PublishWarehouse {
  prepareLoad(input: PrepareLoadInput): Promise<PrepareLoadResult>;
  loadChunk(input: LoadChunkInput): Promise<LoadChunkResult>;
  validateLoad(input: ValidateLoadInput): Promise<ValidateLoadResult>;
  /** Moves the load's rows that fail a quarantine rule to the quarantine, leaving tombstones. */
  quarantineLoad(input: QuarantineLoadInput): Promise<QuarantineLoadResult>;
  swapIn(input: SwapInInput): Promise<SwapInResult>;
  recordBackfill(input: RecordBackfillInput): Promise<void>;
  lastBackfill(input: { domain: string; table: string }): Promise<BackfillRecord | null>;
  tableStats(input: TableRefInput): Promise<TableStatsResult>;
  dropLoad(input: DropLoadInput): Promise<void>;
  /** One transaction: append to the change log, merge the newest change per key, store the offsets. */
  applyChanges(input: ApplyChangesInput): Promise<ApplyChangesResult>;
  /** One transaction: judges open quarantined rows against the current rules and lands those that pass. */
  replayQuarantine(input: ReplayQuarantineInput): Promise<ReplayQuarantineResult>;
  /** Quarantine counts per status and open rows per rule (counts and keys only). */
  quarantineSummary(input: TableRefInput): Promise<QuarantineSummaryResult>;
  /** Where a consumer continues, per topic and partition (empty for a new consumer). */
  consumerOffsets(input: { consumer: string }): Promise<KafkaOffset[]>;
  /** Creates or replaces the `qualified_<domain>` views of the given tables (qualified-port.ts). */
  buildQualifiedLayer(input: BuildQualifiedLayerInput): Promise<BuildQualifiedLayerResult>;
  close(): Promise<void>;
}

export { LoadStateError } from '../../core/errors.js';

export const layerSchema = (layer: 'raw' | 'qualified' | 'published', domain: string): string => `${layer}_${domain}`;

/**
 * Load ids come from workflow and run ids: keep letters, digits and '_' so names stay plain. When
 * that changes the id, a hash of the original is appended so distinct ids stay distinct.
 */
export function sanitizeLoadId(loadId: string): string {
  const clean = loadId.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (!clean) throw new Error(`loadId '${loadId}': expected at least one letter or digit`);
  if (clean === loadId && clean.length <= 40) return clean;
  return `${clean.slice(0, 31)}_${md5Hex(loadId).slice(0, 8)}`;
}

export function loadTableName(domain: string, table: string, loadId: string): string {
  return `${layerSchema('raw', domain)}.${table}__load_${sanitizeLoadId(loadId)}`;
}

/** Splits and checks a qualified load table name (it crosses process boundaries as text). */
export function parseLoadTable(loadTable: string): { schema: string; name: string; table: string } {
  const m = /^(raw_[a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)__load_([a-z0-9_]+)$/.exec(loadTable);
  if (!m) throw new Error(`loadTable '${loadTable}': expected 'raw_<domain>.<table>__load_<loadId>'`);
  return { schema: m[1]!, name: `${m[2]!}__load_${m[3]!}`, table: m[2]! };
}
