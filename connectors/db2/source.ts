import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { formatSourceType, type SourceType } from '../../contracts/source-types.js';
import type { KeyValue } from '../../core/keyset.js';
import { canonicalRowText, RowHashSum } from '../../core/checksum.js';
import { ContractDriftError, PermanentError, TableNotFoundError } from '../../core/errors.js';
import { formatCsvRow } from '../../core/staged/csv.js';
import {
  chunksFromBoundaries, type ChunkBounds, type CountRowsInput, type DiscoveredTable, type ExportChunkInput, type ExportChunkResult,
  type PlanChunksInput, type SourceConnector, type SourceTableRef, type TableChecksumInput, type TableChecksumResult,
} from '../source/port.js';
import { openDb2, type Db2Session } from './driver.js';
import {
  boundariesSql, columnsSql, countSql, groupKeys, keysSql, pageSql, positionSql, selectExpression, tableSql,
  type Db2Dialect, type Db2Isolation, type Db2KeyRow,
} from './sql.js';
import { mapDb2Column, type Db2CatalogColumn } from './types.js';

/**
 * IBM DB2 as a backfill source, through ibm_db (loaded lazily). A chunk is read as a series of
 * keyset pages (`… WHERE key > last ORDER BY key FETCH FIRST n ROWS ONLY WITH CS|UR`) so no cursor
 * or lock is held across a whole chunk; rows are formatted into the staged CSV in Node.
 *
 * Pages are separate statements, so a chunk is not one snapshot: a row changed while the chunk is
 * read may appear in its old or new state. CDC, started from the position recorded before the
 * backfill, replays those changes afterwards.
 */

export interface Db2SourceOptions {
  url: string;
  system: string;
  dialect?: Db2Dialect;
  /** CS (default) never reads uncommitted rows; UR avoids taking read locks on a busy system. */
  isolation?: Db2Isolation;
  /** Rows per keyset page (one statement). */
  pageRows?: number;
  /** Rows per fetch from the CLI driver. */
  fetchRows?: number;
}

