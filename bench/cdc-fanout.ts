import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Admin } from 'kafkajs';
import { IngestPipeline, type CaptureTopic } from '../connectors/cdc/pipeline.js';
import { createKafka } from '../connectors/kafka/client.js';
import type { TableContract } from '../contracts/contract.js';
import { parseConfig, type Config } from '../core/config.js';
import { bookingFix } from '../test/support/cdc-contracts.js';
import { freshnessKeys, produceAtRate, waitForLag, Workload } from './lib/cdc-workload.js';
import { round, say } from './lib/measure.js';
import { lagGrew, sampleLagDuring } from './lib/rate-search.js';
import { TimedWarehouse } from './lib/timed-warehouse.js';
import { benchWarehouse } from './lib/warehouse.js';

/**
 * Change capture across many tables: the same event rate spread evenly over `--tables` tables (a
 * topic each, the booking fixture's columns), applied by the ingest pipeline into DuckDB. The
 * baseline, in the same run, is that rate into one table: what spreading it costs is the warehouse's
 * fixed work per table and write (statements, change log, offsets), which a source of some 350 tables
 * pays on every write that holds many of them. Freshness counts from the event's source.ts_ms
 * (stamped when it is produced: no capture in this bench) to its warehouse commit. Every table must
 * end exactly as its workload says (row count and content checksum).
 */

const domain = 'benchfan';

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      tables: { type: 'string', default: '100' },
      rate: { type: 'string', default: '2000' },
      seconds: { type: 'string', default: '60' },
      'warmup-seconds': { type: 'string', default: '5' },
      json: { type: 'boolean', default: false },
    },
  });
  const tables = Number(values.tables);
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  if (!Number.isInteger(tables) || tables < 2) throw new Error(`--tables: expected a whole number of at least 2, got '${values.tables}'`);
  const config = parseConfig(process.env);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'bench-cdc-fanout' });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const phase = { admin, kafka, config, rate, seconds, warmupSeconds: Number(values['warmup-seconds']) };
    say(`(1) baseline: ${rate} events/s into one table for ${seconds} s`);
    const one = await runPhase({ ...phase, tables: 1 });
    say(`(2) ${rate} events/s spread over ${tables} tables for ${seconds} s`);
    const many = await runPhase({ ...phase, tables });
    const line = {
      bench: 'cdc-fanout',
      warehouse: 'duckdb',
      rate,
      seconds,
      tables,
      ...many.keys,
      one_table_p99_e2e_freshness_ms: one.keys.p99_e2e_freshness_ms,
      one_table_write_ms_per_table: one.keys.write_ms_per_table,
      one_table_writes: one.keys.writes,
      ratio_p99_vs_one_table: many.keys.p99_e2e_freshness_ms && one.keys.p99_e2e_freshness_ms ? round(many.keys.p99_e2e_freshness_ms / one.keys.p99_e2e_freshness_ms) : null,
      exact: one.exact && many.exact,
    };
    console.log(values.json ? JSON.stringify(line) : line);
    if (!line.exact) process.exitCode = 1;
  } finally {
    await admin.disconnect();
  }
}

interface PhaseInput {
  admin: Admin;
  config: Config;
  kafka: ReturnType<typeof createKafka>;
  tables: number;
  rate: number;
  seconds: number;
  warmupSeconds: number;
}

/** One pipeline over `tables` fresh topics and a fresh DuckDB file: warm-up, then the measured steady run. */
async function runPhase({ admin, kafka, config, tables, rate, seconds, warmupSeconds }: PhaseInput) {
  const stamp = `${Date.now().toString(36)}t${tables}`;
  // Warehouse tables of their own; the events name the fixture's source table, so the contracts do too.
  const contracts: TableContract[] = Array.from({ length: tables }, (_, i) => ({ ...bookingFix, name: `fan_${i}` }));
  const topics: CaptureTopic[] = contracts.map((table, i) => ({ topic: `benchfan${stamp}.${i}`, domain, table, sourceSystem: 'pg' }));
  const workloads = contracts.map(() => new Workload());
  // The tables in turn: each gets an even share of the rate.
  let turn = 0;
  const nextInTurn = () => {
    const i = turn++ % topics.length;
    return { topic: topics[i]!.topic, message: workloads[i]!.next() };
  };
  const dir = await mkdtemp(join(tmpdir(), 'factory-bench-fanout-'));
  const target = benchWarehouse('duckdb', config, dir);
  const warehouse = await target.open('fanout');
  const timedWrites = new TimedWarehouse(warehouse);
  await admin.createTopics({ topics: topics.map(({ topic }) => ({ topic, numPartitions: 1 })), waitForLeaders: true });
  const pipeline = new IngestPipeline({ kafka, warehouse: timedWrites.warehouse, consumer: `bench.fanout.${stamp}`, topics, stagingDir: dir });
  // A producer of the phase's own: a producer keeps asking for the metadata of every topic it sent
  // to, and the last phase's topics are deleted.
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await pipeline.start();
    pipeline.lease();
    await produceAtRate(producer, rate, warmupSeconds, nextInTurn);
    await waitForLag(pipeline, 0, 300_000);
    const warm = await pipeline.release();
    timedWrites.reset();

    pipeline.lease();
    const started = Date.now();
    const { result: sent, samples: lagSamples } = await sampleLagDuring(pipeline, () => produceAtRate(producer, rate, seconds, nextInTurn));
    await waitForLag(pipeline, 0, 600_000);
    const stats = await pipeline.release();
    const elapsed = (Date.now() - started) / 1000;
    const lag = lagGrew(lagSamples, rate);
    const fresh = freshnessKeys(stats.freshness);
    const writeKeys = timedWrites.keys(elapsed);
    let exact = warm.deadLettered + stats.deadLettered === 0;
    for (const [i, table] of contracts.entries()) {
      const expected = workloads[i]!.expected();
      const landed = await warehouse.tableStats({ domain, table });
      if (landed.rows !== expected.rows || landed.checksum !== expected.checksum) {
        say(`    NOT EXACT: ${table.name} holds ${landed.rows} rows (checksum ${landed.checksum}), expected ${expected.rows} (${expected.checksum})`);
        exact = false;
      }
    }
    const keys = {
      produced_events_s: Math.round(sent / seconds),
      ...fresh,
      lag_growth: lag.grew,
      writes: stats.writes,
      ...writeKeys,
    };
    say(`    ${sent} events; p50/p99 ${fresh.p50_e2e_freshness_ms}/${fresh.p99_e2e_freshness_ms} ms; ${stats.writes} writes of ${writeKeys.tables_per_write} tables, ${writeKeys.write_ms_per_table} ms a table; busy ${writeKeys.write_busy_share}`);
    return { keys, exact };
  } finally {
    await pipeline.stop();
    await producer.disconnect();
    await admin.deleteTopics({ topics: topics.flatMap((t) => [t.topic, `${t.topic}.dlq`]) }).catch(() => undefined);
    await warehouse.close();
    await target.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}
