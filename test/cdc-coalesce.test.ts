import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFetchSettings, IngestPipeline } from '../connectors/cdc/pipeline.js';
import { createDuckDbWarehouse, type DuckDbWarehouse } from '../connectors/duckdb/warehouse.js';
import { createKafka } from '../connectors/kafka/client.js';
import type { ApplyChangeSetsInput, ApplyChangesInput, ChangeApply } from '../connectors/warehouse/port.js';
import { waitForLag, Workload } from '../bench/lib/cdc-workload.js';
import { bookingFix } from './support/cdc-contracts.js';
import { testConfig } from './support/temporal.js';

// Under backlog, batches wait behind a slow warehouse write (a BigQuery MERGE takes seconds): the
// next write must take the waiting batches of a table together, in one transaction, and land every
// change exactly once. The warehouse is real DuckDB; its first write is held open until three
// fetched batches wait behind it (their staged files are on disk), as they would behind a MERGE.
describe('change capture under backlog', () => {
  const config = testConfig();
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'test-cdc-coalesce' });
  const stamp = `${process.pid}${Date.now().toString(36)}`;
  const topic = `coalesce${stamp}.${bookingFix.source.schema}.${bookingFix.source.table}`;
  let dir: string;
  let duck: DuckDbWarehouse;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'factory-coalesce-'));
    duck = await createDuckDbWarehouse({ path: join(dir, 'w.duckdb') });
  });
  afterAll(async () => {
    await duck?.close();
    await deleteTopics([topic]);
    await rm(dir, { recursive: true, force: true });
  });

  async function deleteTopics(topics: string[]): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  }

  it('writes the batches waiting behind a slow write in one transaction, exactly once', async () => {
    const staging = join(dir, 'staging');
    await mkdir(staging);
    const calls: ApplyChangesInput[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    const slow: ChangeApply = {
      async applyChanges(input) {
        calls.push(input);
        if (calls.length === 1) await held;
        return duck.applyChanges(input);
      },
      consumerOffsets: (input) => duck.consumerOffsets(input),
    };
    const pipeline = new IngestPipeline({ kafka, warehouse: slow, consumer: `coalesce.${stamp}`, topics: [{ topic, domain: 'coalesce', table: bookingFix, sourceSystem: 'pg' }], stagingDir: staging });
    const producer = kafka.producer();
    await producer.connect();
    const workload = new Workload();
    try {
      await pipeline.start();
      pipeline.lease();
      const send = () => producer.send({ topic, acks: -1, messages: Array.from({ length: 5 }, () => workload.next()) });
      // Four sends, each fetched as a batch of its own: the first one's write is held open, two more
      // batches are fetched and staged behind it (then fetching waits: back-pressure), a fourth waits in Kafka.
      await send();
      while (calls.length === 0) await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < 2; i++) {
        const before = (await readdir(staging)).length;
        await send();
        while ((await readdir(staging)).length === before) await new Promise((r) => setTimeout(r, 50));
      }
      await send();
      release();
      await waitForLag(pipeline, 0, 60_000);
      const stats = await pipeline.release();
      expect(stats.events).toBe(20);
      // Without coalescing: one write per fetched batch (4).
      expect(calls.length).toBeLessThan(4);
      expect(stats.writes).toBe(calls.length);
      const expected = workload.expected();
      expect(await duck.tableStats({ domain: 'coalesce', table: bookingFix })).toEqual(expected);
      expect(await duck.consumerOffsets({ consumer: `coalesce.${stamp}` })).toEqual([{ topic, partition: 0, nextOffset: '20' }]);
      // The combined staged files are removed once written.
      expect(await readdir(staging)).toEqual([]);
    } finally {
      release();
      await pipeline.stop();
      await producer.disconnect();
    }
  }, 120_000);

  it('keeps its group session while a warehouse write outlasts it, and lands every change once', async () => {
    const staging = join(dir, 'staging-held');
    await mkdir(staging);
    const consumer = `coalesce-held.${stamp}`;
    let writes = 0;
    const slow: ChangeApply = {
      async applyChanges(input) {
        // The first write takes longer than the consumer group's session (ingestFetchSettings.sessionTimeout).
        if (writes++ === 0) await new Promise((resolve) => setTimeout(resolve, ingestFetchSettings.sessionTimeout + 5_000));
        return duck.applyChanges(input);
      },
      consumerOffsets: (input) => duck.consumerOffsets(input),
    };
    const heldTopic = `${topic}.held`;
    const pipeline = new IngestPipeline({ kafka, warehouse: slow, consumer, topics: [{ topic: heldTopic, domain: 'coalesce_held', table: bookingFix, sourceSystem: 'pg' }], stagingDir: staging });
    const producer = kafka.producer();
    await producer.connect();
    const workload = new Workload();
    try {
      await pipeline.start();
      pipeline.lease();
      // Batches enough to fill the write queue behind the held write: fetching then waits on back-pressure.
      for (let i = 0; i < 5; i++) {
        await producer.send({ topic: heldTopic, acks: -1, messages: Array.from({ length: 5 }, () => workload.next()) });
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      await waitForLag(pipeline, 0, 90_000);
      const stats = await pipeline.release();
      expect(pipeline.failed).toBeUndefined();
      expect(stats.events).toBe(25);
      expect(await duck.tableStats({ domain: 'coalesce_held', table: bookingFix })).toEqual(workload.expected());
      expect(await duck.consumerOffsets({ consumer })).toEqual([{ topic: heldTopic, partition: 0, nextOffset: '25' }]);
    } finally {
      await pipeline.stop();
      await producer.disconnect();
      await deleteTopics([heldTopic]);
    }
  }, 180_000);

  it('writes the waiting batches of several tables in one write when the warehouse can (DuckDB), exactly once', async () => {
    const staging = join(dir, 'staging-grouped');
    await mkdir(staging);
    const consumer = `coalesce-grouped.${stamp}`;
    const topics = ['a', 'b'].map((t) => ({ topic: `${topic}.${t}`, domain: `grouped_${t}`, table: bookingFix, sourceSystem: 'pg' }));
    const calls: ApplyChangeSetsInput[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    const grouping: ChangeApply = {
      applyChanges: () => Promise.reject(new Error('a warehouse that groups is written through applyChangeSets')),
      async applyChangeSets(input) {
        calls.push(input);
        if (calls.length === 1) await held;
        return duck.applyChangeSets(input);
      },
      consumerOffsets: (input) => duck.consumerOffsets(input),
    };
    const pipeline = new IngestPipeline({ kafka, warehouse: grouping, consumer, topics, stagingDir: staging });
    const producer = kafka.producer();
    await producer.connect();
    const workloads = topics.map(() => new Workload());
    const send = (i: number) => producer.send({ topic: topics[i]!.topic, acks: -1, messages: Array.from({ length: 5 }, () => workloads[i]!.next()) });
    try {
      await pipeline.start();
      pipeline.lease();
      // The first write (table a) is held open; a batch of each table is fetched and staged behind it
      // (three staged files: the held batch's and the two waiting).
      await send(0);
      while (calls.length === 0) await new Promise((r) => setTimeout(r, 50));
      await send(0);
      await send(1);
      while ((await readdir(staging)).length < 3) await new Promise((r) => setTimeout(r, 50));
      release();
      await waitForLag(pipeline, 0, 60_000);
      const stats = await pipeline.release();
      expect(stats.events).toBe(15);
      // The second write took both tables' waiting batches: one write, two sets.
      expect(calls.map((c) => c.sets.map((set) => set.domain).sort())).toEqual([['grouped_a'], ['grouped_a', 'grouped_b']]);
      expect(stats.writes).toBe(2);
      for (const [i, t] of topics.entries()) expect(await duck.tableStats({ domain: t.domain, table: bookingFix })).toEqual(workloads[i]!.expected());
      expect((await duck.consumerOffsets({ consumer })).sort((x, y) => x.topic.localeCompare(y.topic)))
        .toEqual([{ topic: topics[0]!.topic, partition: 0, nextOffset: '10' }, { topic: topics[1]!.topic, partition: 0, nextOffset: '5' }]);
      expect(await readdir(staging)).toEqual([]);
    } finally {
      release();
      await pipeline.stop();
      await producer.disconnect();
      await deleteTopics(topics.map((t) => t.topic));
    }
  }, 120_000);
  it('dead-letters a fetched batch of poison events larger than the broker takes in one send, and goes on', async () => {
    const staging = join(dir, 'staging-poison');
    await mkdir(staging);
    const consumer = `coalesce-poison.${stamp}`;
    const poisonTopic = `${topic}.poison`;
    // Every event names source table BOOKING_FIX; this contract reads OTHER: each one is refused.
    const other = { ...bookingFix, source: { ...bookingFix.source, table: 'OTHER' } };
    const pipeline = new IngestPipeline({ kafka, warehouse: duck, consumer, topics: [{ topic: poisonTopic, domain: 'coalesce_poison', table: other, sourceSystem: 'pg' }], stagingDir: staging });
    const producer = kafka.producer();
    await producer.connect();
    const workload = new Workload();
    const admin = kafka.admin();
    await admin.connect();
    try {
      // 400 events of ~4 KB (1.6 MB) in sends of 100, before the pipeline starts: fetched as one batch,
      // whose dead letters do not fit in the broker's 1 MiB record batch.
      await admin.createTopics({ topics: [{ topic: poisonTopic, numPartitions: 1 }], waitForLeaders: true });
      for (let i = 0; i < 4; i++) await producer.send({ topic: poisonTopic, acks: -1, messages: Array.from({ length: 100 }, () => workload.next()) });
      await pipeline.start();
      pipeline.lease();
      await waitForLag(pipeline, 0, 60_000);
      const stats = await pipeline.release();
      expect(pipeline.failed).toBeUndefined();
      expect(stats.deadLettered).toBe(400);
      const dlq = await admin.fetchTopicOffsets(`${poisonTopic}.dlq`);
      expect(dlq.reduce((n, p) => n + Number(BigInt(p.high) - BigInt(p.low)), 0)).toBe(400);
      expect(await duck.consumerOffsets({ consumer })).toEqual([{ topic: poisonTopic, partition: 0, nextOffset: '400' }]);
    } finally {
      await pipeline.stop();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [poisonTopic, `${poisonTopic}.dlq`] }).catch(() => undefined);
      await admin.disconnect();
    }
  }, 120_000);
});
