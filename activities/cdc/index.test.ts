import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbWarehouse, type DuckDbWarehouse } from '../../connectors/duckdb/warehouse.js';
import { topicOf } from '../../connectors/kafka-connect/debezium.js';
import { createKafka } from '../../connectors/kafka/client.js';
import { bookingFix, readFixture, record, valueOf } from '../../test/support/cdc-contracts.js';
import { loadDomains } from '../../domains/load.js';
import { testConfig } from '../../test/support/temporal.js';
import { createCdcActivities, stopIngestPipelines, type IngestRunResult } from './index.js';

/**
 * The ingest activity on the stack's Kafka and a DuckDB warehouse: a table that pauses at a breaking
 * schema change is reported by every run that follows it, also by one that runs again with the
 * same tables (a retried or cancelled run whose report never reached the workflow).
 */
const registry = loadDomains([{
  name: 'fix',
  description: 'change-capture activity test domain',
  dpo: { id: 'dpo.fix', name: 'Owner' },
  tables: [bookingFix],
}]);

const precise = readFixture('pg-precise.json');

/** The fixture's first change with the NOTE column dropped from its schema and row: a breaking change. */
function withoutNote(): string {
  const event = valueOf(record(precise, 'BOOKING_FIX', 2));
  for (const image of event.schema.fields) if (image.fields) image.fields = image.fields.filter((f) => f.field !== 'NOTE');
  delete event.payload.after.NOTE;
  return JSON.stringify(event);
}

describe('cdc ingest activity', () => {
  const config = testConfig();
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'cdc-activity-test' });
  const topicPrefix = `act${process.pid}`;
  const topic = topicOf(topicPrefix, bookingFix.source.schema, bookingFix.source.table);
  const env = new MockActivityEnvironment();
  let dir: string;
  let warehouse: DuckDbWarehouse;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'factory-cdc-activity-'));
    warehouse = await createDuckDbWarehouse({ path: join(dir, 'warehouse.duckdb') });
    const producer = kafka.producer();
    await producer.connect();
    const first = record(precise, 'BOOKING_FIX', 0);
    const second = record(precise, 'BOOKING_FIX', 1);
    await producer.send({
      topic,
      messages: [
        { key: first.key as string, value: first.value as string },
        { key: second.key as string, value: second.value as string },
        { key: record(precise, 'BOOKING_FIX', 2).key as string, value: withoutNote() },
      ],
    });
    await producer.disconnect();
  });

  afterAll(async () => {
    await stopIngestPipelines();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await warehouse?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const ingest = () => {
    const activities = createCdcActivities({ registry, warehouse, kafka, stagingDir: join(dir, 'staging'), topicPrefix });
    return env.run(activities.ingestRun, { consumer: `fix.${topicPrefix}`, tables: ['fix.booking_fix'], runSeconds: 3 }) as Promise<IngestRunResult>;
  };

  /** Runs until one reports a paused table (a new consumer may take a run to join its group), at most five. */
  async function ingestUntilPaused(): Promise<IngestRunResult[]> {
    const runs: IngestRunResult[] = [];
    while (runs.length < 5 && !runs.at(-1)?.paused.length) runs.push(await ingest());
    return runs;
  }

  it('applies up to the breaking event and pauses there, again in a run with the same tables', async () => {
    const first = await ingestUntilPaused();
    expect(first.reduce((n, r) => n + r.applied, 0)).toBe(2);
    expect(first.at(-1)!.paused).toMatchObject([{ table: 'fix.booking_fix', topic, offset: '2', change: { dropped: ['NOTE'] } }]);
    const again = await ingestUntilPaused();
    expect(again.reduce((n, r) => n + r.applied, 0)).toBe(0);
    expect(again.at(-1)!.paused).toMatchObject([{ table: 'fix.booking_fix', topic, offset: '2', change: { dropped: ['NOTE'] } }]);
    expect((await warehouse.tableStats({ domain: 'fix', table: bookingFix })).rows).toBe(2);
  }, 120_000);
});
