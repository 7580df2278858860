import { md5Hex } from '../../core/md5.js';
import type { TableContract } from '../../contracts/contract.js';

/**
 * Loading a table (capability 'load') and reading its statistics ('reads'). Backfill protocol:
 * prepareLoad → loadChunk × N (any order, retried freely) → validateLoad → [quarantineLoad] →
 * swapIn → recordBackfill. Each step is idempotent so an activity can be retried after a crash.
 * loadChunk reads a staged file (core/staged/format.ts).
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

export interface ValidateLoadInput {
  loadTable: string;
  table: TableContract;
  /**
   * The source enforces the key (a unique index on not-null key columns): no key can repeat in rows
   * whose count and checksum equal the source's, so the duplicate-key query is not run.
   */
  sourceEnforcesKey?: boolean;
}
export interface ValidateLoadResult {
  rows: number;
  /** Content checksum (core/checksum.ts) over the contract columns, as decimal text. */
  checksum: string;
  /** Number of key values that occur more than once (0 for a good load; 0, not counted, when the source enforces the key). */
  duplicateKeys: number;
}

export interface SwapInInput { domain: string; table: TableContract; loadTable: string }
export interface SwapInResult {
  /** Qualified name of the live table, `raw_<domain>.<table>`. */
  table: string;
  /** True when this load had already been swapped in (a retry). */
  alreadySwapped: boolean;
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

export interface WarehouseLoad {
  prepareLoad(input: PrepareLoadInput): Promise<PrepareLoadResult>;
  loadChunk(input: LoadChunkInput): Promise<LoadChunkResult>;
  validateLoad(input: ValidateLoadInput): Promise<ValidateLoadResult>;
  swapIn(input: SwapInInput): Promise<SwapInResult>;
  recordBackfill(input: RecordBackfillInput): Promise<void>;
  lastBackfill(input: { domain: string; table: string }): Promise<BackfillRecord | null>;
  dropLoad(input: DropLoadInput): Promise<void>;
}

export interface WarehouseReads {
  /** Live rows plus open quarantined rows, counted and checksummed. */
  tableStats(input: TableRefInput): Promise<TableStatsResult>;
}

// Permanent, and declared in core/ so workflows' retry policies can name it.
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
