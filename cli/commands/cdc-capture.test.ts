import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config.js';
import { registry } from '../../domains/index.js';
import { db2CaptureConfig } from '../../connectors/kafka-connect/debezium-db2.js';
import { captureTables } from '../../connectors/kafka-connect/capture.js';
import { captureTablesBySource, checkDebeziumCapture, db2CaptureSettings } from './cdc-capture.js';

const tables = registry.allTables().map((e) => e.table);
const systems = (list: typeof tables) => [...new Set(list.map((t) => t.source.system))].sort();

describe('factory cdc register: which capture covers which tables', () => {
  it('captures every table from PostgreSQL while the demo database stands in for DB2', () => {
    const split = captureTablesBySource(parseConfig({}), tables);
    expect(split.postgres).toHaveLength(tables.length);
    expect(split.db2).toEqual([]);
  });

  it('with DB2_URL, leaves the db2 tables to the Db2 capture', () => {
    const split = captureTablesBySource(parseConfig({ DB2_URL: 'db2://u:p@db2.example.internal:50000/RESDB' }), tables);
    expect(systems(split.postgres)).toEqual(['crm_pg']);
    expect(systems(split.db2)).toEqual(['db2']);
    expect(split.postgres.length + split.db2.length).toBe(tables.length);
  });
});

describe('factory cdc register --system db2 for a system captured by IIDR', () => {
  it('is refused, naming the variable, so no Debezium connector writes the same topics', () => {
    expect(() => checkDebeziumCapture(parseConfig({ FACTORY_CDC_FORMATS: 'db2=iidr-kcop-json' }), 'db2')).toThrow(/FACTORY_CDC_FORMATS declares system db2 captured by IBM IIDR/);
    expect(() => checkDebeziumCapture(parseConfig({ FACTORY_CDC_FORMATS: 'db2=debezium-db2' }), 'db2')).not.toThrow();
    expect(() => checkDebeziumCapture(parseConfig({}), 'db2')).not.toThrow();
  });
});

describe('db2CaptureSettings', () => {
  it("takes host, port and database from DB2_URL and never its user or password", () => {
    for (const url of ['db2://dbuser:s3cr3t-pw@db2.example.internal:50001/RESDB', 'DATABASE=RESDB;HOSTNAME=db2.example.internal;PORT=50001;PROTOCOL=TCPIP;UID=dbuser;PWD=s3cr3t-pw;']) {
      const settings = db2CaptureSettings(parseConfig({ DB2_URL: url, FACTORY_CDC_DECIMAL_MODE: 'string' }));
      expect(settings).toMatchObject({ hostname: 'db2.example.internal', port: '50001', database: 'RESDB', decimalMode: 'string', secretsFile: '/secrets/db2.properties', schemaHistoryBrokers: ['127.0.0.1:9092'] });
      const text = JSON.stringify(db2CaptureConfig({ ...settings, tables: captureTables(tables.filter((t) => t.source.system === 'db2')) }));
      expect(text).not.toContain('s3cr3t-pw');
      expect(text).not.toContain('dbuser');
    }
  });

  it('names DB2_URL when it is missing or gives no host', () => {
    expect(() => db2CaptureSettings(parseConfig({}))).toThrow(/DB2_URL is not set/);
    expect(() => db2CaptureSettings(parseConfig({ DB2_URL: 'DATABASE=RESDB;UID=u;PWD=p' }))).toThrow(/DB2_URL must name HOSTNAME/);
  });

  it('takes the schema history brokers as the Connect worker reaches Kafka, when they differ from KAFKA_BROKERS', () => {
    const settings = db2CaptureSettings(parseConfig({ DB2_URL: 'db2://u:p@db2:50000/RESDB', FACTORY_CDC_SCHEMA_HISTORY_BROKERS: 'kafka:29092, kafka2:29092' }));
    expect(settings.schemaHistoryBrokers).toEqual(['kafka:29092', 'kafka2:29092']);
  });
});
