import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { createDuckDbWarehouse, duckDbStorageVersion } from '../connectors/duckdb/warehouse.js';
import { createPostgresSource } from '../connectors/postgres/source.js';
import { checksumColumnsOf } from '../core/checksum.js';
import { parseConfig } from '../core/config.js';
import { duckDbColumnType } from '../core/warehouse-types.js';
import { loadDomains } from '../domains/load.js';
import { spawnWorker } from '../test/support/processes.js';
import { connectClient } from '../test/support/temporal.js';
import { backfillTableWorkflowType, type BackfillTableWorkflow } from '../workflows/api/backfill-table.js';
import { phaseBreakdown } from './lib/backfill-phases.js';
import { backfillShapes, shapeDeclaration } from './lib/backfill-shapes.js';
import { CpuMeter, type PhaseCpu } from './lib/cpu.js';
import { peakRssMb, repeatRuns, round, say, settleDisk, timed } from './lib/measure.js';
import { peerRun } from './lib/peer.js';
import { rawTransfer } from './lib/raw-transfer.js';
import { benchDatabase, ensureGenerated } from './lib/source-db.js';
import { benchWarehouse, type BenchWarehouse } from './lib/warehouse.js';

/**
 * Backfill throughput, in one run on one machine: (d) the copy limit (PostgreSQL COPY → CSV file →
 * DuckDB COPY, no per-row JavaScript, the warehouse's storage format); (p) the peer a user would
 * pick instead, DuckDB's postgres extension (`CREATE TABLE … AS SELECT * FROM` the attached source,
 * parallel binary COPY; bench/lib/peer.ts) as it runs by default, and (p') the same writing the
 * storage format our warehouse creates (`peer_same_format_rows_s`, `ratio_vs_peer_same_format`); (a) a raw transfer through our source reader and the warehouse's bulk path
 * without Temporal, `--concurrency` chunks at once as the workflow runs them; (b) the backfill
 * workflow with separate worker processes; (c) naive row INSERTs; (e) the workflow's phases one by
 * one with their CPU (bench/lib/backfill-phases.ts), printed as `cpu_<phase>_<node|pg>_s`. (b) and (p)
 * also print their whole CPU (`*_cpu_s`: worker or peer processes plus the PostgreSQL backends).
 * `--shape lineitem` (default) is TPC-H's 16-column LINEITEM, `--shape booking` a 10-column booking.
 * (p), (p'), (a) and (b) run `--runs` times (3) and report their median run: single runs on a shared machine
 * vary by ±10 %. (b)'s runs are consecutive backfills of the table on the same two workers, as on a
 * long-running deployment; the first, on workers that have served nothing yet, is also printed
 * (`factory_first_rows_s`).
 * `--warehouse bigquery` runs (a) and (b) on BigQuery (the local emulator by default); the copy limit,
 * the peer, the naive path and the phases stay on DuckDB: BigQuery has no bulk path without load
 * jobs (which is (a)), and one DML INSERT per row is quota-bound and billed per statement.
 */

const options = {
  rows: { type: 'string', default: '3000000' },
  shape: { type: 'string', default: 'lineitem' },
  'naive-rows': { type: 'string', default: '100000' },
  'chunk-rows': { type: 'string', default: '500000' },
  concurrency: { type: 'string', default: '2' },
  // The peer, the raw transfer and the workflow each run this many times; their median run is reported.
  runs: { type: 'string', default: '3' },
  warehouse: { type: 'string', default: 'duckdb' },
  // The generated source is kept per database, shape and size: a small trial run in a database of
  // its own leaves the large table of the usual database as it is (generating 10M rows takes minutes).
  'source-db': { type: 'string', default: 'factory_bench' },
  json: { type: 'boolean', default: false },
} as const;

/** The measured table of one shape and the SQL pieces the baselines need. */
function benchTable(shapeName: string) {
  const shape = backfillShapes[shapeName];
  if (!shape) throw new Error(`--shape: expected ${Object.keys(backfillShapes).join(' or ')}, got '${shapeName}'`);
  const declaration = shapeDeclaration(shape);
  const table = loadDomains([declaration]).table(`bench.${shape.table.name}`);
  return {
    shapeName, shape, declaration, table,
    ref: { schema: table.source.schema, table: table.source.table },
    sourceTable: `"${table.source.schema}"."${table.source.table}"`,
    quotedColumns: table.columns.map((c) => `"${c.name}"`).join(', '),
    duckDdl: `CREATE TABLE target (${table.columns.map((c) => `"${c.name}" ${duckDbColumnType(c)}`).join(', ')})`,
  };
}
type BenchTable = ReturnType<typeof benchTable>;

