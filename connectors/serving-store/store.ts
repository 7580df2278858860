import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { TableContract } from '../../contracts/contract.js';
import type { ErasurePlan } from '../../core/erasure/plan.js';
import { migrateServingStore } from './migrate.js';
import {
  applyBatchSql, changeMetaColumns, collectSql, copyStageSql, createStageSql, createTableSql, eraseSql, layoutOf, loadChunkSql,
  reachedSql, servingTable, statsSql, sweepLoadSql, truncateSql, addColumnsSql, addedColumns,
} from './sql.js';

/**
 * The serving store on PostgreSQL: the tables of products served in real time, kept current by the
 * backfill (loadChunk, finishLoad) and change capture (applyChanges) at the same source positions as
 * the warehouse, erased with the warehouse, and read under the access policy (reads.ts).
 */

export interface ServedTableRef { domain: string; table: TableContract }

export interface ServingStoreWrites {
  /** Whether '<domain>.<table>' belongs to a product served in real time. */
  serves(qualified: string): boolean;
  /** One backfill chunk (a staged CSV file) at the backfill's position; idempotent. Returns the rows in the file. */
  loadChunk(input: ServedTableRef & { file: string; loadId: string; sourcePosition: string }): Promise<{ rows: number }>;
  /** Once all chunks are in: rows the backfill did not read become tombstones. Idempotent. */
  finishLoad(input: ServedTableRef & { loadId: string; sourcePosition: string }): Promise<{ swept: number }>;
  /** A decoded change batch (connectors/cdc/batch-file.ts), in one transaction, each key only moving forward. */
  applyChanges(input: ServedTableRef & { file: string }): Promise<{ changes: number }>;
  /** Erases a subject's rows from the served tables the plan reaches, in one transaction. */
  eraseSubject(input: { plan: ErasurePlan; id: string; contracts: Record<string, TableContract> }): Promise<{ tables: Array<{ table: string; rows: number }> }>;
  /** Live rows and their checksum in the source's canon (compare with the source or the warehouse). */
  tableStats(input: ServedTableRef): Promise<{ rows: number; checksum: string }>;
}

export interface OpenServingStoreInput {
  /** FACTORY_SERVING_URL. */
  url: string;
  /** '<domain>.<table>' of every served table (domains/serving-checks.ts servedTables). */
  served: readonly string[];
  /** Apply pending migrations first (creates the database if missing). Default true. */
  migrate?: boolean;
  maxConnections?: number;
}

/**
 * Session settings: UTC and ISO dates, so staged text reads back unchanged and the checksum renders
 * the canonical text; hex bytea; UTF-8.
 */
const SESSION_OPTIONS = ['TimeZone=UTC', 'DateStyle=ISO', 'extra_float_digits=3', 'bytea_output=hex', 'standard_conforming_strings=on', 'client_encoding=UTF8']
  .map((s) => `-c ${s}`).join(' ');

export async function openServingStore(input: OpenServingStoreInput): Promise<ServingStore> {
  if (input.migrate !== false) await migrateServingStore({ url: input.url });
  const pool = new pg.Pool({ connectionString: input.url, max: input.maxConnections ?? 10, options: SESSION_OPTIONS });
  // An idle client losing its connection (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return new ServingStore(pool, new Set(input.served));
}

const qualifiedOf = ({ domain, table }: ServedTableRef): string => `${domain}.${table.name}`;

export class ServingStore implements ServingStoreWrites {
  private readonly ensured = new Map<string, Promise<void>>();

  constructor(readonly pool: pg.Pool, private readonly served: ReadonlySet<string>) {}

  serves(qualified: string): boolean {
    return this.served.has(qualified);
  }

