import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { IngestPipeline, ingestFetchSettings } from '../connectors/cdc/pipeline.js';
import { createKafka } from '../connectors/kafka/client.js';
import { decodeRecord } from '../core/cdc/decode.js';
import { parseConfig } from '../core/config.js';
import { duckDbColumnType } from '../core/warehouse-types.js';
import { bookingFix } from '../test/support/cdc-contracts.js';
import { freshnessKeys, produceAtRate, produceBacklog, waitForLag, Workload } from './lib/cdc-workload.js';
import { round, say, settleDisk, timed } from './lib/measure.js';
import { lagGrew, rateSearch, sampleLagDuring } from './lib/rate-search.js';
import { benchWarehouse } from './lib/warehouse.js';

/**
 * Change-capture throughput and freshness, in one run: Debezium-format events produced to Kafka at
 * a steady rate are applied by the ingest pipeline (the code the cdcIngest activity leases) into
 * DuckDB; a rate search (steady phases at rising rates, bench/lib/rate-search.ts) finds the highest
 * rate without lag growth (`max_sustained_events_s`); then a backlog drained at full speed gives
 * `backlog_drain_events_s`; a bare kafkajs consume-and-discard with the pipeline's fetch settings (its
 * group joined before the timer starts) and a naive per-event upsert give the baselines. Every event must be applied exactly once (checksum).
 * `--warehouse bigquery` applies into BigQuery (the local emulator by default: a project per run).
 * The naive baseline stays on DuckDB there: one DML statement per event is what BigQuery's DML
 * quotas (2 mutating statements per table at once, 20 queued) forbid outright, so it has no
 * BigQuery equivalent to measure; the ratio says how far the batched path is from per-event upserts.
 */

