import type { ChecksumColumn } from '../../core/checksum.js';
import type { SourceType } from '../../contracts/source-types.js';
import type { KeyValue } from '../../core/keyset.js';

export type { KeyValue } from '../../core/keyset.js';

/**
 * The source connector port: what backfill needs from a system of record (DB2, PostgreSQL…).
 *
 * Backfill plans keyset chunks, then any number of source workers export one chunk each to a
 * **staged CSV file** (the claim-check), which the single warehouse-owner process loads.
 *
 * The staged file format, the contract between every exporter and the warehouse loaders, is
 * specified in core/staged/format.ts.
 */

export interface SourceTableRef { schema: string; table: string }

export interface DiscoveredColumn {
  name: string;
  type: SourceType;
  nullable: boolean;
  /** Canonical DB2-style spelling (formatSourceType), e.g. 'DECIMAL(31,8)'. */
  typeText: string;
}

export interface DiscoveredTable {
  ref: SourceTableRef;
  columns: DiscoveredColumn[];
  primaryKey: string[] | null;
  uniqueKeys: string[][];
  /** Statistics-based estimate (0 when the source has none); use countRows for exact counts. */
  approxRows: number;
}

/** One chunk: rows with lower < key <= upper; null means open on that side. */
export interface ChunkBounds {
  index: number;
  lower: KeyValue[] | null;
  upper: KeyValue[] | null;
}

export interface ExportChunkInput {
  ref: SourceTableRef;
  columns: string[];
  key: string[];
  bounds: ChunkBounds;
  /** Absolute path of the staged CSV file to write. */
  file: string;
  /**
   * Columns of the content checksum (core/checksum.ts), computed over exactly the rows exported —
   * same snapshot — so the warehouse can prove it holds what the source gave, even while the
   * source keeps changing.
   */
  checksumColumns: ChecksumColumn[];
  /** Aborts the export (activity cancelled): the partial file is removed. */
  signal?: AbortSignal;
}

export interface ExportChunkResult { rows: number; bytes: number; checksum: string }

export interface PlanChunksInput { ref: SourceTableRef; key: string[]; chunkRows: number }

export interface CountRowsInput { ref: SourceTableRef; key: string[]; bounds?: ChunkBounds }

export interface TableChecksumInput { ref: SourceTableRef; checksumColumns: ChecksumColumn[] }
export interface TableChecksumResult { rows: number; checksum: string }

export interface SourceConnector {
  readonly system: string;
  /** How this source's change stream positions are spelled (core/cdc/position.ts). */
  readonly positionKind: 'pg' | 'db2';
  discover(ref: SourceTableRef): Promise<DiscoveredTable>;
  /**
   * One ordered index scan numbering rows with ROW_NUMBER() OVER (ORDER BY key); every chunkRows-th
   * key becomes a boundary. Chunks cover the whole key space (first lower null, last upper null),
   * without gaps or overlap, so rows inserted after planning still land in exactly one chunk.
   */
  planChunks(input: PlanChunksInput): Promise<ChunkBounds[]>;
  /** Streams one chunk to `input.file` in the staged format; onProgress gets the rows written so far. */
  exportChunk(input: ExportChunkInput, onProgress?: (rows: number) => void): Promise<ExportChunkResult>;
  countRows(input: CountRowsInput): Promise<number>;
  /** Row count and content checksum of the whole table now, in one snapshot: verification compares it with the warehouse. */
  tableChecksum(input: TableChecksumInput): Promise<TableChecksumResult>;
  /** Position of the source's change stream now (PostgreSQL: pg_current_wal_lsn(); DB2: LSN and/or timestamp) — the backfill records it so CDC can start there. */
  currentPosition(): Promise<string>;
  close(): Promise<void>;
}

/**
 * Whether the change capture of a source provably covers a table from now on, so that a backfill may
 * record its start position (core/cdc/coverage.ts). One implementation per capture product: Debezium
 * PostgreSQL (connectors/kafka-connect/coverage.ts), Debezium Db2 over IBM's ASN capture (Connect's
 * part there, the ASN part in connectors/db2/capture.ts); workers/ chooses.
 */
export interface CaptureCoverage {
  /** E.g. 'connector capture-factory': named in errors. */
  readonly capture: string;
  /**
   * What is missing for the table to be covered, [] when it is; null when no capture registered for
   * this source is asked to cover the table (a backfill without change capture).
   */
  missing(ref: SourceTableRef): Promise<string[] | null>;
  close(): Promise<void>;
}

/** Turns sorted boundary keys (each the inclusive upper end of a chunk) into chunks covering the key space. */
export function chunksFromBoundaries(boundaries: KeyValue[][]): ChunkBounds[] {
  const chunks: ChunkBounds[] = [];
  let lower: KeyValue[] | null = null;
  for (const upper of boundaries) {
    chunks.push({ index: chunks.length, lower, upper });
    lower = upper;
  }
  chunks.push({ index: chunks.length, lower, upper: null });
  return chunks;
}
