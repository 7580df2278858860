import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { checksumSelectList } from '../../core/checksum.js';
import { ContractDriftError, PermanentError, TableNotFoundError } from '../../core/errors.js';
import { formatSourceType } from '../../contracts/source-types.js';
import { keyRangePredicate, quoteIdent, type KeyValue } from '../../core/keyset.js';
import { CsvRecordCounter } from '../../core/staged/csv.js';
import { StagedCsvChecksum } from '../../core/staged/csv-checksum.js';
import {
  chunksFromBoundaries, type ChunkBounds, type CountRowsInput, type DiscoveredTable, type ExportChunkInput, type ExportChunkResult,
  type PlanChunksInput, type SourceConnector, type SourceTableRef, type TableChecksumInput, type TableChecksumResult,
} from '../source/port.js';
import { copiesCanonicalText, exportExpression, mapPostgresType, plainTextColumns, type CatalogColumnFacts, type PgMappedType } from './types.js';
import { copyOut } from './copy-out.js';

/**
 * PostgreSQL as a backfill source. Export is `COPY (SELECT …) TO STDOUT (FORMAT csv)` streamed
 * straight into the staged file: the server writes the CSV; Node moves the bytes and, when every
 * column's text is already its canonical text, takes the chunk's content checksum from them.
 */

export interface PostgresSourceOptions {
  url: string;
  system: string;
  /** Concurrent chunk exports this connector may run (pool size). */
  maxConnections?: number;
  /** Tables estimated at this many rows or more are planned from a key sample (default 2,000,000). */
  sampledPlanMinRows?: number;
}

/**
 * Session settings that make COPY's CSV match the staged format: ISO dates, UTC, shortest exact
 * floats, hex bytea, literal backslashes in our inline key literals, UTF-8.
 */
const SESSION_OPTIONS = [
  'TimeZone=UTC', 'DateStyle=ISO', 'IntervalStyle=iso_8601', 'extra_float_digits=3', 'bytea_output=hex',
  'standard_conforming_strings=on', 'client_encoding=UTF8',
].map((s) => `-c ${s}`).join(' ');

const PROGRESS_INTERVAL_MS = 500;
const STAGED_WRITE_BYTES = 1 << 20;
const IN_PROGRESS_WAIT_MS = 10 * 60_000;

const COLUMNS_SQL = `
SELECT a.attname AS name,
       format_type(CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END,
                   CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END) AS formatted,
       NOT a.attnotnull AS nullable
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_type t ON t.oid = a.atttypid
 WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY a.attnum`;

/**
 * Unique indexes on plain columns (no expressions, no predicates), valid ones only (an index a failed
 * CREATE INDEX CONCURRENTLY left behind enforces nothing); include-columns are not key.
 */
const KEYS_SQL = `
SELECT i.indisprimary AS primary, array_agg(a.attname ORDER BY k.ord)::text[] AS columns
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_class ic ON ic.oid = i.indexrelid
  CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
 WHERE n.nspname = $1 AND c.relname = $2 AND i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL
   AND k.ord <= i.indnkeyatts
 GROUP BY i.indexrelid, i.indisprimary, ic.relname
 ORDER BY ic.relname`;

const TABLE_SQL = `
SELECT c.reltuples::float8 AS reltuples
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`;

const SAMPLED_PLAN_MIN_ROWS = 2_000_000;
const SAMPLE_ROWS_PER_CHUNK = 1000;

