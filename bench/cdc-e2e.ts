import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { seedSource } from '../cli/source/seed.js';
import type { SimulateResult } from '../cli/source/simulate.js';
import { IngestPipeline, type CaptureTopic } from '../connectors/cdc/pipeline.js';
import { createKafka } from '../connectors/kafka/client.js';
import { topicOf } from '../connectors/kafka-connect/debezium.js';
import { createPostgresSource } from '../connectors/postgres/source.js';
import { checksumColumnsOf } from '../core/checksum.js';
import { parseConfig } from '../core/config.js';
import { registry } from '../domains/index.js';
import { registerCapture } from '../test/support/capture.js';
import { createScratchDatabase } from '../test/support/postgres.js';
import { freshnessKeys, waitForLag } from './lib/cdc-workload.js';
import { round, say } from './lib/measure.js';
import { lagGrew, sampleLagDuring } from './lib/rate-search.js';
import { simulateInProcess } from './lib/simulate-process.js';
import { TimedWarehouse } from './lib/timed-warehouse.js';
import { benchWarehouse } from './lib/warehouse.js';

/**
 * Change capture end to end, on the real path: the change simulator (`factory source simulate`)
 * writes to a PostgreSQL source of the demo's shape at `--rate` row changes per second (the events
 * change capture sees; an operation changes 1–6 rows), in one transaction per 100 ms; Debezium in
 * the stack's Kafka Connect (a connector of this run's own, removed with its topics at the end)
 * writes the changes to Kafka; the ingest pipeline (the code the cdcIngest activity leases) applies
 * them into DuckDB. Freshness counts from each change's source commit (source.ts_ms) to its warehouse
 * commit; the capture delay (source commit → Kafka record) is the part the pipeline cannot shorten:
 * it is the baseline this bench compares the pipeline's share with. At the end the warehouse must
 * equal the source, table by table (row count and content checksum, as `factory verify` compares).
 */

const domain = 'booking';

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      rate: { type: 'string', default: '2000' },
      seconds: { type: 'string', default: '120' },
      'warmup-seconds': { type: 'string', default: '10' },
      scale: { type: 'string', default: '0.01' },
      json: { type: 'boolean', default: false },
    },
  });
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const config = parseConfig(process.env);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'bench-cdc-e2e' });
  const stamp = Date.now().toString(36);
  const topicPrefix = `benche2e${stamp}`;
  const dir = await mkdtemp(join(tmpdir(), 'factory-bench-cdc-e2e-'));
  const tables = registry.domain(domain).tables;
  say(`source: a scratch database seeded at scale ${values.scale}, the ${domain} tables then emptied (the warehouse starts from them empty)`);
  const scratch = await createScratchDatabase(config.FACTORY_SOURCE_URL, `factory_bench_e2e_${stamp}`);
  let capture: Awaited<ReturnType<typeof registerCapture>> | undefined;
  let pipeline: IngestPipeline | undefined;
  const target = benchWarehouse('duckdb', config, dir);
  const warehouse = await target.open('cdc-e2e');
  const timedWrites = new TimedWarehouse(warehouse);
  try {
    await seedSource({ url: scratch.url, registry, scale: Number(values.scale), seed: 7 });
    await emptyTables(scratch.url, tables.map((t) => `"${t.source.schema}"."${t.source.table}"`));
    // The topics first, stamped by the broker (LogAppendTime): the capture delay then ends when the
    // change is in Kafka, not when Connect's producer took it, so the broker is on the capture side.
    await createTopics(kafka, tables.map((t) => topicOf(topicPrefix, t.source.schema, t.source.table)));
    capture = await registerCapture({ connectUrl: config.KAFKA_CONNECT_URL, sourceUrl: scratch.url, topicPrefix, registry, domain });
    const topics: CaptureTopic[] = tables.map((table) => ({ topic: topicOf(topicPrefix, table.source.schema, table.source.table), domain, table, sourceSystem: table.source.system }));
    pipeline = new IngestPipeline({ kafka, warehouse: timedWrites.warehouse, consumer: `bench.e2e.${stamp}`, topics, stagingDir: dir });
    await pipeline.start();

    // Warm-up (JIT, connections, the connector's first batches): applied, checked at the end, not timed.
    say(`(1) warm-up: ${values['warmup-seconds']} s at ${rate} row changes/s`);
    pipeline.lease();
    const warm = await simulateInProcess({ url: scratch.url, rate, pace: 'rows', seconds: Number(values['warmup-seconds']), seed: 11 });
    await drained(pipeline, scratch.url, warehouse, tables, 120_000);
    const warmStats = await pipeline.release();
    timedWrites.reset();

    say(`(2) steady: ${seconds} s at ${rate} row changes/s`);
    pipeline.lease();
    const started = Date.now();
    const { result: steady, samples: lagSamples } = await sampleLagDuring(pipeline, () => simulateInProcess({ url: scratch.url, rate, pace: 'rows', seconds, seed: 12 }));
    const converged = await drained(pipeline, scratch.url, warehouse, tables, 180_000);
    const stats = await pipeline.release();
    const elapsed = (Date.now() - started) / 1000;
    const writeKeys = timedWrites.keys(elapsed);
    const fresh = freshnessKeys(stats.freshness);
    const lag = lagGrew(lagSamples, rate);
    const sourceChanges = rowChanges(steady);
    say(`    source ${steady.operations.total} operations (${sourceChanges} row changes) in ${round(steady.seconds)} s; applied ${stats.applied} changes in ${round(elapsed)} s`);
    say(`    warehouse writes ${stats.writes}, p50/p99 ${writeKeys.p50_write_ms}/${writeKeys.p99_write_ms} ms, busy ${writeKeys.write_busy_share} of the time`);
    say(`    source → warehouse p50/p99 ${fresh.p50_e2e_freshness_ms}/${fresh.p99_e2e_freshness_ms} ms = capture ${fresh.p50_capture_delay_ms}/${fresh.p99_capture_delay_ms} ms + ingest ${fresh.p50_ingest_delay_ms}/${fresh.p99_ingest_delay_ms} ms`);

    const exact = converged.equal && warmStats.deadLettered + stats.deadLettered === 0 && stats.paused.length === 0;
    const line = {
      bench: 'cdc-e2e',
      warehouse: target.kind,
      rate,
      seconds,
      source_ops_s: Math.round(steady.achievedRate),
      source_changes_s: Math.round(sourceChanges / steady.seconds),
      applied_changes_s: Math.round(stats.applied / elapsed),
      ...fresh,
      // The baseline: the capture's p99 alone (Debezium, Connect, Kafka), which no consumer can beat.
      ratio_e2e_vs_capture_p99: fresh.p99_capture_delay_ms && fresh.p99_e2e_freshness_ms !== null ? round(fresh.p99_e2e_freshness_ms / fresh.p99_capture_delay_ms) : null,
      goal_p99_ms: 2000,
      lag_first_quarter: Math.round(lag.first),
      lag_last_quarter: Math.round(lag.last),
      lag_growth: lag.grew,
      writes: stats.writes,
      changes_per_write: stats.writes ? Math.round(stats.applied / stats.writes) : 0,
      ...writeKeys,
      events: stats.events,
      warmup_changes: rowChanges(warm),
      tables: converged.tables,
      converge_s: round(converged.seconds),
      exact,
    };
    console.log(values.json ? JSON.stringify(line) : line);
    if (!exact) {
      say(`    NOT EXACT: ${JSON.stringify(converged.differences)}`);
      process.exitCode = 1;
    }
  } finally {
    await pipeline?.stop();
    await capture?.remove(kafka).catch((error: unknown) => say(`removing capture ${topicPrefix}: ${(error as Error).message}`));
    await deleteDeadLetterTopics(kafka, topicPrefix);
    await warehouse.close();
    await target.cleanup();
    await scratch.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function createTopics(kafka: ReturnType<typeof createKafka>, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 1, configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Row changes the simulator made: inserts, updates and deletes of every table (one Debezium event each). */
function rowChanges(result: SimulateResult): number {
  return Object.values(result.tables).reduce((n, t) => n + t.inserts + t.updates + t.deletes, 0);
}

/** Empties the captured tables, children first (TRUNCATE … CASCADE), before the capture exists: no events. */
async function emptyTables(url: string, qualified: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`TRUNCATE ${qualified.join(', ')} CASCADE`);
  } finally {
    await client.end();
  }
}

