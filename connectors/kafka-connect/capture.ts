import type { Kafka } from 'kafkajs';
import pg from 'pg';
import { tableKey, type TableContract } from '../../contracts/contract.js';
import { createConnectClient } from './client.js';
import { postgresCaptureConfig, topicOf } from './debezium.js';

/**
 * Change capture of a PostgreSQL source through Debezium in Kafka Connect: one connector per topic
 * prefix, with its own replication slot and publication. Removing it removes all three and the
 * source offsets Connect stored for it (and, on request, its topics), so a source can be captured
 * again from a clean start.
 */

export interface CaptureInput {
  connectUrl: string;
  sourceUrl: string;
  topicPrefix: string;
  tables: TableContract[];
  /** FACTORY_CDC_DECIMAL_MODE: how the connector sends DECIMAL values (default precise). */
  decimalMode?: 'precise' | 'string' | 'double';
  /** FACTORY_CDC_TOPIC_RETENTION_HOURS; unset: the broker's default retention. */
  retentionHours?: number;
}

export function captureName(topicPrefix: string): string {
  return `capture-${topicPrefix}`;
}

export async function registerCapture(input: CaptureInput): Promise<{ name: string; topics: string[] }> {
  const connect = createConnectClient(input.connectUrl);
  const tables = input.tables.map((t) => ({ schema: t.source.schema, table: t.source.table, key: tableKey(t), hasPrimaryKey: Boolean(t.primaryKey) }));
  const name = captureName(input.topicPrefix);
  const config = postgresCaptureConfig({
    sourceUrl: input.sourceUrl, topicPrefix: input.topicPrefix, tables,
    ...(input.decimalMode ? { decimalMode: input.decimalMode } : {}), ...(input.retentionHours !== undefined ? { retentionHours: input.retentionHours } : {}),
  });
  if (await connect.exists(name)) {
    await connect.putConnector(name, config);
  } else {
    // Connect keeps the source offsets of a deleted connector under its name (one removed by hand,
    // or before removal reset them): a new capture starts from none, not from a position of an
    // older replication slot.
    await connect.createStopped(name, config);
    await connect.resetOffsets(name);
    await connect.resume(name);
  }
  await connect.waitRunning(name, 120_000);
  return { name, topics: tables.map((t) => topicOf(input.topicPrefix, t.schema, t.table)) };
}

export async function removeCapture(input: Omit<CaptureInput, 'tables'> & { kafka?: Kafka }): Promise<void> {
  const connect = createConnectClient(input.connectUrl);
  const config = postgresCaptureConfig({ sourceUrl: input.sourceUrl, topicPrefix: input.topicPrefix, tables: [] });
  // Without its stored offsets gone, a capture registered again under this prefix would resume from
  // the old slot's position, which the new slot does not have.
  await connect.resetOffsets(captureName(input.topicPrefix));
  await connect.deleteConnector(captureName(input.topicPrefix));
  const client = new pg.Client({ connectionString: input.sourceUrl });
  await client.connect();
  try {
    // The slot stays active until Connect has stopped the task.
    for (let attempt = 0; attempt < 120; attempt++) {
      const { rows } = await client.query<{ active: boolean }>('SELECT active FROM pg_replication_slots WHERE slot_name = $1', [config['slot.name']]);
      if (rows.length === 0) break;
      if (!rows[0]!.active) {
        await client.query('SELECT pg_drop_replication_slot($1)', [config['slot.name']]);
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    await client.query(`DROP PUBLICATION IF EXISTS "${config['publication.name']}"`);
  } finally {
    await client.end();
  }
  if (input.kafka) {
    const admin = input.kafka.admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${input.topicPrefix}.`));
      if (topics.length) await admin.deleteTopics({ topics });
    } finally {
      await admin.disconnect();
    }
  }
}