async function ensureSource(t: BenchTable, adminUrl: string, rows: number, database: string): Promise<string> {
  const url = await benchDatabase(adminUrl, database);
  await ensureGenerated({
    url, table: t.sourceTable, marker: `${t.shapeName} rows=${rows}`, what: `${rows.toLocaleString('en')} ${t.shapeName} rows`,
    sql: `CREATE SCHEMA IF NOT EXISTS "BENCH"; ${t.shape.generateSql(rows)}`,
    // Hint bits and the visibility map set now, so no timed read pays for them.
    finish: [`VACUUM (ANALYZE) ${t.sourceTable}`],
  });
  return url;
}

/** (d) PostgreSQL COPY to a CSV file, DuckDB COPY from it: the machine's copy limit. */
async function copyLimit({ sourceTable, quotedColumns, duckDdl }: BenchTable, url: string, dir: string): Promise<number> {
  const file = join(dir, 'limit.csv');
  const instance = await DuckDBInstance.create(join(dir, 'limit.duckdb'), { storage_compatibility_version: duckDbStorageVersion });
  const duck = await instance.connect();
  await duck.run(duckDdl);
  const { seconds } = await timed(async () => {
    const client = new pg.Client({ connectionString: url, options: '-c DateStyle=ISO -c TimeZone=UTC' });
    await client.connect();
    await pipeline(client.query(copyStreams.to(`COPY (SELECT ${quotedColumns} FROM ${sourceTable}) TO STDOUT WITH (FORMAT csv)`)), createWriteStream(file));
    await client.end();
    await duck.run(`COPY target FROM '${file}' (FORMAT csv, HEADER false, NULL '', ALLOW_QUOTED_NULLS false)`);
  });
  duck.closeSync();
  await rm(file, { force: true });
  return seconds;
}

/** (a) our reader and bulk path in one process, the workflow's chunk concurrency, no Temporal. */
async function rawTransferRun({ table }: BenchTable, url: string, dir: string, chunkRows: number, concurrency: number, target: BenchWarehouse) {
  const warehouse = await target.open('raw');
  try {
    // A load id of its own: on BigQuery the warehouse (and a load swapped in there) outlives the run.
    const loadId = `raw_${Date.now().toString(36)}`;
    return await rawTransfer({ url, warehouse, domain: 'bench', table, stagingDir: join(dir, 'raw-staging'), chunkRows, concurrency, loadId });
  } finally {
    await warehouse.close();
  }
}

/** (b) the backfill workflow on the local stack, with a source worker and a warehouse owner as processes. */
async function factoryBackfill({ table, declaration }: BenchTable, url: string, dir: string, chunkRows: number, concurrency: number, target: BenchWarehouse, meter: CpuMeter, runs: number) {
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
    // The bench table is in no change capture, so the handover check has nothing to wait for; off,
    // the bench needs no Kafka Connect (with it on, an unreachable Connect fails the run after retries).
    FACTORY_CAPTURE_CHECK: 'off',
  };
  const [general, warehouse] = await Promise.all([spawnWorker('general', declarationsFile, env), spawnWorker('warehouse', declarationsFile, env)]);
  const { client, close } = await connectClient(parseConfig({ ...process.env, ...env }));
  try {
    const measured = await repeatRuns(runs, async (run) => {
      const { result, cpu } = await meter.measure(() =>
        client.workflow.execute<BackfillTableWorkflow>(backfillTableWorkflowType, {
          taskQueue: env.TEMPORAL_TASK_QUEUE,
          workflowId: `backfill:bench.${table.name}-${stamp}-${run}`,
          args: [{ domain: 'bench', table: table.name, chunkRows, concurrency, warehouseTaskQueue: env.TEMPORAL_WAREHOUSE_TASK_QUEUE }],
        }),
      () => [general.child.pid!, warehouse.child.pid!]);
      return { result, seconds: cpu.wall_s, cpu };
    }, (r) => r.seconds);
    const rss = Math.max(peakRssMb(general.child.pid!), peakRssMb(warehouse.child.pid!));
    return { runs: measured, rss };
  } finally {
    await close();
    await Promise.all([general.stop(), warehouse.stop()]);
  }
}

