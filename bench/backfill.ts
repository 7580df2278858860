import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { createPostgresSource } from '../connectors/postgres/source.js';
import { checksumColumnsOf } from '../core/checksum.js';
import { parseConfig } from '../core/config.js';
import { duckDbColumnType } from '../core/warehouse-types.js';
import type { DomainDeclaration } from '../contracts/contract.js';
import { loadDomains } from '../domains/load.js';
import { spawnWorker } from '../test/support/processes.js';
import { connectClient } from '../test/support/temporal.js';
import { backfillTableWorkflowType, type BackfillTableWorkflow } from '../workflows/api/backfill-table.js';
import { peakRssMb, round, say, settleDisk, timed } from './lib/measure.js';
import { rawTransfer } from './lib/raw-transfer.js';
import { benchDatabase, ensureGenerated } from './lib/source-db.js';
import { benchWarehouse, type BenchWarehouse } from './lib/warehouse.js';

/**
 * Backfill throughput, in one run on one machine: (d) the copy limit (PostgreSQL COPY → DuckDB COPY,
 * no per-row JavaScript), (a) a raw transfer through our source reader and the warehouse's bulk path
 * without Temporal, (b) the full backfill workflow with separate worker processes, (c) naive row
 * INSERTs. `--warehouse bigquery` runs (a) and (b) on BigQuery (the local emulator by default); the
 * copy limit and the naive path stay on DuckDB there: BigQuery has no bulk path without load jobs
 * (which is (a)), and one DML INSERT per row is both quota-bound (DML per table) and billed per
 * statement, so nobody would build it — the ratios against them say how far the warehouse's path is
 * from this machine's copy limit and from the per-row path, whichever warehouse it is.
 */

const declaration: DomainDeclaration = {
  name: 'bench',
  description: 'backfill benchmark',
  dpo: { id: 'dpo.bench', name: 'Bench Owner' },
  tables: [
    {
      name: 'booking',
      description: 'booking-like rows, 10 columns',
      source: { system: 'db2', schema: 'BENCH', table: 'BOOKING' },
      primaryKey: ['BOOKING_ID'],
      columns: [
        { name: 'BOOKING_ID', type: 'BIGINT' },
        { name: 'RESORT_CODE', type: 'CHAR(4)' },
        { name: 'STATUS_CODE', type: 'CHAR(1)' },
        { name: 'CUSTOMER_ID', type: 'BIGINT' },
        { name: 'ARRIVAL_DATE', type: 'DATE' },
        { name: 'DEPARTURE_DATE', type: 'DATE' },
        { name: 'TOTAL_AMOUNT', type: 'DECIMAL(12,2)' },
        { name: 'CURRENCY_CODE', type: 'CHAR(3)' },
        { name: 'CREATED_TS', type: 'TIMESTAMP(6)' },
        { name: 'NOTE', type: 'VARCHAR(40)', nullable: true },
      ],
    },
  ],
};
const registry = loadDomains([declaration]);
const table = registry.table('bench.booking');
const ref = { schema: 'BENCH', table: 'BOOKING' };
const columns = table.columns.map((c) => c.name);
const quotedColumns = columns.map((c) => `"${c}"`).join(', ');

async function ensureSource(adminUrl: string, rows: number, database: string): Promise<string> {
  const url = await benchDatabase(adminUrl, database);
  await ensureGenerated({
    url, table: '"BENCH"."BOOKING"', marker: `rows=${rows}`, what: `${rows.toLocaleString('en')} source rows`,
    sql: `DROP SCHEMA IF EXISTS "BENCH" CASCADE; CREATE SCHEMA "BENCH";
      CREATE TABLE "BENCH"."BOOKING" ("BOOKING_ID" int8 NOT NULL, "RESORT_CODE" character(4) NOT NULL, "STATUS_CODE" character(1) NOT NULL,
        "CUSTOMER_ID" int8 NOT NULL, "ARRIVAL_DATE" date NOT NULL, "DEPARTURE_DATE" date NOT NULL, "TOTAL_AMOUNT" numeric(12,2) NOT NULL,
        "CURRENCY_CODE" character(3) NOT NULL, "CREATED_TS" timestamp(6) NOT NULL, "NOTE" varchar(40));
      INSERT INTO "BENCH"."BOOKING" SELECT g, (ARRAY['ALP1','SEA2','MTN','LK4'])[1 + g % 4], (ARRAY['C','X','P'])[1 + g % 3], g / 3,
        date '2024-01-01' + (g % 700), date '2024-01-01' + (g % 700) + 1 + g % 14, round((g % 100000) * 12.37, 2), (ARRAY['EUR','CHF','GBP'])[1 + g % 3],
        timestamp '2023-01-01' + g * interval '3 seconds 17 microseconds', CASE g % 5 WHEN 0 THEN NULL WHEN 1 THEN '' ELSE 'note ' || g END
        FROM generate_series(1, ${rows}) AS g;
      ALTER TABLE "BENCH"."BOOKING" ADD PRIMARY KEY ("BOOKING_ID");
      ANALYZE "BENCH"."BOOKING";`,
  });
  return url;
}