export function createDb2Source(options: Db2SourceOptions): SourceConnector {
  const { url, system } = options;
  const dialect = options.dialect ?? 'luw';
  const isolation = options.isolation ?? 'CS';
  const pageRows = options.pageRows ?? 50_000;
  const fetchRows = options.fetchRows ?? 2_000;
  let shared: Promise<Db2Session> | undefined;

  /** One connection for catalog and count queries; exports open their own so they can run side by side. */
  const session = (): Promise<Db2Session> => {
    shared ??= openDb2(url).catch((error: unknown) => {
      shared = undefined;
      throw error;
    });
    return shared;
  };
  const where = (ref: SourceTableRef): string => `${system} ${ref.schema}.${ref.table}`;

  async function catalog(db: Db2Session, ref: SourceTableRef): Promise<Map<string, { type: SourceType; nullable: boolean }>> {
    const rows = await db.query<Db2CatalogColumn>(columnsSql(dialect), [ref.schema, ref.table]);
    if (rows.length === 0) throw new TableNotFoundError(`source ${where(ref)}: table not found (expected schema ${ref.schema} and table ${ref.table}, upper-case as the catalog stores them)`);
    return new Map(rows.map((r) => [r.COLNAME.trim(), { type: mapDb2Column(r, `${ref.schema}.${ref.table}`), nullable: r.NULLABLE.trim() === 'Y' }]));
  }

  async function typesOf(db: Db2Session, ref: SourceTableRef, names: string[]): Promise<SourceType[]> {
    const columns = await catalog(db, ref);
    return names.map((name) => {
      const column = columns.get(name);
      if (!column) throw new ContractDriftError(`source ${where(ref)}: column ${name} not found (table has ${[...columns.keys()].join(', ')})`);
      return column.type;
    });
  }

  function requireKey(ref: SourceTableRef, key: string[]): void {
    if (key.length === 0) throw new Error(`source ${where(ref)}: a key column list is required for chunked reads`);
  }

  async function write(out: WriteStream, text: string): Promise<void> {
    if (!out.write(text)) await once(out, 'drain');
  }

  return {
    system,
    positionKind: 'db2',

    async discover(ref): Promise<DiscoveredTable> {
      const db = await session();
      const columns = await catalog(db, ref);
      const keys = keysSql(dialect);
      const keyParams = Array.from({ length: keys.paramSets }, () => [ref.schema, ref.table]).flat();
      const keyRows = await db.query<Db2KeyRow>(keys.sql, keyParams);
      const card = (await db.query<{ CARD: number | string | null }>(tableSql(dialect), [ref.schema, ref.table]))[0]?.CARD;
      return {
        ref,
        columns: [...columns].map(([name, c]) => ({ name, type: c.type, nullable: c.nullable, typeText: formatSourceType(c.type) })),
        ...groupKeys(keyRows),
        approxRows: Math.max(0, Math.round(Number(card ?? 0)) || 0),
      };
    },

    async planChunks({ ref, key, chunkRows }: PlanChunksInput): Promise<ChunkBounds[]> {
      requireKey(ref, key);
      const db = await session();
      const types = await typesOf(db, ref, key);
      const sql = boundariesSql(ref, key, key.map((k, i) => selectExpression(k, types[i]!)), chunkRows, isolation);
      const boundaries: KeyValue[][] = [];
      await db.stream(sql, [], fetchRows, (rows) => {
        for (const row of rows) boundaries.push(row.map((v) => (typeof v === 'number' || typeof v === 'string' ? v : String(v))));
      });
      return chunksFromBoundaries(boundaries);
    },

    async exportChunk(input: ExportChunkInput, onProgress?: (rows: number) => void): Promise<ExportChunkResult> {
      const { ref, columns, key, bounds, file, checksumColumns, signal } = input;
      requireKey(ref, key);
      if (columns.length === 0) throw new Error(`source ${where(ref)}: exportChunk needs at least one column`);
      const part = `${file}.part`;
      const db = await openDb2(url);
      const out = createWriteStream(part);
      try {
        const extraKey = key.filter((k) => !columns.includes(k));
        const names = [...columns, ...extraKey];
        const types = await typesOf(db, ref, names);
        const selectList = names.map((n, i) => selectExpression(n, types[i]!));
        const keyAt = key.map((k) => names.indexOf(k));
        const columnTypes = types.slice(0, columns.length);
        let lower = bounds.lower;
        let rows = 0;
        // DB2 SQL has no portable row hash, so the checksum is computed here, on the values exported.
        const checksumAt = checksumColumns.map((c) => names.indexOf(c.name));
        const checksum = new RowHashSum();
        for (;;) {
          const page = pageSql(ref, selectList, key, { lower, upper: bounds.upper }, pageRows, isolation);
          let last: unknown[] | undefined;
          const read = await db.stream(page.sql, page.params, fetchRows, async (batch) => {
            let text = '';
            signal?.throwIfAborted();
            for (const row of batch) {
              text += formatCsvRow(columnTypes, row, columns);
              checksum.addText(canonicalRowText(checksumColumns, checksumAt.map((i) => row[i])));
            }
            await write(out, text);
            last = batch[batch.length - 1];
            rows += batch.length;
            onProgress?.(rows);
          });
          if (read < pageRows || !last) break;
          const end = last;
          lower = keyAt.map((i) => end[i] as KeyValue);
        }
        out.end();
        await once(out, 'finish');
        await rename(part, file);
        onProgress?.(rows);
        return { rows, bytes: out.bytesWritten, checksum: checksum.total() };
      } catch (error) {
        out.destroy();
        await rm(part, { force: true });
        // Our own errors already name the source and table, and a permanent one must keep its
        // class (it decides the retry); wrap only what the driver threw.
        if (error instanceof PermanentError || (error instanceof Error && error.message.startsWith('source '))) throw error;
        throw new Error(`source ${where(ref)} chunk ${bounds.index}: export failed: ${(error as Error).message}`, { cause: error });
      } finally {
        await db.close();
      }
    },

    async countRows({ ref, key, bounds }: CountRowsInput): Promise<number> {
      const db = await session();
      const statement = countSql(ref, key, bounds, isolation);
      const rows = await db.query<{ N: string | number }>(statement.sql, statement.params);
      return Number(rows[0]?.N ?? 0);
    },

    /** DB2 SQL has no portable row hash: stream the table through the export path into a scratch file and hash in JS. */
    async tableChecksum({ ref, checksumColumns }: TableChecksumInput): Promise<TableChecksumResult> {
      const folder = await mkdtemp(join(tmpdir(), 'factory-db2-checksum-'));
      try {
        const columns = checksumColumns.map((c) => c.name);
        const discovered = await this.discover(ref);
        const key = discovered.primaryKey ?? discovered.uniqueKeys[0];
        if (!key) throw new Error(`source ${where(ref)}: no primary key or unique index to page on`);
        const result = await this.exportChunk({ ref, columns, key, bounds: { index: 0, lower: null, upper: null }, file: join(folder, 'all.csv'), checksumColumns });
        return { rows: result.rows, checksum: result.checksum };
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    },

    async currentPosition(): Promise<string> {
      const db = await session();
      const queries = positionSql(dialect);
      if (queries.lsn) {
        try {
          const row = (await db.query<{ LSN: unknown; TS: unknown }>(queries.lsn))[0];
          if (row) return `lsn=${String(row.LSN)};ts=${String(row.TS)}`;
        } catch {
          // Without monitoring privileges MON_GET_TRANSACTION_LOG is refused; the timestamp still orders changes.
        }
      }
      const row = (await db.query<{ TS: unknown }>(queries.timestamp))[0];
      if (!row) throw new Error(`source ${system}: CURRENT TIMESTAMP returned no row`);
      return `ts=${String(row.TS)}`;
    },

    async close() {
      const pending = shared;
      shared = undefined;
      const db = await pending?.catch(() => undefined);
      await db?.close();
    },
  };
}
