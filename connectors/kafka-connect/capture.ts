import type { Kafka } from 'kafkajs';
import pg from 'pg';
import { tableKey, type TableContract } from '../../contracts/contract.js';
import { createConnectClient } from './client.js';
import { waitForCoverage } from '../../core/cdc/coverage.js';
import { createPostgresCoverage, includeListMatches, type PostgresCoverage } from './coverage.js';
import { postgresCaptureConfig, topicOf, type CaptureTable } from './debezium.js';
import { db2CaptureConfig, db2CaptureName, db2SchemaHistoryTopic, type Db2CaptureInput } from './debezium-db2.js';

/**
 * Change capture through Debezium in Kafka Connect. PostgreSQL: one connector per topic prefix, with
 * its own replication slot and publication; removing it removes all three and the source offsets
 * Connect stored for it (and, on request, its topics), so a source can be captured again from a clean
 * start. Db2: one connector per topic prefix (`capture-<prefix>-db2`) reading the ASN change tables.
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

/** The contract tables as the connectors see them: source schema and table, key, whether it is a primary key. */
export function captureTables(tables: readonly TableContract[]): CaptureTable[] {
  return tables.map((t) => ({ schema: t.source.schema, table: t.source.table, key: tableKey(t), hasPrimaryKey: Boolean(t.primaryKey) }));
}

/**
 * Registers (or updates) the capture and returns once it provably covers every table (see
 * coverage.ts): running alone is not enough, since a connector whose configuration just changed
 * reports RUNNING for its old task until Connect has restarted it. Throws CaptureCoverageError naming
 * the table and what is missing when that takes longer than `coverageTimeoutMs` (default 120 s).
 */
export async function registerCapture(input: CaptureInput & { coverageTimeoutMs?: number }): Promise<{ name: string; topics: string[] }> {
  const tables = captureTables(input.tables);
  const name = captureName(input.topicPrefix);
  const config = postgresCaptureConfig({
    sourceUrl: input.sourceUrl, topicPrefix: input.topicPrefix, tables,
    ...(input.decimalMode ? { decimalMode: input.decimalMode } : {}), ...(input.retentionHours !== undefined ? { retentionHours: input.retentionHours } : {}),
  });
  const coverage = createPostgresCoverage({ connectUrl: input.connectUrl, sourceUrl: input.sourceUrl, connector: name });
  try {
    const since = await addingTables(input, name, tables, coverage);
    await startConnector(input.connectUrl, name, config);
    for (const table of input.tables) {
      const ref = { schema: table.source.schema, table: table.source.table };
      await waitForCoverage({
        table: `${table.name} (${ref.schema}.${ref.table})`, capture: coverage.capture, timeoutMs: input.coverageTimeoutMs ?? 120_000,
        // A connector that does not exist (or captures another database) right after its registration is a gap, not "no capture".
        check: async () => (await coverage.missingSince(ref, since)) ?? [`${coverage.capture} does not capture this database`],
      });
    }
  } finally {
    await coverage.close();
  }
  return { name, topics: tables.map((t) => topicOf(input.topicPrefix, t.schema, t.table)) };
}

/**
 * When the registration adds tables to an existing connector: the source's clock before it is
 * submitted, so the check can require a stream begun after it (the restarted task). Null otherwise.
 */
async function addingTables(input: CaptureInput, name: string, tables: readonly CaptureTable[], coverage: PostgresCoverage): Promise<string | null> {
  const tasks = await createConnectClient(input.connectUrl).taskConfigs(name);
  if (!tasks?.length || tables.every((t) => tasks.every((task) => includeListMatches(task['table.include.list'], t)))) return null;
  return coverage.sourceClock();
}

/** Registers (or updates) the Db2 capture of the given tables (see db2CaptureConfig) and waits until it runs. */
export async function registerDb2Capture(input: Omit<Db2CaptureInput, 'tables'> & { connectUrl: string; tables: TableContract[] }): Promise<{ name: string; topics: string[] }> {
  const { connectUrl, ...settings } = input;
  const tables = captureTables(input.tables);
  const name = db2CaptureName(input.topicPrefix);
  await startConnector(connectUrl, name, db2CaptureConfig({ ...settings, tables }));
  return { name, topics: tables.map((t) => topicOf(input.topicPrefix, t.schema, t.table)) };
}

async function startConnector(connectUrl: string, name: string, config: Record<string, string>): Promise<void> {
  const connect = createConnectClient(connectUrl);
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
}

export async function removeCapture(input: Omit<CaptureInput, 'tables'> & { kafka?: Kafka; onlyTopics?: string[] }): Promise<void> {
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
  if (input.kafka) await deleteTopics(input.kafka, input.topicPrefix, input.onlyTopics);
}

/**
 * Removes the Db2 capture: its stored offsets (a capture registered again starts from none) and the
 * connector; with `kafka`, also the topics under its prefix (change topics and its schema history).
 * The ASN capture on the Db2 side is left as is: it belongs to the DBA.
 */
export async function removeDb2Capture(input: { connectUrl: string; topicPrefix: string; kafka?: Kafka; onlyTopics?: string[] }): Promise<void> {
  const connect = createConnectClient(input.connectUrl);
  await connect.resetOffsets(db2CaptureName(input.topicPrefix));
  await connect.deleteConnector(db2CaptureName(input.topicPrefix));
  if (input.kafka) await deleteTopics(input.kafka, input.topicPrefix, input.onlyTopics && [...input.onlyTopics, db2SchemaHistoryTopic(input.topicPrefix)]);
}

/** Every topic under the prefix, or only those listed (when two captures share a prefix, each removes its own). */
async function deleteTopics(kafka: Kafka, topicPrefix: string, only?: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => (only ? only.includes(t) : t.startsWith(`${topicPrefix}.`)));
    if (topics.length) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}