const duckDdl = `CREATE TABLE booking (${table.columns.map((c) => `"${c.name}" ${duckDbColumnType(c)}`).join(', ')})`;

/** (d) PostgreSQL COPY to a CSV file, DuckDB COPY from it: the machine's copy limit. */
async function copyLimit(url: string, dir: string): Promise<number> {
  const file = join(dir, 'limit.csv');
  const instance = await DuckDBInstance.create(join(dir, 'limit.duckdb'));
  const duck = await instance.connect();
  await duck.run(duckDdl);
  const { seconds } = await timed(async () => {
    const client = new pg.Client({ connectionString: url, options: '-c DateStyle=ISO -c TimeZone=UTC' });
    await client.connect();
    await pipeline(client.query(copyStreams.to(`COPY (SELECT ${quotedColumns} FROM "BENCH"."BOOKING") TO STDOUT WITH (FORMAT csv)`)), createWriteStream(file));
    await client.end();
    await duck.run(`COPY booking FROM '${file}' (FORMAT csv, HEADER false, NULL '', ALLOW_QUOTED_NULLS false)`);
  });
  duck.closeSync();
  await rm(file, { force: true });
  return seconds;
}

/** (a) our reader and bulk path in one process, chunk after chunk, no Temporal. */
async function rawTransferRun(url: string, dir: string, chunkRows: number, target: BenchWarehouse) {
  const warehouse = await target.open('raw');
  try {
    // A load id of its own: on BigQuery the warehouse (and a load swapped in there) outlives the run.
    const loadId = `raw_${Date.now().toString(36)}`;
    return await rawTransfer({ url, warehouse, domain: 'bench', table, stagingDir: join(dir, 'raw-staging'), chunkRows, loadId });
  } finally {
    await warehouse.close();
  }
}

/** (b) the backfill workflow on the local stack, with a source worker and a warehouse owner as processes. */
async function factoryBackfill(url: string, dir: string, chunkRows: number, concurrency: number, target: BenchWarehouse) {
  const declarationsFile = join(dir, 'declarations.json');
  await writeFile(declarationsFile, JSON.stringify([declaration]));
  const stamp = Date.now().toString(36);
  const env = {
    FACTORY_SOURCE_URL: url,
    TEMPORAL_TASK_QUEUE: `bench-${stamp}`,
    TEMPORAL_WAREHOUSE_TASK_QUEUE: `bench-wh-${stamp}`,
    ...target.env('factory'),
    FACTORY_STAGING_DIR: join(dir, 'factory-staging'),
    FACTORY_CHUNK_CONCURRENCY: String(concurrency),
    FACTORY_LOG_LEVEL: 'warn',
  };
  const [general, warehouse] = await Promise.all([spawnWorker('general', declarationsFile, env), spawnWorker('warehouse', declarationsFile, env)]);
  const { client, close } = await connectClient(parseConfig({ ...process.env, ...env }));
  try {
    const outcome = await timed(() =>
      client.workflow.execute<BackfillTableWorkflow>(backfillTableWorkflowType, {
        taskQueue: env.TEMPORAL_TASK_QUEUE,
        workflowId: `backfill:bench.booking-${stamp}`,
        args: [{ domain: 'bench', table: 'booking', chunkRows, concurrency, warehouseTaskQueue: env.TEMPORAL_WAREHOUSE_TASK_QUEUE }],
      }),
    );
    const rss = Math.max(peakRssMb(general.child.pid!), peakRssMb(warehouse.child.pid!));
    return { ...outcome, rss };
  } finally {
    await close();
    await Promise.all([general.stop(), warehouse.stop()]);
  }
}

