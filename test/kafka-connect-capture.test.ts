import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableSchema } from '../contracts/contract.js';
import { createKafka } from '../connectors/kafka/client.js';
import { createScratchDatabase } from './support/postgres.js';
import { testConfig } from './support/temporal.js';
import { registerCapture, removeCapture } from '../connectors/kafka-connect/capture.js';
import { createConnectClient } from '../connectors/kafka-connect/client.js';

/**
 * Capture, removal and capture again of one source under the same topic prefix, on the stack's
 * Kafka Connect: the second capture must stream, not resume from the first one's stored position
 * (which its new replication slot no longer has).
 */
const table = tableSchema.parse({
  name: 'guest_note',
  description: 'Scratch table for the capture lifecycle test.',
  source: { system: 'pg', schema: 'CAPT', table: 'GUEST_NOTE' },
  primaryKey: ['ID'],
  columns: [{ name: 'ID', type: 'INTEGER' }, { name: 'NOTE', type: 'VARCHAR(40)' }],
});

describe('change capture lifecycle', () => {
  const config = testConfig();
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'capture-test' });
  const topicPrefix = `cap${process.pid}`;
  const input = { connectUrl: config.KAFKA_CONNECT_URL, topicPrefix, tables: [table] };
  let scratch: { url: string; drop: () => Promise<void> };
  let source: pg.Client;

  beforeAll(async () => {
    scratch = await createScratchDatabase(config.FACTORY_SOURCE_URL, `factory_it_capture_${process.pid}`);
    source = new pg.Client({ connectionString: scratch.url });
    await source.connect();
    await source.query('CREATE SCHEMA "CAPT"; CREATE TABLE "CAPT"."GUEST_NOTE" ("ID" integer PRIMARY KEY, "NOTE" varchar(40) NOT NULL)');
  }, 120_000);

  afterAll(async () => {
    await removeCapture({ ...input, sourceUrl: scratch.url, kafka }).catch(() => undefined);
    await source?.end();
    await scratch?.drop();
  });

  it('captures the source again under the same prefix after removing the first capture', async () => {
    const { topics } = await registerCapture({ ...input, sourceUrl: scratch.url });
    await source.query(`INSERT INTO "CAPT"."GUEST_NOTE" VALUES (1, 'first capture')`);
    expect(await createdIds(topics[0]!, 1)).toEqual([1]);

    await removeCapture({ ...input, sourceUrl: scratch.url, kafka });
    await registerCapture({ ...input, sourceUrl: scratch.url });
    await source.query(`INSERT INTO "CAPT"."GUEST_NOTE" VALUES (2, 'second capture')`);
    // The topic was removed with the first capture: it holds only what the second one streamed.
    expect(await createdIds(topics[0]!, 1)).toEqual([2]);
  }, 240_000);

  it('starts clean when a connector of the same name was deleted without its offsets', async () => {
    await removeCapture({ ...input, sourceUrl: scratch.url, kafka });
    const { name, topics } = await registerCapture({ ...input, sourceUrl: scratch.url });
    await source.query(`INSERT INTO "CAPT"."GUEST_NOTE" VALUES (3, 'before deletion by hand')`);
    expect(await createdIds(topics[0]!, 1)).toEqual([3]);

    // Deleted through Connect's API alone: its stored offsets stay behind.
    await createConnectClient(config.KAFKA_CONNECT_URL).deleteConnector(name);
    await removeCapture({ ...input, sourceUrl: scratch.url, kafka });
    await registerCapture({ ...input, sourceUrl: scratch.url });
    await source.query(`INSERT INTO "CAPT"."GUEST_NOTE" VALUES (4, 'after a clean start')`);
    expect(await createdIds(topics[0]!, 1)).toEqual([4]);
  }, 240_000);

  /** The ids of the first `count` create events on the topic, waiting up to a minute for them. */
  async function createdIds(topic: string, count: number): Promise<number[]> {
    // Connect creates the topic with its first event; the consumer needs it to exist to subscribe.
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true }).finally(() => admin.disconnect());
    const consumer = kafka.consumer({ groupId: `capture-test-${randomUUID()}` });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const ids: number[] = [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${count} create events on ${topic} within 60 s (got ${ids.length})`)), 60_000);
        void consumer.run({
          eachMessage: async ({ message }) => {
            if (!message.value) return;
            const payload = (JSON.parse(message.value.toString()) as { payload: { op: string; after: { ID: number } } }).payload;
            if (payload.op === 'c') ids.push(payload.after.ID);
            if (ids.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
      return ids;
    } finally {
      await consumer.disconnect();
    }
  }
});