export function createPostgresSource(options: PostgresSourceOptions): SourceConnector {
  const { system } = options;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 4,
    options: SESSION_OPTIONS,
    application_name: `data-factory-source:${system}`,
  });
  // An idle client dropped by the server must not crash the worker; the next checkout reconnects.
  pool.on('error', () => undefined);

  const tableName = (ref: SourceTableRef): string => `${quoteIdent(ref.schema)}.${quoteIdent(ref.table)}`;
  const where = (ref: SourceTableRef): string => `${system} ${ref.schema}.${ref.table}`;

  async function catalogColumns(client: pg.ClientBase | pg.Pool, ref: SourceTableRef): Promise<CatalogColumnFacts[]> {
    const { rows } = await client.query<CatalogColumnFacts>(COLUMNS_SQL, [ref.schema, ref.table]);
    if (rows.length === 0) throw new TableNotFoundError(`source ${where(ref)}: table not found (expected schema ${ref.schema} and table ${ref.table} in ${system}, names are case-sensitive)`);
    return rows;
  }

  /** The mapped type of each requested column, refusing names the table does not have. */
  async function typesOf(client: pg.ClientBase | pg.Pool, ref: SourceTableRef, names: string[], catalog?: CatalogColumnFacts[]): Promise<PgMappedType[]> {
    const byName = new Map((catalog ?? await catalogColumns(client, ref)).map((c) => [c.name, c]));
    return names.map((name) => {
      const column = byName.get(name);
      if (!column) throw new ContractDriftError(`source ${where(ref)}: column ${name} not found (table has ${[...byName.keys()].join(', ')})`);
      return mapPostgresType(column.formatted, `${ref.schema}.${ref.table}`, name);
    });
  }

  function requireKey(ref: SourceTableRef, key: string[]): void {
    if (key.length === 0) throw new Error(`source ${where(ref)}: a key column list is required for chunked reads`);
  }

  return {
    system,
    positionKind: 'pg',

    async discover(ref) {
      const columns = await catalogColumns(pool, ref);
      const [keys, table] = await Promise.all([
        pool.query<{ primary: boolean; columns: string[] }>(KEYS_SQL, [ref.schema, ref.table]),
        pool.query<{ reltuples: number }>(TABLE_SQL, [ref.schema, ref.table]),
      ]);
      const discovered: DiscoveredTable = {
        ref,
        columns: columns.map((c) => {
          const type = mapPostgresType(c.formatted, `${ref.schema}.${ref.table}`, c.name).type;
          return { name: c.name, type, nullable: c.nullable, typeText: formatSourceType(type) };
        }),
        primaryKey: keys.rows.find((k) => k.primary)?.columns ?? null,
        uniqueKeys: keys.rows.filter((k) => !k.primary).map((k) => k.columns),
        // reltuples is -1 before the first ANALYZE (PostgreSQL 14+).
        approxRows: Math.max(0, Math.round(table.rows[0]?.reltuples ?? 0)),
      };
      return discovered;
    },

    async planChunks({ ref, key, chunkRows }: PlanChunksInput): Promise<ChunkBounds[]> {
      requireKey(ref, key);
      if (!Number.isSafeInteger(chunkRows) || chunkRows < 1) throw new Error(`source ${where(ref)}: chunkRows must be a positive integer, got ${chunkRows}`);
      const types = await typesOf(pool, ref, key);
      // int2/int4 travel as numbers; everything else as text that PostgreSQL reads back exactly.
      const select = key.map((k, i) => {
        const kind = types[i]!.type.kind;
        return kind === 'SMALLINT' || kind === 'INTEGER' ? quoteIdent(k) : `${quoteIdent(k)}::text`;
      });
      const ordered = key.map(quoteIdent).join(', ');
      const { rows: [stats] } = await pool.query<{ reltuples: number }>(TABLE_SQL, [ref.schema, ref.table]);
      const estimate = stats?.reltuples ?? -1;
      if (estimate >= 0 && estimate >= (options.sampledPlanMinRows ?? SAMPLED_PLAN_MIN_ROWS)) {
        // Boundaries need not split the rows evenly, only cover every key: a page sample (about
        // SAMPLE_ROWS_PER_CHUNK keys a chunk) is cut into equal buckets and each bucket's last key
        // ends a chunk; the last chunk is open-ended. Numbering every key of 10M rows took 1.5 s.
        const chunks = Math.ceil(estimate / chunkRows);
        const percent = Math.min(100, (100 * SAMPLE_ROWS_PER_CHUNK * chunks) / estimate);
        const descending = key.map((k) => `${quoteIdent(k)} DESC`).join(', ');
        const sql = `SELECT ${select.join(', ')} FROM (
  SELECT DISTINCT ON (factory_bucket) ${ordered}, factory_bucket
    FROM (SELECT ${ordered}, ntile($1) OVER (ORDER BY ${ordered}) AS factory_bucket FROM ${tableName(ref)} TABLESAMPLE SYSTEM ($2) REPEATABLE (0)) AS sampled
   ORDER BY factory_bucket, ${descending}) AS last_of_bucket
 WHERE factory_bucket < $1 ORDER BY factory_bucket`;
        const { rows } = await pool.query<KeyValue[]>({ text: sql, values: [chunks, percent], rowMode: 'array' });
        return chunksFromBoundaries(rows);
      }
      const sql = `SELECT ${select.join(', ')} FROM (SELECT ${ordered}, ROW_NUMBER() OVER (ORDER BY ${ordered}) AS factory_rn FROM ${tableName(ref)}) AS numbered WHERE MOD(factory_rn, $1) = 0 ORDER BY factory_rn`;
      const { rows } = await pool.query<KeyValue[]>({ text: sql, values: [chunkRows], rowMode: 'array' });
      return chunksFromBoundaries(rows);
    },

    async exportChunk(input: ExportChunkInput, onProgress?: (rows: number) => void): Promise<ExportChunkResult> {
      const { ref, columns, key, bounds, file, checksumColumns, signal } = input;
      requireKey(ref, key);
      if (columns.length === 0) throw new Error(`source ${where(ref)}: exportChunk needs at least one column`);
      const part = `${file}.part`;
      const client = await pool.connect();
      let healthy = false;
      try {
        signal?.throwIfAborted();
        // One snapshot for the checksum and the COPY: both see exactly the same rows.
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const catalog = await catalogColumns(client, ref);
        const types = await typesOf(client, ref, columns, catalog);
        const select = columns.map((c, i) => exportExpression(quoteIdent(c), types[i]!));
        // COPY takes no bind parameters, so the key bounds are inlined as quoted literals.
        const range = keyRangePredicate('postgres', key, bounds, { kind: 'inline' });
        const hashed = plainTextColumns(checksumColumns, catalog);
        // Every exported field already its canonical text (or NULL): the checksum is taken from the COPY's
        // bytes as they are staged. Otherwise PostgreSQL renders and hashes the rows in a query of
        // its own, in the same snapshot.
        const fromCopy = copiesCanonicalText(columns, hashed, catalog);
        const summed = fromCopy ? undefined : (await client.query<{ row_count: string; checksum: string }>(
          `SELECT ${checksumSelectList('postgres', hashed)} FROM ${tableName(ref)} WHERE ${range.sql}`,
        )).rows[0];
        signal?.throwIfAborted();
        const copy = client.query(copyOut(`COPY (SELECT ${select.join(', ')} FROM ${tableName(ref)} WHERE ${range.sql}) TO STDOUT WITH (FORMAT csv)`));
        const counter = fromCopy ? new StagedCsvChecksum() : new CsvRecordCounter();
        let bytes = 0;
        let lastReport = Date.now();
        // COPY arrives in small pieces: gathered into blocks of STAGED_WRITE_BYTES, the file gets one
        // write per block (the kernel time of a chunk's export halved).
        let held: Buffer[] = [];
        let heldBytes = 0;
        const release = (): Buffer => {
          const block = Buffer.concat(held, heldBytes);
          counter.push(block);
          held = [];
          heldBytes = 0;
          return block;
        };
        const meter = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            held.push(chunk);
            heldBytes += chunk.length;
            bytes += chunk.length;
            if (heldBytes < STAGED_WRITE_BYTES) return done();
            const block = release();
            if (onProgress && Date.now() - lastReport >= PROGRESS_INTERVAL_MS) {
              lastReport = Date.now();
              onProgress(counter.records);
            }
            done(null, block);
          },
          flush(done) {
            done(null, heldBytes > 0 ? release() : undefined);
          },
        });
        await pipeline(copy, meter, createWriteStream(part), { signal });
        // COPY's command tag (its row count) is parsed after the data ends; the next command on
        // the same connection returns only once it has been read.
        await client.query('COMMIT');
        const { records, checksum } = counter instanceof StagedCsvChecksum ? counter.finish() : { records: counter.records, checksum: String(summed?.checksum ?? '0') };
        if (copy.rowCount !== records || (summed && String(copy.rowCount) !== String(summed.row_count))) {
          throw new Error(`source ${where(ref)} chunk ${bounds.index}: COPY reported ${copy.rowCount} rows, the staged file holds ${records} records${summed ? `, the checksum counted ${summed.row_count}` : ''}`);
        }
        await rename(part, file);
        healthy = true;
        onProgress?.(copy.rowCount);
        return { rows: copy.rowCount, bytes, checksum };
      } catch (error) {
        await rm(part, { force: true });
        // Our own errors already name the source and table, and a permanent one must keep its
        // class (it decides the retry); wrap only what the driver threw.
        if (error instanceof PermanentError || (error instanceof Error && error.message.startsWith('source '))) throw error;
        throw new Error(`source ${where(ref)} chunk ${bounds.index}: export failed: ${(error as Error).message}`, { cause: error });
      } finally {
        // A connection that failed mid-COPY is in an unknown protocol state: destroy it.
        client.release(!healthy);
      }
    },

    async countRows({ ref, key, bounds }: CountRowsInput): Promise<number> {
      const range = bounds ? keyRangePredicate('postgres', key, bounds, { kind: 'dollar' }) : { sql: '1=1', params: [] };
      const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${tableName(ref)} WHERE ${range.sql}`, range.params);
      return Number(rows[0]?.n ?? 0);
    },

    async tableChecksum({ ref, checksumColumns }: TableChecksumInput): Promise<TableChecksumResult> {
      const columns = plainTextColumns(checksumColumns, await catalogColumns(pool, ref));
      const { rows } = await pool.query<{ row_count: string; checksum: string }>(`SELECT ${checksumSelectList('postgres', columns)} FROM ${tableName(ref)}`);
      return { rows: Number(rows[0]?.row_count ?? 0), checksum: String(rows[0]?.checksum ?? '0') };
    },

    /**
     * The WAL position now, returned only once every transaction in progress at that moment has
     * ended. A transaction that began before the position but commits after it has changes below
     * the position; waiting guarantees any later snapshot read contains it, so change capture may
     * skip events below the position without losing that transaction.
     */
    async currentPosition() {
      const { rows } = await pool.query<{ lsn: string; running: string[] }>(
        'SELECT pg_current_wal_lsn()::text AS lsn, ARRAY(SELECT pg_snapshot_xip(pg_current_snapshot()))::text[] AS running',
      );
      const lsn = rows[0]?.lsn;
      if (!lsn) throw new Error(`source ${system}: pg_current_wal_lsn() returned nothing`);
      const deadline = Date.now() + IN_PROGRESS_WAIT_MS;
      for (let running = rows[0]!.running; running.length > 0; ) {
        const { rows: still } = await pool.query<{ xid: string }>(
          `SELECT x::text AS xid FROM unnest($1::xid8[]) AS x WHERE pg_xact_status(x) = 'in progress'`,
          [running],
        );
        running = still.map((r) => r.xid);
        if (running.length === 0) break;
        if (Date.now() > deadline) {
          throw new Error(`source ${system}: ${running.length} transaction(s) open since WAL position ${lsn} still running after ${IN_PROGRESS_WAIT_MS / 1000} s (xids ${running.slice(0, 5).join(', ')}); the backfill waits for them to end`);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      return lsn;
    },

    async close() {
      await pool.end();
    },
  };
}
