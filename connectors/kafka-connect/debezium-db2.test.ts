import { describe, expect, it } from 'vitest';
import { registry } from '../../domains/index.js';
import { captureTables } from './capture.js';
import { db2CaptureConfig, db2CaptureName, db2SchemaHistoryTopic, type Db2CaptureInput } from './debezium-db2.js';
import { topicOf } from './debezium.js';

const db2Tables = registry.allTables().map((e) => e.table).filter((t) => t.source.system === 'db2');
const input: Db2CaptureInput = {
  hostname: 'db2.example.internal', port: '50000', database: 'RESDB', topicPrefix: 'factory', tables: captureTables(db2Tables),
  secretsFile: '/secrets/db2.properties', schemaHistoryBrokers: ['kafka:29092'],
};

describe('db2CaptureConfig', () => {
  it("includes every db2 table of the contracts as SCHEMA.TABLE (Debezium's Db2 table ids), and nothing else", () => {
    const included = db2CaptureConfig(input)['table.include.list']!.split(',');
    expect(included).toHaveLength(db2Tables.length);
    expect(included).toContain('BOOK\\.BOOKING');
    expect(included).toContain('REFD\\.EXCH_RATE');
    // Each entry is a regular expression matching exactly its table.
    for (const [i, t] of db2Tables.entries()) {
      expect(new RegExp(`^(?:${included[i]!})$`).test(`${t.source.schema}.${t.source.table}`)).toBe(true);
      expect(new RegExp(`^(?:${included[i]!})$`).test(`${t.source.schema}x${t.source.table}`)).toBe(false);
    }
  });

  it('keys the tables declared with a unique key instead of a primary key by that key, and only them', () => {
    const uniqueKeyed = db2Tables.filter((t) => !t.primaryKey);
    expect(uniqueKeyed.map((t) => `${t.source.schema}.${t.source.table}`)).toEqual(['REFD.EXCH_RATE']);
    expect(db2CaptureConfig(input)['message.key.columns']).toBe('REFD.EXCH_RATE:CURRENCY_CODE,RATE_DATE');
    const onlyPrimaryKeys = captureTables(db2Tables.filter((t) => t.primaryKey));
    expect(db2CaptureConfig({ ...input, tables: onlyPrimaryKeys })['message.key.columns']).toBeUndefined();
  });

  it('sends decimals as FACTORY_CDC_DECIMAL_MODE says (default precise), the mode the decoder reads them by', () => {
    expect(db2CaptureConfig(input)['decimal.handling.mode']).toBe('precise');
    expect(db2CaptureConfig({ ...input, decimalMode: 'string' })['decimal.handling.mode']).toBe('string');
  });

  it('writes to the topics the ingest subscribes to, with its schema history and heartbeats beside them', () => {
    const config = db2CaptureConfig({ ...input, topicPrefix: 'prod' });
    // Debezium's Db2 topics are <topic.prefix>.<schema>.<table> with the default naming strategy.
    expect(config['topic.prefix']).toBe('prod');
    expect(config['topic.naming.strategy']).toBeUndefined();
    expect(topicOf('prod', 'BOOK', 'BOOKING')).toBe('prod.BOOK.BOOKING');
    expect(config['schema.history.internal.kafka.topic']).toBe(db2SchemaHistoryTopic('prod'));
    expect(config['schema.history.internal.kafka.bootstrap.servers']).toBe('kafka:29092');
    expect(config['heartbeat.interval.ms']).toBe('10000');
    expect(config['snapshot.mode']).toBe('no_data');
    // No exclusive lock on the source tables while the connector reads their structure at start.
    expect(config['snapshot.isolation.mode']).toBe('read_committed');
    expect(db2CaptureName('prod')).toBe('capture-prod-db2');
  });

  it('holds no credential: user and password are references the Connect worker resolves from its secrets file', () => {
    const config = db2CaptureConfig(input);
    expect(config['database.user']).toBe('${file:/secrets/db2.properties:db2.user}');
    expect(config['database.password']).toBe('${file:/secrets/db2.properties:db2.password}');
    expect(() => db2CaptureConfig({ ...input, secretsFile: 'C:/secrets/db2.properties' })).toThrow(/absolute path/);
    expect(() => db2CaptureConfig({ ...input, port: '5oooo' })).toThrow(/port '5oooo'/);
  });
});