/** (c) one INSERT per row, the path bulk loading exists to avoid. */
async function naiveInserts({ table, sourceTable, duckDdl }: BenchTable, url: string, dir: string, rows: number): Promise<number> {
  const instance = await DuckDBInstance.create(join(dir, 'naive.duckdb'));
  const duck = await instance.connect();
  await duck.run(duckDdl);
  const client = new pg.Client({ connectionString: url, options: '-c DateStyle=ISO -c TimeZone=UTC' });
  await client.connect();
  const { seconds } = await timed(async () => {
    const cast = table.columns.map((c) => `"${c.name}"::text`).join(', ');
    const order = (table.primaryKey ?? []).map((k) => `"${k}"`).join(', ');
    const { rows: data } = await client.query<string[]>({ text: `SELECT ${cast} FROM ${sourceTable} ORDER BY ${order} LIMIT ${rows}`, rowMode: 'array' });
    const insert = await duck.prepare(`INSERT INTO target VALUES (${table.columns.map((_, i) => `$${i + 1}`).join(', ')})`);
    for (const row of data) {
      row.forEach((v, i) => (v === null ? insert.bindNull(i + 1) : insert.bindVarchar(i + 1, v)));
      await insert.run();
    }
  });
  await client.end();
  duck.closeSync();
  return seconds;
}

