import pg from 'pg';
import type { Kafka } from 'kafkajs';
import { createConnectClient } from '../../connectors/kafka-connect/client.js';
import { postgresCaptureConfig, topicOf } from '../../connectors/kafka-connect/debezium.js';
import type { DomainRegistry } from '../../domains/registry.js';

/**
 * A Debezium connector of the test's own on a scratch source database, with its own topic prefix,
 * slot and publication, so tests never see each other's changes. `remove` takes all of it away.
 */
export async function registerCapture(input: { connectUrl: string; sourceUrl: string; topicPrefix: string; registry: DomainRegistry; domain: string }) {
  const connect = createConnectClient(input.connectUrl);
  const tables = input.registry.domain(input.domain).tables.map((t) => ({
    schema: t.source.schema,
    table: t.source.table,
    key: t.primaryKey ?? t.uniqueKey ?? [],
    hasPrimaryKey: Boolean(t.primaryKey),
  }));
  const config = postgresCaptureConfig({ sourceUrl: input.sourceUrl, topicPrefix: input.topicPrefix, tables });
  const name = `capture-${input.topicPrefix}`;
  await connect.putConnector(name, config);
  await connect.waitRunning(name, 120_000);
  return {
    name,
    topics: tables.map((t) => topicOf(input.topicPrefix, t.schema, t.table)),
    async remove(kafka: Kafka): Promise<void> {
      await connect.deleteConnector(name);
      const client = new pg.Client({ connectionString: input.sourceUrl });
      await client.connect();
      try {
        // The slot stays active until Connect has stopped the task: retry for a while.
        for (let attempt = 0; attempt < 60; attempt++) {
          const { rows } = await client.query<{ active: boolean }>('SELECT active FROM pg_replication_slots WHERE slot_name = $1', [config['slot.name']]);
          if (rows.length === 0) break;
          if (!rows[0]!.active) {
            await client.query('SELECT pg_drop_replication_slot($1)', [config['slot.name']]);
            break;
          }
          await new Promise((r) => setTimeout(r, 500));
        }
        await client.query(`DROP PUBLICATION IF EXISTS ${config['publication.name']}`);
      } finally {
        await client.end();
      }
      const admin = kafka.admin();
      await admin.connect();
      const existing = await admin.listTopics();
      await admin.deleteTopics({ topics: existing.filter((t) => t.startsWith(`${input.topicPrefix}.`)) }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}
