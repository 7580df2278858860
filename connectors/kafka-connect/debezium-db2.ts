import { sharedCaptureConfig, type CaptureSettings } from './debezium.js';

/**
 * Debezium's Db2 connector (LUW), generated from the contracts' db2 tables. It reads the change tables
 * IBM's ASN capture agent fills (schema ASNCDC, see README "Db2 capture"), so every captured table must
 * be in capture mode there first. Like the PostgreSQL capture it only streams (`snapshot.mode=no_data`):
 * the backfill is the snapshot.
 */

export const db2ConnectorClass = 'io.debezium.connector.db2.Db2Connector';

/** The keys of the secrets file the Connect worker reads (FileConfigProvider). */
export const db2SecretKeys = { user: 'db2.user', password: 'db2.password' } as const;

export interface Db2CaptureInput extends CaptureSettings {
  /** Where the Connect worker reaches Db2: host, port and database of DB2_URL (its user and password are not used). */
  hostname: string;
  port: string;
  database: string;
  /**
   * Path, on the Connect worker, of a properties file holding `db2.user` and `db2.password`
   * (FACTORY_CDC_DB2_SECRETS_FILE). The configuration only references them (`${file:<path>:db2.password}`):
   * the worker's FileConfigProvider resolves them when it starts the task, so no credential is stored
   * in Connect's config topic, returned by its REST API or written to a log.
   */
  secretsFile: string;
  /** Kafka as the Connect worker reaches it: the connector keeps its schema history there. */
  schemaHistoryBrokers: string[];
  /** Schema of the ASN control tables (IBMSNAP_REGISTER, IBMSNAP_UOW, …) and of the change tables. Default ASNCDC. */
  asnSchema?: string;
}

export function db2CaptureName(topicPrefix: string): string {
  return `capture-${topicPrefix}-db2`;
}

/**
 * The connector's own record of table structures (Db2 is a "historized" connector). Under the topic
 * prefix, so `factory cdc unregister --system db2 --drop-topics` removes it with the change topics: a
 * capture started again from no offsets must not recover an old history.
 */
export function db2SchemaHistoryTopic(topicPrefix: string): string {
  return `${topicPrefix}.schema-history.db2`;
}

export function db2CaptureConfig(input: Db2CaptureInput): Record<string, string> {
  if (!/^\d{1,5}$/.test(input.port)) throw new Error(`Db2 capture: port '${input.port}' is not a TCP port number`);
  if (!input.hostname || !input.database) throw new Error('Db2 capture: the host and database of DB2_URL are required');
  if (input.schemaHistoryBrokers.length === 0) throw new Error('Db2 capture: the Kafka brokers for the schema history are required');
  if (!/^\/[^:{}\s]+$/.test(input.secretsFile)) {
    throw new Error(`Db2 capture: secrets file '${input.secretsFile}' must be an absolute path on the Connect worker without ':', '{', '}' or spaces (it sits inside \${file:<path>:<key>})`);
  }
  const secret = (key: string): string => `\${file:${input.secretsFile}:${key}}`;
  const asn = input.asnSchema ?? 'ASNCDC';
  return {
    'connector.class': db2ConnectorClass,
    'database.hostname': input.hostname,
    'database.port': input.port,
    'database.user': secret(db2SecretKeys.user),
    'database.password': secret(db2SecretKeys.password),
    'database.dbname': input.database,
    'db2.platform': 'LUW',
    'cdc.control.schema': asn,
    'cdc.change.tables.schema': asn,
    // At start the connector reads the captured tables' structure; its default (repeatable_read) takes
    // an exclusive lock on every one of them meanwhile, which would stop the system of record's writers.
    // read_committed takes none: a DDL at that very moment could be missed by its history, but every
    // change event carries its own schema, which the decoder checks against the contract.
    'snapshot.isolation.mode': 'read_committed',
    'schema.history.internal.kafka.bootstrap.servers': input.schemaHistoryBrokers.join(','),
    'schema.history.internal.kafka.topic': db2SchemaHistoryTopic(input.topicPrefix),
    // Schema changes reach the ingest through the change events' own schemas (and the DPO's approval),
    // not through Debezium's schema change topic, which would be a topic named just `<prefix>`.
    'include.schema.changes': 'false',
    ...sharedCaptureConfig(input),
  };
}
