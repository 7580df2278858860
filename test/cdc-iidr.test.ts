import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForLag } from '../bench/lib/cdc-workload.js';
import { IngestPipeline } from '../connectors/cdc/pipeline.js';
import { createDuckDbWarehouse, type DuckDbWarehouse } from '../connectors/duckdb/warehouse.js';
import { createKafka } from '../connectors/kafka/client.js';
import { testConfig } from './support/temporal.js';
import { iidrOrders } from '../core/cdc/fixtures/iidr-orders.js';

// The real ingest pipeline (kafkajs consumer, decode thread, dead-letter producer, DuckDB MERGE) on a
// topic written in IBM IIDR's KcopJsonSingleRowAuditFormatIntegrated shape, as core/cdc/iidr.test.ts
// derives it from IBM's documentation (not captured from a live IIDR): refresh rows, inserts, updates
// with before images, a key change, the multi-row UB/UP pair, deletes, journal fields in headers, a key-only delete,
// a replayed record and a malformed one. The warehouse must hold exactly what the records describe.
describe('IIDR change records through the ingest pipeline', () => {
  const config = testConfig();
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'test-cdc-iidr' });
  const stamp = `${process.pid}${Date.now().toString(36)}`;
  const topic = `iidr${stamp}.SALES.ORDERS`;
  const table = iidrOrders;
  const domain = `iidr${stamp}`;
  let dir: string;
  let duck: DuckDbWarehouse;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'factory-iidr-'));
    duck = await createDuckDbWarehouse({ path: join(dir, 'w.duckdb') });
  });
  afterAll(async () => {
    await duck?.close();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => undefined);
    await admin.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  const row = (id: number, c2: string | null, amount: string, ordered: string, changed: string | null) =>
    ({ ID: id, C2: c2 === null ? null : { string: c2 }, AMOUNT: amount, ORDERED: ordered, CHANGED: changed === null ? null : { string: changed } });
  const before = (image: Record<string, unknown> | null) =>
    Object.fromEntries(Object.keys(row(0, null, '0', '', null)).map((c) => [`B_${c}`, image ? image[c] : null]));
  const jcf = (enttyp: string, seqno: number) => ({ A_ENTTYP: enttyp, A_CCID: String(9000 + seqno), A_SEQNO: String(seqno), A_TIMSTAMP: '2026-03-01 10:00:00.000000000000' });
  const message = (id: number, value: unknown, headers?: Record<string, string>) =>
    ({ key: JSON.stringify({ ID: id }), value: value === null ? null : JSON.stringify(value), ...(headers ? { headers } : {}) });

  it('lands refresh rows, inserts, updates and deletes by journal sequence, dead-letters the malformed record and ignores the replay', async () => {
    const one = row(1, 'WEB       ', '10.00', '2026-01-01', '2026-01-01 08:00:00.000001');
    const two = row(2, null, '20.50', '2026-01-02', null);
    const three = row(3, 'AG        ', '30.00', '2026-01-03', null);
    const oneUpdated = row(1, 'TEL       ', '11.00', '2026-01-01', '2026-03-01 09:59:59.999999');
    const threeUpdated = row(3, 'AG        ', '33.33', '2026-01-04', '2026-03-01 10:00:00.5');
    const messages = [
      message(1, { ...one, ...before(null), ...jcf('RR', 100) }),
      message(2, { ...two, ...before(null), ...jcf('RR', 100) }),
      message(3, { ...three, ...before(null), ...jcf('PT', 110) }),
      message(1, { ...oneUpdated, ...before(one), ...jcf('UP', 120) }),
      message(2, { ...row(2, null, '0', '2026-01-01', null), ID: null, AMOUNT: null, ORDERED: null, ...before(two), ...jcf('DL', 130) }),
      message(3, { ...three, ...jcf('UB', 140) }),
      message(3, { ...threeUpdated, ...jcf('UP', 140) }),
      // No journal sequence: dead-lettered with its reason.
      message(4, { ...row(4, null, '1.00', '2026-01-05', null), A_ENTTYP: 'PT', A_TIMSTAMP: '2026-03-01 10:00:00' }),
      // The insert of 3 again (Kafka redelivery, a resent range): older than its update, it changes nothing.
      message(3, { ...three, ...before(null), ...jcf('PT', 110) }),
      // Journal control fields as headers, the value holding the row only.
      message(5, row(5, 'NEW       ', '55.00', '2026-02-05', null), { A_ENTTYP: 'PT', A_SEQNO: '150', A_TIMSTAMP: '2026-03-01 10:01:00' }),
      message(6, row(6, null, '66.00', '2026-02-06', null), { A_ENTTYP: 'PT', A_SEQNO: '151', A_TIMSTAMP: '2026-03-01 10:01:00' }),
      // A delete with headers only: no value, the key names the row.
      message(6, null, { A_ENTTYP: 'DL', A_SEQNO: '160', A_TIMSTAMP: '2026-03-01 10:02:00' }),
      // An update that changes the key (5 → 15): one record, the row under 5 must go.
      message(15, { ...row(15, 'NEW       ', '55.00', '2026-02-05', null), ...before(row(5, 'NEW       ', '55.00', '2026-02-05', null)), ...jcf('UP', 170) }),
    ];

    const staging = join(dir, 'staging');
    await mkdir(staging);
    const consumer = `iidr.${stamp}`;
    const pipeline = new IngestPipeline({
      kafka, warehouse: duck, consumer, stagingDir: staging, topics: [{ topic, domain, table, sourceSystem: 'db2', format: 'iidr-kcop-json' }],
    });
    const producer = kafka.producer();
    await producer.connect();
    try {
      await pipeline.start();
      pipeline.lease();
      await producer.send({ topic, acks: -1, messages });
      await waitForLag(pipeline, 0, 60_000);
      const stats = await pipeline.release();
      // Applied: every record but the UB and the dead letter, plus the delete of the old key.
      expect(stats).toMatchObject({ events: messages.length, applied: messages.length - 1, tombstones: 1, deadLettered: 1, paused: [] });
      expect(stats.lastPosition[`${domain}.orders`]).toBe(`iidr:${'170'.padStart(38, '0')}:1`);

      const reader = await duck.connectReader();
      const current = (await reader.runAndReadAll(
        `SELECT "ID"::INTEGER, "C2", "AMOUNT"::VARCHAR, "ORDERED"::VARCHAR, "CHANGED"::VARCHAR FROM raw_${domain}.orders WHERE NOT "_deleted" ORDER BY 1`,
      )).getRowsJS();
      expect(current).toEqual([
        [1, 'TEL       ', '11.00', '2026-01-01', '2026-03-01 09:59:59.999999'],
        [3, 'AG        ', '33.33', '2026-01-04', '2026-03-01 10:00:00.5'],
        [15, 'NEW       ', '55.00', '2026-02-05', null],
      ]);
      expect(await duck.tableStats({ domain, table })).toMatchObject({ rows: 3 });

      const admin = kafka.admin();
      await admin.connect();
      const [dlq] = await admin.fetchTopicOffsets(`${topic}.dlq`);
      await admin.disconnect();
      expect(dlq!.high).toBe('1');
    } finally {
      await pipeline.stop();
      await producer.disconnect();
    }
  }, 120_000);
});