/** (c) one INSERT per row, the path bulk loading exists to avoid. */
async function naiveInserts(url: string, dir: string, rows: number): Promise<number> {
  const instance = await DuckDBInstance.create(join(dir, 'naive.duckdb'));
  const duck = await instance.connect();
  await duck.run(duckDdl);
  const client = new pg.Client({ connectionString: url, options: '-c DateStyle=ISO -c TimeZone=UTC' });
  await client.connect();
  const { seconds } = await timed(async () => {
    const cast = table.columns.map((c) => `"${c.name}"::text`).join(', ');
    const { rows: data } = await client.query<string[]>({ text: `SELECT ${cast} FROM "BENCH"."BOOKING" ORDER BY "BOOKING_ID" LIMIT ${rows}`, rowMode: 'array' });
    const insert = await duck.prepare(`INSERT INTO booking VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`);
    for (const row of data) {
      row.forEach((v, i) => (v === null ? insert.bindNull(i + 1) : insert.bindVarchar(i + 1, v)));
      await insert.run();
    }
  });
  await client.end();
  duck.closeSync();
  return seconds;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      rows: { type: 'string', default: '1000000' },
      'naive-rows': { type: 'string', default: '100000' },
      'chunk-rows': { type: 'string', default: '500000' },
      concurrency: { type: 'string', default: '2' },
      warehouse: { type: 'string', default: 'duckdb' },
      // The generated source is kept per database and size: a small trial run in a database of its
      // own leaves the large table of the usual database as it is (generating 10M rows takes minutes).
      'source-db': { type: 'string', default: 'factory_bench' },
      json: { type: 'boolean', default: false },
    },
  });
  const rows = Number(values.rows);
  const chunkRows = Number(values['chunk-rows']);
  const naiveRows = Math.min(Number(values['naive-rows']), rows);
  const config = parseConfig(process.env);
  const url = await ensureSource(config.FACTORY_SOURCE_URL, rows, values['source-db']);
  const dir = await mkdtemp(join(tmpdir(), 'factory-bench-'));
  const target = benchWarehouse(values.warehouse, config, dir);
  try {
    const source = createPostgresSource({ url, system: 'db2' });
    const expected = await source.tableChecksum({ ref, checksumColumns: checksumColumnsOf(table) });
    await source.close();

    settleDisk();
    say('(d) copy limit: PostgreSQL COPY → CSV file → DuckDB COPY');
    const limitS = await copyLimit(url, dir);
    say(`    ${round(limitS)} s`);
    settleDisk();
    say(`(a) raw transfer: our reader and the ${target.kind} bulk path, one process, no Temporal`);
    const raw = await rawTransferRun(url, dir, chunkRows, target);
    say(`    ${round(raw.seconds)} s`);
    settleDisk();
    say(`(b) factory: backfillTable workflow into ${target.kind}, source worker + warehouse owner processes`);
    const factory = await factoryBackfill(url, dir, chunkRows, Number(values.concurrency), target);
    say(`    ${round(factory.seconds)} s, worker peak RSS ${factory.rss} MB`);
    settleDisk();
    say(`(c) naive: one INSERT per row, ${naiveRows.toLocaleString('en')} rows`);
    const naiveS = await naiveInserts(url, dir, naiveRows);
    say(`    ${round(naiveS)} s`);

    const exact =
      raw.result.validated.rows === expected.rows && raw.result.validated.checksum === expected.checksum &&
      raw.result.exported.checksum === expected.checksum &&
      factory.result.rows === expected.rows && factory.result.checksum === expected.checksum && expected.rows === rows;
    const factoryRowsS = rows / factory.seconds;
    const rawRowsS = rows / raw.seconds;
    const naiveRowsS = naiveRows / naiveS;
    const limitRowsS = rows / limitS;
    const line = {
      bench: 'backfill',
      warehouse: target.kind,
      rows,
      factory_rows_s: Math.round(factoryRowsS),
      raw_rows_s: Math.round(rawRowsS),
      naive_rows_s: Math.round(naiveRowsS),
      limit_rows_s: Math.round(limitRowsS),
      ratio_vs_raw: round(factoryRowsS / rawRowsS),
      ratio_vs_naive: round(factoryRowsS / naiveRowsS),
      ratio_vs_limit: round(factoryRowsS / limitRowsS),
      worker_peak_rss_mb: factory.rss,
      exact,
    };
    console.log(values.json ? JSON.stringify(line) : line);
    if (!exact) process.exitCode = 1;
  } finally {
    await target.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}