/** `cpu_<phase>_node_s` / `cpu_<phase>_pg_s` keys of the phase breakdown. */
function cpuKeys(phases: Record<string, PhaseCpu>): Record<string, number> {
  return Object.fromEntries(Object.entries(phases).flatMap(([phase, c]) => [[`cpu_${phase}_node_s`, round(c.node_cpu_s)], [`cpu_${phase}_pg_s`, round(c.pg_cpu_s)]]));
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options });
  const t = benchTable(values.shape);
  const { table, ref } = t;
  const rows = Number(values.rows);
  const chunkRows = Number(values['chunk-rows']);
  const concurrency = Number(values.concurrency);
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected a whole number of at least 1, got '${values.runs}'`);
  const naiveRows = Math.min(Number(values['naive-rows']), rows);
  const config = parseConfig(process.env);
  const url = await ensureSource(t, config.FACTORY_SOURCE_URL, rows, values['source-db']);
  const dir = await mkdtemp(join(tmpdir(), 'factory-bench-'));
  const target = benchWarehouse(values.warehouse, config, dir);
  const meter = await CpuMeter.open(url);
  try {
    const source = createPostgresSource({ url, system: 'db2' });
    const expected = await source.tableChecksum({ ref, checksumColumns: checksumColumnsOf(table) });
    // The extension reads CHAR(n) without its padding (as VARCHAR): the peer's values are compared
    // with CHAR columns trimmed on both sides, so peer_exact says whether it copied the same values.
    const peerColumns = checksumColumnsOf(table).map((c) => (c.type.kind === 'CHAR' ? { ...c, padding: 'trim' as const } : c));
    const peerExpected = await source.tableChecksum({ ref, checksumColumns: peerColumns });
    await source.close();

    settleDisk();
    say('(d) copy limit: PostgreSQL COPY → CSV file → DuckDB COPY');
    const limitS = await copyLimit(t, url, dir);
    say(`    ${round(limitS)} s`);
    settleDisk();
    say('(p) peer: DuckDB postgres extension, CREATE TABLE … AS SELECT * FROM the attached source');
    const peerRunsOf = (storageVersion: string | undefined) => repeatRuns(runs, async (run) => {
      const databaseFile = join(dir, `peer-${run}.duckdb`);
      const measured = await meter.measure(() => peerRun({ url, ...ref, databaseFile, checksumColumns: peerColumns, storageVersion }));
      await rm(databaseFile, { force: true });
      return measured;
    }, (r) => r.result.seconds);
    const peerRuns = await peerRunsOf(undefined);
    const peer = peerRuns.median;
    say(`    duckdb ${peer.result.duckdbVersion}`);
    say(`(p') the peer writing the warehouse's storage format (${duckDbStorageVersion}) instead of DuckDB's default`);
    const peerSameFormatRuns = await peerRunsOf(duckDbStorageVersion);
    say(`(a) raw transfer: our reader and the ${target.kind} bulk path, one process, ${concurrency} chunks at once, no Temporal`);
    const rawRuns = await repeatRuns(runs, () => rawTransferRun(t, url, dir, chunkRows, concurrency, target), (r) => r.seconds);
    const raw = rawRuns.median;
    say(`(b) factory: backfillTable workflow into ${target.kind}, source worker + warehouse owner processes`);
    const factoryRuns = await factoryBackfill(t, url, dir, chunkRows, concurrency, target, meter, runs);
    const factory = factoryRuns.runs.median;
    say(`    median ${round(factory.seconds)} s, worker peak RSS ${factoryRuns.rss} MB`);
    settleDisk();
    say(`(c) naive: one INSERT per row, ${naiveRows.toLocaleString('en')} rows`);
    const naiveS = await naiveInserts(t, url, dir, naiveRows);
    say(`    ${round(naiveS)} s`);
    settleDisk();
    say('(e) the workflow\'s phases one by one, with their CPU (DuckDB)');
    const phaseWarehouse = await createDuckDbWarehouse({ path: join(dir, 'phases.duckdb') });
    const phases = await phaseBreakdown({
      url, warehouse: phaseWarehouse, domain: 'bench', table, stagingDir: join(dir, 'phase-staging'), chunkRows, loadId: 'phases', meter,
    }).finally(() => phaseWarehouse.close());
    for (const [phase, c] of Object.entries(phases)) say(`    ${phase}: ${c.wall_s} s wall, ${c.node_cpu_s} s node+duckdb CPU, ${c.pg_cpu_s} s PostgreSQL CPU`);

    const exact = expected.rows === rows &&
      rawRuns.all.every(({ result }) => result.validated.rows === expected.rows && result.validated.checksum === expected.checksum && result.exported.checksum === expected.checksum) &&
      factoryRuns.runs.all.every(({ result }) => result.rows === expected.rows && result.checksum === expected.checksum);
    // The peer copies values without a proof; our checksum of its table says whether they are the same values.
    const peerExact = [...peerRuns.all, ...peerSameFormatRuns.all].every(({ result }) => result.rows === peerExpected.rows && result.checksum === peerExpected.checksum);
    const factoryRowsS = rows / factory.seconds;
    const rawRowsS = rows / raw.seconds;
    const peerRowsS = rows / peer.result.seconds;
    const peerSameFormatRowsS = rows / peerSameFormatRuns.median.result.seconds;
    const naiveRowsS = naiveRows / naiveS;
    const limitRowsS = rows / limitS;
    const line = {
      bench: 'backfill',
      warehouse: target.kind,
      shape: values.shape,
      columns: table.columns.length,
      rows,
      concurrency,
      runs,
      factory_rows_s: Math.round(factoryRowsS),
      factory_first_rows_s: Math.round(rows / factoryRuns.runs.all[0]!.seconds),
      raw_rows_s: Math.round(rawRowsS),
      peer_rows_s: Math.round(peerRowsS),
      peer_same_format_rows_s: Math.round(peerSameFormatRowsS),
      naive_rows_s: Math.round(naiveRowsS),
      limit_rows_s: Math.round(limitRowsS),
      ratio_vs_raw: round(factoryRowsS / rawRowsS),
      ratio_vs_peer: round(factoryRowsS / peerRowsS),
      ratio_vs_peer_same_format: round(factoryRowsS / peerSameFormatRowsS),
      ratio_vs_naive: round(factoryRowsS / naiveRowsS),
      ratio_vs_limit: round(factoryRowsS / limitRowsS),
      factory_cpu_s: round(factory.cpu.node_cpu_s + factory.cpu.pg_cpu_s),
      factory_pg_cpu_s: round(factory.cpu.pg_cpu_s),
      peer_cpu_s: round(peer.result.cpuSeconds + peer.cpu.pg_cpu_s),
      peer_pg_cpu_s: round(peer.cpu.pg_cpu_s),
      ...cpuKeys(phases),
      worker_peak_rss_mb: factoryRuns.rss,
      exact,
      peer_exact: peerExact,
    };
    console.log(values.json ? JSON.stringify(line) : line);
    if (!exact) process.exitCode = 1;
  } finally {
    await meter.close();
    await target.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}