interface Converged {
  equal: boolean;
  seconds: number;
  tables: number;
  differences: Array<{ table: string; source: { rows: number; checksum: string }; warehouse: { rows: number; checksum: string } }>;
}

/**
 * Waits until the pipeline has caught up with Kafka and the warehouse equals the source, table by
 * table, by row count and content checksum (what `factory verify` compares): Debezium may still be
 * sending the last changes when the lag first reads 0, so both are asked again until they agree or
 * the time is up.
 */
async function drained(pipeline: IngestPipeline, sourceUrl: string, warehouse: Awaited<ReturnType<ReturnType<typeof benchWarehouse>['open']>>, tables: readonly CaptureTopic['table'][], timeoutMs: number): Promise<Converged> {
  const source = createPostgresSource({ url: sourceUrl, system: 'pg' });
  const started = Date.now();
  try {
    for (;;) {
      await waitForLag(pipeline, 0, timeoutMs);
      // Let a write queued behind the last fetch commit before reading the warehouse.
      await new Promise((r) => setTimeout(r, 500));
      const differences: Converged['differences'] = [];
      for (const table of tables) {
        const [s, w] = await Promise.all([
          source.tableChecksum({ ref: { schema: table.source.schema, table: table.source.table }, checksumColumns: checksumColumnsOf(table) }),
          warehouse.tableStats({ domain, table }),
        ]);
        if (s.rows !== w.rows || s.checksum !== w.checksum) differences.push({ table: `${domain}.${table.name}`, source: s, warehouse: w });
      }
      const seconds = (Date.now() - started) / 1000;
      if (differences.length === 0 || seconds * 1000 > timeoutMs) return { equal: differences.length === 0, seconds, tables: tables.length, differences };
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    await source.close();
  }
}

/** The pipeline's dead-letter topics (`<topic>.dlq`) live under the capture's prefix too; removed with it. */
async function deleteDeadLetterTopics(kafka: ReturnType<typeof createKafka>, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const left = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    if (left.length) await admin.deleteTopics({ topics: left });
  } finally {
    await admin.disconnect();
  }
}
