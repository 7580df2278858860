import type { Config } from '../../core/config.js';
import { InvalidInputError } from '../../core/errors.js';
import type { TableContract } from '../../contracts/contract.js';
import { checkDb2ConnectionString } from '../../connectors/db2/driver.js';
import { db2ConnectionString } from '../../connectors/db2/sql.js';
import type { Db2CaptureInput } from '../../connectors/kafka-connect/debezium-db2.js';
import { planSources } from '../../workers/connectors.js';

/**
 * Which contract tables each capture covers, and the Db2 capture's settings from the configuration.
 * `factory cdc register` captures the tables read from PostgreSQL (the CRM, and DB2's tables while the
 * PostgreSQL demo stands in for DB2); `--system db2` captures the db2 tables from DB2 itself.
 */

type CaptureConfig = Pick<Config, 'DB2_URL' | 'FACTORY_DB2_STANDIN' | 'FACTORY_CDC_TOPIC_PREFIX' | 'FACTORY_CDC_DECIMAL_MODE' | 'FACTORY_CDC_FORMATS'
  | 'FACTORY_CDC_TOPIC_RETENTION_HOURS' | 'FACTORY_CDC_DB2_SECRETS_FILE' | 'FACTORY_CDC_SCHEMA_HISTORY_BROKERS' | 'KAFKA_BROKERS'>;

/** The tables each system's source captures: 'postgres' (one connector for all of them) and 'db2'. */
export function captureTablesBySource(config: CaptureConfig, tables: readonly TableContract[]): { postgres: TableContract[]; db2: TableContract[] } {
  const bySystem = new Map<string, string[]>();
  for (const t of tables) bySystem.set(t.source.system, [...(bySystem.get(t.source.system) ?? []), `${t.source.schema}.${t.source.table}`]);
  const kindOf = new Map(planSources(config, bySystem).plans.map((p) => [p.system, p.kind]));
  return {
    postgres: tables.filter((t) => kindOf.get(t.source.system)?.startsWith('postgres')),
    db2: tables.filter((t) => kindOf.get(t.source.system) === 'db2'),
  };
}

/**
 * A Debezium Db2 connector next to an IIDR subscription would write every change twice, in two
 * formats, to the same topics: registering it for a system declared IIDR is refused.
 */
export function checkDebeziumCapture(config: Pick<Config, 'FACTORY_CDC_FORMATS'>, system: string): void {
  if (config.FACTORY_CDC_FORMATS[system] === 'iidr-kcop-json') {
    throw new InvalidInputError(`factory cdc register --system ${system}: FACTORY_CDC_FORMATS declares system ${system} captured by IBM IIDR; its subscription is configured in IIDR's Management Console (README: IBM IIDR capture), not by a Debezium connector`);
  }
}

/** The Db2 capture's settings: host, port and database from DB2_URL (never its user or password). */
export function db2CaptureSettings(config: CaptureConfig): Omit<Db2CaptureInput, 'tables'> {
  if (!config.DB2_URL) throw new InvalidInputError('factory cdc register --system db2: DB2_URL is not set (it gives the host, port and database the connector reads)');
  const target = checkDb2ConnectionString(db2ConnectionString(config.DB2_URL));
  if (!target.host || !target.database) {
    throw new InvalidInputError('factory cdc register --system db2: DB2_URL must name HOSTNAME and DATABASE (Kafka Connect reaches DB2 by host and port, not through a DSN catalogued on this machine)');
  }
  return {
    hostname: target.host,
    port: target.port ?? '50000',
    database: target.database,
    topicPrefix: config.FACTORY_CDC_TOPIC_PREFIX,
    decimalMode: config.FACTORY_CDC_DECIMAL_MODE,
    retentionHours: config.FACTORY_CDC_TOPIC_RETENTION_HOURS,
    secretsFile: config.FACTORY_CDC_DB2_SECRETS_FILE,
    schemaHistoryBrokers: config.FACTORY_CDC_SCHEMA_HISTORY_BROKERS ?? config.KAFKA_BROKERS,
  };
}
