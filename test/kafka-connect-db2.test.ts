import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../domains/index.js';
import { captureTables } from '../connectors/kafka-connect/capture.js';
import { createConnectClient, KafkaConnectError, type ConfigValidation } from '../connectors/kafka-connect/client.js';
import { db2CaptureConfig, db2ConnectorClass } from '../connectors/kafka-connect/debezium-db2.js';
import { closedPort } from './support/ports.js';
import { testConfig } from './support/temporal.js';

/**
 * The stack's Kafka Connect (with Debezium's Db2 plugin and IBM's JDBC driver) checks the Db2 capture
 * configuration `factory cdc register --system db2` generates for every db2 table of the contracts.
 * No Db2 runs here: the connector points at a closed loopback port.
 *
 * Debezium tries the database only once every field is valid, and its Db2 connector then throws
 * (HTTP 500 "Couldn't obtain database name") instead of reporting a field error. So the fields are
 * checked with database.hostname left out (the connection is not tried: the only error must be that
 * missing hostname), and the configuration as generated must get as far as that connection attempt.
 */

/**
 * Settings Debezium reads without declaring them to Connect (so Connect checks neither name nor value;
 * the unit tests pin them): the Kafka schema history's own; the Db2 connector's snapshot.isolation.mode,
 * which Db2ConnectorConfig reads but leaves out of its definition; topic-level settings for the topics
 * Connect creates.
 */
const undeclared = ['schema.history.internal.kafka.bootstrap.servers', 'schema.history.internal.kafka.topic', 'snapshot.isolation.mode'];
const undeclaredPrefixes = ['topic.creation.default.'];

/** Each error Connect reports, and each key it does not know (a misspelt key is otherwise ignored). */
function problems(result: ConfigValidation, config: Record<string, string>): string[] {
  const known = new Set(result.configs.map((c) => c.definition.name));
  const errors = result.configs.flatMap((c) => (c.value?.errors ?? []).map((e) => `${c.definition.name}: ${e}`));
  const unknown = Object.keys(config)
    .filter((k) => !known.has(k) && !undeclared.includes(k) && !undeclaredPrefixes.some((p) => k.startsWith(p)))
    .map((k) => `${k}: not a setting of ${result.name}`);
  return [...new Set([...errors, ...unknown])];
}

describe('Db2 capture configuration validated by Kafka Connect', () => {
  const config = testConfig();
  const connect = createConnectClient(config.KAFKA_CONNECT_URL);
  const tables = captureTables(registry.allTables().map((e) => e.table).filter((t) => t.source.system === 'db2'));
  let dir: string;
  let generated: Record<string, string>;

  beforeAll(async () => {
    // The worker runs on this machine, so it reads the secrets file the test writes.
    dir = await mkdtemp(join(tmpdir(), 'factory-db2-capture-'));
    const secretsFile = join(dir, 'db2.properties');
    await writeFile(secretsFile, `db2.user=factory_capture\ndb2.password=${randomBytes(12).toString('hex')}\n`, { mode: 0o600 });
    generated = db2CaptureConfig({
      hostname: '127.0.0.1', port: String(await closedPort()), database: 'RESDB', topicPrefix: `db2val${process.pid}`, tables,
      decimalMode: config.FACTORY_CDC_DECIMAL_MODE, retentionHours: config.FACTORY_CDC_TOPIC_RETENTION_HOURS, secretsFile,
      schemaHistoryBrokers: config.KAFKA_BROKERS,
    });
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const validate = async (change: (c: Record<string, string>) => void): Promise<string[]> => {
    const candidate = { ...generated };
    delete candidate['database.hostname'];
    change(candidate);
    return problems(await connect.validateConfig(db2ConnectorClass, candidate), candidate);
  };

  it('knows every key and accepts every value of the generated configuration: only the database is missing', async () => {
    expect(tables.length).toBeGreaterThan(40);
    expect(await validate(() => undefined)).toEqual(["database.hostname: The 'database.hostname' value is invalid: A value is required"]);
  });

  it('gets as far as connecting to the database, with the secrets resolved by the worker\'s config provider', async () => {
    const error = await connect.validateConfig(db2ConnectorClass, generated).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaConnectError);
    expect((error as Error).message).toContain("Couldn't obtain database name");

    // A secrets file the worker cannot read stops the validation before the connector sees the configuration.
    const missing = { ...generated, 'database.password': `\${file:${join(dir, 'absent.properties')}:db2.password}` };
    const refused = await connect.validateConfig(db2ConnectorClass, missing).then(() => undefined, (e: unknown) => e);
    expect((refused as Error).message).toContain('Could not read properties from file');
  });

  it('reports a misspelt key and a wrong value', async () => {
    expect(await validate((c) => {
      c['heartbeat.interval.msec'] = c['heartbeat.interval.ms']!;
      delete c['heartbeat.interval.ms'];
    })).toContain(`heartbeat.interval.msec: not a setting of ${db2ConnectorClass}`);
    expect((await validate((c) => { c['decimal.handling.mode'] = 'exact'; })).join('\n')).toMatch(/decimal\.handling\.mode: .*must be one of/);
  });
});
