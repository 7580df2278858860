import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { qualifiedName, type TableEntry } from '../../domains/dependencies.js';
import { cascadeIndexColumns } from './cascade.js';
import { createSchemaSql, createTableSql, indexSql, keySql, qualifiedSourceName, quoteIdent } from './ddl.js';
import { writeTable } from './generate.js';
import { planSeed, type SeedPlan, type TablePlan } from './plan.js';

/**
 * `factory source seed`: creates the demo source (DB2-shaped schemas in PostgreSQL) and fills it
 * through COPY, streamed in chunks, tables in dependency order, two at a time by default (one
 * PostgreSQL backend each; generation is cheap next to PostgreSQL's parsing and index builds).
 * Seeding refuses a database that already has the demo schemas unless `reset` drops them first.
 */

/** Tables the change simulator deletes from; their dependants get indexes for the cascade. */
export const cascadeRoot = 'booking.booking';
/** Recorded on each demo schema so `simulate` can regenerate values consistent with the seed. */
export const seedCommentPrefix = 'factory demo source:';

export class SeedRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedRefusedError';
  }
}

export interface SeedOptions {
  url: string;
  registry: { allTables(): TableEntry[] };
  scale: number;
  seed?: number;
  reset?: boolean;
  /** Tables loaded at the same time (default 2). */
  concurrency?: number;
  log?: (line: string) => void;
}

export interface SeedTableResult {
  table: string;
  source: string;
  rows: number;
  seconds: number;
}

export interface SeedResult {
  scale: number;
  seed: number;
  tables: SeedTableResult[];
  rows: number;
  /** Rows of booking.booking + booking.booking_line. */
  bookingRows: number;
  seconds: number;
  rowsPerSecond: number;
}

const formatInt = (n: number) => n.toLocaleString('en-US');

export async function demoSchemasPresent(client: pg.ClientBase, schemas: readonly string[]): Promise<string[]> {
  const result = await client.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE nspname = ANY($1) ORDER BY nspname', [schemas]);
  return result.rows.map((r) => r.nspname);
}