  /** The served table exists with the contract's layout (created on first use; concurrent callers wait on one lock). */
  ensureTable(ref: ServedTableRef): Promise<void> {
    const qualified = qualifiedOf(ref);
    if (!this.served.has(qualified)) return Promise.reject(new Error(`serving store: ${qualified} belongs to no product served in real time`));
    let ensured = this.ensured.get(qualified);
    if (!ensured) {
      ensured = this.transaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`serving:${qualified}`]);
        const layout = layoutOf(ref.table);
        const { rows } = await client.query<{ layout: string }>('SELECT layout FROM serving.served_tables WHERE table_ref = $1', [qualified]);
        const before = rows[0]?.layout;
        if (before !== undefined && before !== layout && addedColumns(before, layout).length > 0) {
          // Columns the contract added (an accepted schema change) are added, empty until their first change or backfill.
          for (const sql of addColumnsSql(qualified, ref.table, addedColumns(before, layout))) await client.query(sql);
          await client.query('UPDATE serving.served_tables SET layout = $2 WHERE table_ref = $1', [qualified, layout]);
        } else if (before !== undefined && before !== layout) {
          throw new Error(`serving store: ${qualified} was created with columns (${before}); the contract now declares (${layout}) — drop table ${servingTable(qualified)} in the store, delete its row of serving.served_tables and backfill it again`);
        }
        for (const sql of createTableSql(qualified, ref.table)) await client.query(sql);
        if (!rows[0]) await client.query('INSERT INTO serving.served_tables (table_ref, layout) VALUES ($1, $2)', [qualified, layout]);
      });
      ensured.catch(() => this.ensured.delete(qualified));
      this.ensured.set(qualified, ensured);
    }
    return ensured;
  }

  async loadChunk(input: ServedTableRef & { file: string; loadId: string; sourcePosition: string }): Promise<{ rows: number }> {
    const qualified = qualifiedOf(input);
    await this.ensureTable(input);
    return this.transaction(async (client) => {
      await client.query(createStageSql(qualified, input.table, 'chunk', []));
      const rows = await this.copyInto(client, 'chunk', input.file, qualified);
      await client.query(loadChunkSql(qualified, input.table), [input.sourcePosition, input.loadId]);
      return { rows };
    });
  }

  async finishLoad(input: ServedTableRef & { loadId: string; sourcePosition: string }): Promise<{ swept: number }> {
    const qualified = qualifiedOf(input);
    await this.ensureTable(input);
    return this.transaction(async (client) => {
      const done = await client.query<{ swept: number }>('SELECT swept FROM serving.backfills WHERE table_ref = $1 AND load_id = $2', [qualified, input.loadId]);
      if (done.rows[0]) return { swept: done.rows[0].swept };
      const swept = (await client.query(sweepLoadSql(qualified, input.table), [input.sourcePosition, input.loadId])).rowCount ?? 0;
      await client.query('INSERT INTO serving.backfills (table_ref, load_id, source_position, swept) VALUES ($1, $2, $3, $4)', [qualified, input.loadId, input.sourcePosition, swept]);
      return { swept };
    });
  }

  async applyChanges(input: ServedTableRef & { file: string }): Promise<{ changes: number }> {
    const qualified = qualifiedOf(input);
    await this.ensureTable(input);
    return this.transaction(async (client) => {
      await client.query(createStageSql(qualified, input.table, 'batch', changeMetaColumns));
      const changes = await this.copyInto(client, 'batch', input.file, qualified);
      const { rows } = await client.query<{ at: string | null }>(`SELECT max("_position") AS at FROM "batch" WHERE "_op" = 't'`);
      const truncatedAt = rows[0]?.at ?? null;
      if (truncatedAt !== null) await client.query(truncateSql(qualified, input.table), [truncatedAt]);
      await client.query(applyBatchSql(qualified, input.table), [truncatedAt]);
      return { changes };
    });
  }

  async eraseSubject({ plan, id, contracts }: { plan: ErasurePlan; id: string; contracts: Record<string, TableContract> }): Promise<{ tables: Array<{ table: string; rows: number }> }> {
    const reached = plan.tables.filter((t) => this.served.has(`${t.domain}.${t.table}`));
    for (const t of reached) await this.ensureTable({ domain: t.domain, table: contracts[`${t.domain}.${t.table}`]! });
    return this.transaction(async (client) => {
      // Every reaching value first (a delete clears the columns later tables are reached through).
      const values = new Map<string, string[]>([[plan.key, [id]]]);
      const steps: Array<{ qualified: string; sql: string; params: unknown[] }> = [];
      for (const t of reached) {
        const qualified = `${t.domain}.${t.table}`;
        const contract = contracts[qualified]!;
        const params: unknown[] = [];
        const conditions = t.vias.filter((v) => values.has(v.from)).map((v) => {
          params.push(values.get(v.from));
          return reachedSql(v.column, `$${params.length}`);
        });
        // Reached only through a table the store does not serve: nothing here can name the subject's rows.
        if (conditions.length === 0) continue;
        const where = `(${conditions.join(' OR ')})`;
        if (t.collects) {
          const { rows } = await client.query<{ value: string }>(collectSql(qualified, t.collects, where), params);
          values.set(`${qualified}.${t.collects}`, rows.map((r) => r.value));
        }
        steps.push({ qualified, sql: eraseSql(qualified, contract, t.action, t.nulled, where), params });
      }
      const tables: Array<{ table: string; rows: number }> = [];
      for (const step of steps) tables.push({ table: step.qualified, rows: (await client.query(step.sql, step.params)).rowCount ?? 0 });
      return { tables };
    });
  }

  async tableStats(input: ServedTableRef): Promise<{ rows: number; checksum: string }> {
    await this.ensureTable(input);
    const { rows } = await this.pool.query<{ row_count: string; checksum: string }>(statsSql(qualifiedOf(input), input.table));
    return { rows: Number(rows[0]!.row_count), checksum: rows[0]!.checksum };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async copyInto(client: pg.PoolClient, stage: string, file: string, qualified: string): Promise<number> {
    const copy = client.query(copyStreams.from(copyStageSql(stage)));
    try {
      await pipeline(createReadStream(file), copy);
    } catch (error) {
      // PostgreSQL's COPY errors quote the offending line, which may hold personal data: keep where and why.
      const e = error as { code?: string; where?: string; message: string };
      throw new Error(`serving store: copying ${file} into ${qualified} failed (${e.code ?? 'io'}): ${e.message.split('\n')[0]!.replace(/".*"/g, '"…"').slice(0, 200)}`);
    }
    return Number(copy.rowCount);
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