/** The table of the captured fixture events the benchmark's events are built on. */
const table = bookingFix;

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      rate: { type: 'string', default: '5000' },
      seconds: { type: 'string', default: '120' },
      backlog: { type: 'string', default: '100000' },
      'naive-events': { type: 'string', default: '3000' },
      // The rate search: from, times factor each phase, up to max events/s; seconds per phase.
      'search-from': { type: 'string', default: '2000' },
      'search-factor': { type: 'string', default: '1.5' },
      'search-max': { type: 'string', default: '60000' },
      'search-seconds': { type: 'string', default: '20' },
      warehouse: { type: 'string', default: 'duckdb' },
      json: { type: 'boolean', default: false },
    },
  });
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const backlog = Number(values.backlog);
  const config = parseConfig(process.env);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'bench-cdc' });
  const stamp = Date.now().toString(36);
  const topic = `bench${stamp}.${table.source.schema}.${table.source.table}`;
  const dir = await mkdtemp(join(tmpdir(), 'factory-bench-cdc-'));
  const target = benchWarehouse(values.warehouse, config, dir);
  const warehouse = await target.open('cdc');
  const admin = kafka.admin();
  await admin.connect();
  // The stack's broker keeps 1 GiB a partition (log.retention.bytes); a run writes ~3 GB, all of which
  // the bare consume must still find: without this, a retention pass could delete the first segments
  // mid-run and the bare consume waited forever for events that were gone.
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'retention.bytes', value: '-1' }] }], waitForLeaders: true });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const workload = new Workload();
  const pipeline = new IngestPipeline({ kafka, warehouse, consumer: `bench.${stamp}`, topics: [{ topic, domain: 'benchcdc', table, sourceSystem: 'pg' }], stagingDir: dir });
  try {
    await pipeline.start();

    say(`(1) steady ${rate} events/s for ${seconds} s`);
    pipeline.lease();
    const { result: steadySent, samples: lagSamples } = await sampleLagDuring(pipeline, () => produceAtRate(producer, rate, seconds, () => ({ topic, message: workload.next() })));
    await waitForLag(pipeline, 0, 120_000);
    const steady = await pipeline.release();
    const fresh = freshnessKeys(steady.freshness);
    const steadyLag = lagGrew(lagSamples, rate);
    say(`    sent ${steadySent}, source → warehouse p50 ${fresh.p50_e2e_freshness_ms} ms, p99 ${fresh.p99_e2e_freshness_ms} ms, lag first/last quarter ${round(steadyLag.first)}/${round(steadyLag.last)}, slope ${round(steadyLag.slope)} events/s`);

    say(`(1b) rate search: steady phases of ${values['search-seconds']} s from ${values['search-from']} events/s, ×${values['search-factor']} until the lag grows`);
    const search = await rateSearch({
      pipeline, produce: (r, s) => produceAtRate(producer, r, s, () => ({ topic, message: workload.next() })),
      from: Number(values['search-from']), factor: Number(values['search-factor']), max: Number(values['search-max']), seconds: Number(values['search-seconds']),
    });
    say(`    highest rate without lag growth: ${search.maxSustained} events/s (stopped by ${search.stoppedBy})`);

    say(`(2) backlog of ${backlog} events, then full-speed apply`);
    await produceBacklog(producer, topic, workload, backlog);
    settleDisk();
    pipeline.lease();
    const drain = await timed(() => waitForLag(pipeline, 0, 600_000));
    const drained = await pipeline.release();
    const drainEventsS = drained.events / drain.seconds;
    say(`    ${drained.events} events in ${round(drain.seconds)} s`);

    settleDisk();
    say('(3) bare kafkajs consume-and-discard of the whole topic');
    const total = steadySent + search.events + backlog;
    const held = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(BigInt(p.high) - BigInt(p.low)), 0);
    if (held !== total) throw new Error(`topic ${topic} holds ${held} events, the run produced ${total}: the bare consume would not measure the same stream`);
    // The pipeline's own fetch settings, and the group joined before the timer starts: the topic is
    // paused until run() has joined (kafkajs pauses only once run() made the group), then resumed.
    const bare = kafka.consumer({ groupId: `bench-bare-${stamp}`, ...ingestFetchSettings });
    await bare.connect();
    await bare.subscribe({ topic, fromBeginning: true });
    let seen = 0;
    let timing = false;
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const running = bare.run({
      eachBatch: async ({ batch }) => {
        if (!timing) throw new Error('bare consume: a batch arrived before the timer started (the topic was not paused)');
        seen += batch.messages.length;
        if (seen >= total) done();
      },
    });
    bare.pause([{ topic }]);
    await running;
    const bareRun = await timed(async () => {
      timing = true;
      bare.resume([{ topic }]);
      await finished;
    });
    await bare.disconnect();
    const bareEventsS = total / bareRun.seconds;

    say(`(4) naive: decode and upsert one event at a time, ${values['naive-events']} events`);
    const naiveEventsS = await naiveUpserts(dir, Number(values['naive-events']));

    const expected = workload.expected();
    const landed = await warehouse.tableStats({ domain: 'benchcdc', table });
    const exact = landed.rows === expected.rows && landed.checksum === expected.checksum && steady.deadLettered + drained.deadLettered === 0;
    const line = {
      bench: 'cdc',
      warehouse: target.kind,
      rate,
      seconds,
      // Source commit (the event's source.ts_ms, stamped when it is produced: no capture in this
      // bench) → warehouse commit, and its parts: capture delay (→ Kafka record) and ingest delay.
      ...fresh,
      max_sustained_events_s: search.maxSustained,
      rate_search_stopped_by: search.stoppedBy,
      rate_search_steps: search.steps.map((x) => `${x.rate}${x.grew ? ':grew' : ':flat'}`).join(' '),
      backlog_drain_events_s: Math.round(drainEventsS),
      bare_consume_events_s: Math.round(bareEventsS),
      naive_events_s: Math.round(naiveEventsS),
      ratio_vs_bare: round(drainEventsS / bareEventsS),
      ratio_vs_naive: round(drainEventsS / naiveEventsS),
      sustained_vs_bare: round(search.maxSustained / bareEventsS),
      lag_growth: steadyLag.grew,
      // Warehouse transactions (MERGEs on BigQuery): batches waiting behind a write share one.
      steady_writes: steady.writes,
      backlog_writes: drained.writes,
      exact,
    };
    console.log(values.json ? JSON.stringify(line) : line);
    if (!exact) process.exitCode = 1;
  } finally {
    await pipeline.stop();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await warehouse.close();
    await target.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The naive path: every event decoded and upserted on its own, one autocommit statement each. */
async function naiveUpserts(dir: string, events: number): Promise<number> {
  const instance = await DuckDBInstance.create(join(dir, 'naive.duckdb'));
  const duck = await instance.connect();
  await duck.run(`CREATE TABLE t (${table.columns.map((c) => `"${c.name}" ${duckDbColumnType(c)}`).join(', ')}, PRIMARY KEY ("BOOKING_ID"))`);
  const workload = new Workload();
  const records = Array.from({ length: events }, (_, i) => ({ ...workload.next(), offset: i }));
  const upsert = await duck.prepare(`INSERT OR REPLACE INTO t VALUES (${table.columns.map((_, i) => `$${i + 1}`).join(', ')})`);
  const remove = await duck.prepare('DELETE FROM t WHERE "BOOKING_ID" = $1');
  const { seconds } = await timed(async () => {
    for (const r of records) {
      const decoded = decodeRecord({ topic: 'naive', partition: 0, offset: r.offset, key: r.key, value: r.value, timestamp: String(Date.now()) }, { domain: 'benchcdc', table });
      if (decoded.kind !== 'change') throw new Error(`naive path: unexpected ${decoded.kind}: ${'reason' in decoded ? decoded.reason : ''}`);
      if (decoded.change.op === 'd') {
        remove.bindVarchar(1, decoded.change.key.BOOKING_ID!);
        await remove.run();
      } else {
        decoded.change.values!.forEach((v, i) => (v === null ? upsert.bindNull(i + 1) : upsert.bindVarchar(i + 1, v)));
        await upsert.run();
      }
    }
  });
  duck.closeSync();
  return events / seconds;
}