async function loadTable(client: pg.Client, plan: SeedPlan, tp: TablePlan, indexColumns: readonly string[]): Promise<number> {
  const target = qualifiedSourceName(tp.table);
  await client.query('BEGIN');
  try {
    await client.query(createTableSql(tp.table));
    // FREEZE: the table was created in this transaction, so rows can be written frozen (no hint-bit rewrite on first read).
    const stream = client.query(copyFrom(`COPY ${target} FROM STDIN WITH (FORMAT text, FREEZE)`));
    const rows = await writeTable(plan, tp, async (chunk) => {
      if (!stream.write(chunk)) await once(stream, 'drain');
    });
    stream.end();
    await finished(stream);
    await client.query('COMMIT');
    for (const sql of keySql(tp.table)) await client.query(sql);
    for (const column of indexColumns) await client.query(indexSql(tp.table, column));
    return rows;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

export async function seedSource(options: SeedOptions): Promise<SeedResult> {
  const seed = options.seed ?? 1;
  const log = options.log ?? (() => undefined);
  const plan = planSeed(options.registry, { scale: options.scale, seed });
  const schemas = [...new Set(plan.tables.map((t) => t.table.source.schema))];
  const indexes = cascadeIndexColumns(options.registry, cascadeRoot);
  const started = performance.now();

  const admin = new pg.Client({ connectionString: options.url });
  await admin.connect();
  try {
    const present = await demoSchemasPresent(admin, schemas);
    if (present.length > 0 && !options.reset) {
      throw new SeedRefusedError(`the source database already has demo schemas ${present.join(', ')} — run with --reset to drop and recreate them`);
    }
    for (const schema of present) await admin.query(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`);
    for (const schema of schemas) {
      await admin.query(createSchemaSql(schema));
      await admin.query(`COMMENT ON SCHEMA ${quoteIdent(schema)} IS '${seedCommentPrefix} scale=${plan.scale} seed=${seed}'`);
    }
    log(`seeding ${plan.tables.length} tables at scale ${plan.scale} (seed ${seed}): ${formatInt(plan.volumes.bookings)} bookings, ${formatInt(plan.volumes.customers)} customers`);

    const results = await loadAll(options, plan, indexes, log);
    await admin.query(`ANALYZE ${plan.tables.map((t) => qualifiedSourceName(t.table)).join(', ')}`);

    const seconds = (performance.now() - started) / 1000;
    const rows = results.reduce((n, r) => n + r.rows, 0);
    const bookingRows = results.filter((r) => r.table === 'booking.booking' || r.table === 'booking.booking_line').reduce((n, r) => n + r.rows, 0);
    const rowsPerSecond = Math.round(rows / seconds);
    log(`seeded ${formatInt(rows)} rows in ${seconds.toFixed(1)} s (${formatInt(rowsPerSecond)} rows/s); booking rows: ${formatInt(bookingRows)} (booking + booking_line)`);
    return { scale: plan.scale, seed, tables: results, rows, bookingRows, seconds, rowsPerSecond };
  } finally {
    await admin.end();
  }
}

/** Runs the tables through `concurrency` connections; a table starts once the tables it references are loaded. */
async function loadAll(options: SeedOptions, plan: SeedPlan, indexes: { entry: TableEntry; column: string }[], log: (line: string) => void): Promise<SeedTableResult[]> {
  const results: SeedTableResult[] = [];
  const done = new Map<string, Promise<void>>();
  const settle = new Map<string, () => void>();
  for (const tp of plan.tables) done.set(tp.name, new Promise<void>((resolve) => settle.set(tp.name, resolve)));
  const queue = [...plan.tables];
  let failed = false;
  const worker = async () => {
    const client = new pg.Client({ connectionString: options.url });
    await client.connect();
    try {
      for (let tp = queue.shift(); tp !== undefined; tp = queue.shift()) {
        const parents = tp.table.columns.flatMap((c) => (c.references ? [c.references.split('.').slice(0, 2).join('.')] : [])).filter((p) => p !== tp!.name);
        await Promise.all(parents.map((p) => done.get(p)));
        if (failed) return;
        const t0 = performance.now();
        const indexColumns = indexes.filter((i) => qualifiedName(i.entry) === tp!.name).map((i) => i.column);
        const rows = await loadTable(client, plan, tp, indexColumns);
        const seconds = (performance.now() - t0) / 1000;
        results.push({ table: tp.name, source: `${tp.table.source.schema}.${tp.table.source.table}`, rows, seconds });
        log(`  ${tp.name.padEnd(36)} ${`${tp.table.source.schema}.${tp.table.source.table}`.padEnd(24)} ${formatInt(rows).padStart(12)} rows ${seconds.toFixed(1).padStart(7)} s`);
        settle.get(tp.name)!();
      }
    } catch (error) {
      // Wake the other connection, which may be waiting for a table this one will never load.
      failed = true;
      for (const resolve of settle.values()) resolve();
      throw error;
    } finally {
      await client.end();
    }
  };
  const workers = Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker);
  await Promise.all(workers);
  return results.sort((a, b) => plan.tables.findIndex((t) => t.name === a.table) - plan.tables.findIndex((t) => t.name === b.table));
}

/** Reads the scale and seed a database was seeded with (from the schema comment); undefined when not seeded. */
export async function readSeedParameters(client: pg.ClientBase, schema: string): Promise<{ scale: number; seed: number } | undefined> {
  const result = await client.query<{ comment: string | null }>('SELECT obj_description(oid, \'pg_namespace\') AS comment FROM pg_namespace WHERE nspname = $1', [schema]);
  const comment = result.rows[0]?.comment ?? '';
  const match = new RegExp(`^${seedCommentPrefix} scale=([0-9.eE+-]+) seed=(\\d+)`).exec(comment);
  return match ? { scale: Number(match[1]), seed: Number(match[2]) } : undefined;
}
