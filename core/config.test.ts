import { describe, expect, it } from 'vitest';
import { cliConfigDir, ConfigError, hashKey, parseConfig } from './config.js';

describe('parseConfig', () => {
  it('applies the local-stack defaults', () => {
    const config = parseConfig({});
    expect(config.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.FACTORY_WAREHOUSE).toBe('duckdb');
    expect(config.FACTORY_CHUNK_ROWS).toBe(500_000);
  });

  it('serves the console on the local stack\'s registered address by default and names a bad console setting', () => {
    const config = parseConfig({});
    expect([config.FACTORY_CONSOLE_HOST, config.FACTORY_CONSOLE_PORT, config.FACTORY_CONSOLE_URL]).toEqual(['127.0.0.1', 3000, 'http://127.0.0.1:3000']);
    expect(() => parseConfig({ FACTORY_CONSOLE_PORT: '70000' })).toThrow('FACTORY_CONSOLE_PORT: expected a TCP port up to 65535');
    expect(() => parseConfig({ FACTORY_CONSOLE_URL: 'ftp://console' })).toThrow('FACTORY_CONSOLE_URL: expected the console\'s http(s) address');
    expect(() => parseConfig({ FACTORY_CONSOLE_SESSION_SECRET: 'short' })).toThrow('FACTORY_CONSOLE_SESSION_SECRET: expected at least 32 characters');
  });

  it('reads the enabled workflows: all by default, or a list of names', () => {
    expect(parseConfig({}).FACTORY_WORKFLOWS).toBe('all');
    expect(parseConfig({ FACTORY_WORKFLOWS: 'backfillTable, cdcIngest' }).FACTORY_WORKFLOWS).toEqual(['backfillTable', 'cdcIngest']);
    expect(() => parseConfig({ FACTORY_WORKFLOWS: 'backfill-table' })).toThrow(/FACTORY_WORKFLOWS: expected all, or workflow names/);
  });

  it('reads the agencies with secured views: all by default, or agency ids', () => {
    expect(parseConfig({}).FACTORY_ACCESS_AGENCIES).toBe('all');
    expect(parseConfig({ FACTORY_ACCESS_AGENCIES: '101, 102' }).FACTORY_ACCESS_AGENCIES).toEqual(['101', '102']);
    expect(() => parseConfig({ FACTORY_ACCESS_AGENCIES: 'alpenblick' })).toThrow(/FACTORY_ACCESS_AGENCIES: expected agency ids \(digits\)/);
  });

  it('reads which product writes each source system\'s change topics, naming the variable when a format is unknown', () => {
    expect(parseConfig({}).FACTORY_CDC_FORMATS).toEqual({});
    expect(parseConfig({ FACTORY_CDC_FORMATS: 'db2=iidr-kcop-json, crm=debezium-postgresql' }).FACTORY_CDC_FORMATS).toEqual({ db2: 'iidr-kcop-json', crm: 'debezium-postgresql' });
    expect(() => parseConfig({ FACTORY_CDC_FORMATS: 'db2=iidr' })).toThrow(/FACTORY_CDC_FORMATS: expected <system>=<format> with format one of debezium, debezium-postgresql, debezium-db2, iidr-kcop-json, got 'db2=iidr'/);
  });

  it('reads a list of brokers and numbers', () => {
    const config = parseConfig({ KAFKA_BROKERS: 'a:9092, b:9093', FACTORY_CHUNK_ROWS: '1000' });
    expect(config.KAFKA_BROKERS).toEqual(['a:9092', 'b:9093']);
    expect(config.FACTORY_CHUNK_ROWS).toBe(1000);
  });

  it('names the variable, the problem and the expected form', () => {
    expect(() => parseConfig({ TEMPORAL_ADDRESS: 'localhost' })).toThrow(
      new ConfigError('Invalid configuration (environment variables):\n  TEMPORAL_ADDRESS: expected host:port, e.g. 127.0.0.1:7233'),
    );
  });

  it('reports every bad variable at once', () => {
    expect(() => parseConfig({ FACTORY_WAREHOUSE: 'snowflake', FACTORY_CHUNK_ROWS: '-5', FACTORY_SOURCE_URL: 'mysql://x' })).toThrow(
      'Invalid configuration (environment variables):\n' +
        '  FACTORY_SOURCE_URL: expected a PostgreSQL URL, e.g. postgres://user:password@127.0.0.1:55432/dbname\n' +
        '  FACTORY_WAREHOUSE: expected duckdb or bigquery\n' +
        '  FACTORY_CHUNK_ROWS: expected a number above 0',
    );
  });

  it('takes an http(s) notification webhook and refuses anything else, naming the variable', () => {
    expect(parseConfig({ FACTORY_NOTIFY_WEBHOOK_URL: 'https://hooks.example.org/factory' }).FACTORY_NOTIFY_WEBHOOK_URL).toBe('https://hooks.example.org/factory');
    expect(parseConfig({}).FACTORY_NOTIFY_WEBHOOK_URL).toBeUndefined();
    for (const bad of ['hooks.example.org/factory', 'ftp://hooks.example.org/factory']) {
      expect(() => parseConfig({ FACTORY_NOTIFY_WEBHOOK_URL: bad })).toThrow(
        'Invalid configuration (environment variables):\n  FACTORY_NOTIFY_WEBHOOK_URL: expected an http(s) URL such as https://hooks.example.org/factory',
      );
    }
  });

  it('rejects a bad broker in the list', () => {
    expect(() => parseConfig({ KAFKA_BROKERS: '127.0.0.1:9092,broker' })).toThrow(
      'Invalid configuration (environment variables):\n  KAFKA_BROKERS: expected host:port, e.g. 127.0.0.1:7233',
    );
  });
});

describe('cliConfigDir', () => {
  it('takes FACTORY_CONFIG_DIR, else $XDG_CONFIG_HOME/factory, else $HOME/.config/factory', () => {
    expect(cliConfigDir(parseConfig({ FACTORY_CONFIG_DIR: '/tmp/f', XDG_CONFIG_HOME: '/x', HOME: '/home/a' }))).toBe('/tmp/f');
    expect(cliConfigDir(parseConfig({ XDG_CONFIG_HOME: '/x/', HOME: '/home/a' }))).toBe('/x/factory');
    expect(cliConfigDir(parseConfig({ HOME: '/home/a' }))).toBe('/home/a/.config/factory');
  });

  it('ignores a relative XDG_CONFIG_HOME and names the variable when nothing is usable', () => {
    expect(cliConfigDir(parseConfig({ XDG_CONFIG_HOME: 'rel', HOME: '/home/a' }))).toBe('/home/a/.config/factory');
    expect(() => cliConfigDir(parseConfig({ XDG_CONFIG_HOME: 'rel' }))).toThrow(/FACTORY_CONFIG_DIR: unset, and neither XDG_CONFIG_HOME nor HOME/);
  });
  it('insists on an identity provider and payload encryption with FACTORY_AUTH=oidc, naming each variable', () => {
    expect(parseConfig({}).FACTORY_AUTH).toBe('dev');
    expect(() => parseConfig({ FACTORY_AUTH: 'oidc' })).toThrow(/OIDC_DISCOVERY_URL: required with FACTORY_AUTH=oidc[\s\S]*FACTORY_PAYLOAD_KEYS: required with FACTORY_AUTH=oidc/);
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(parseConfig({ FACTORY_AUTH: 'oidc', OIDC_DISCOVERY_URL: 'http://127.0.0.1:8480/realms/factory/.well-known/openid-configuration', FACTORY_PAYLOAD_KEYS: `k1:${key}` }).FACTORY_AUTH).toBe('oidc');
    expect(() => parseConfig({ FACTORY_AUTH: 'sso' })).toThrow(/FACTORY_AUTH: expected dev or oidc/);
  });
});

describe('hash keys', () => {
  const key = 'k1:' + Buffer.alloc(32, 1).toString('base64');
  it('falls back to a development key in dev, and says so', () => {
    const { key: k, development } = hashKey(parseConfig({}), 'FACTORY_ERASURE_KEY');
    expect([k.id, development, k.bytes().length]).toEqual(['dev-erasure', true, 32]);
    expect(hashKey(parseConfig({}), 'FACTORY_PSEUDONYM_KEYS').key.id).toBe('dev-pseudonym');
  });
  it('uses the configured current key', () => {
    const other = 'k2:' + Buffer.alloc(32, 2).toString('base64');
    const config = parseConfig({ FACTORY_PSEUDONYM_KEYS: `${key},${other}`, FACTORY_PSEUDONYM_KEY_ID: 'k2' });
    expect(hashKey(config, 'FACTORY_PSEUDONYM_KEYS')).toMatchObject({ development: false, key: { id: 'k2' } });
  });
  it('requires both keys with oidc and names a bad one', () => {
    const oidc = { FACTORY_AUTH: 'oidc', OIDC_DISCOVERY_URL: 'http://127.0.0.1:8480/realms/factory/.well-known/openid-configuration', FACTORY_PAYLOAD_KEYS: key };
    expect(() => hashKey(parseConfig(oidc), 'FACTORY_PSEUDONYM_KEYS')).toThrow('FACTORY_PSEUDONYM_KEYS: required with FACTORY_AUTH=oidc');
    expect(() => hashKey(parseConfig(oidc), 'FACTORY_ERASURE_KEY')).toThrow('FACTORY_ERASURE_KEY: required with FACTORY_AUTH=oidc');
    expect(() => parseConfig({ FACTORY_ERASURE_KEY: `${key},k2:${Buffer.alloc(32, 2).toString('base64')}` })).toThrow('FACTORY_ERASURE_KEY: expected exactly one');
    expect(() => parseConfig({ FACTORY_PSEUDONYM_KEYS: key, FACTORY_PSEUDONYM_KEY_ID: 'nope' })).toThrow("FACTORY_PSEUDONYM_KEY_ID: expected one of the key ids of FACTORY_PSEUDONYM_KEYS, got 'nope'");
  });

  it('serves metrics on loopback port 9464 by default, any free port with 0, none with off; traces only with a collector URL', () => {
    const defaults = parseConfig({});
    expect([defaults.FACTORY_METRICS_HOST, defaults.FACTORY_METRICS_PORT, defaults.OTEL_EXPORTER_OTLP_ENDPOINT]).toEqual(['127.0.0.1', 9464, undefined]);
    expect(parseConfig({ FACTORY_METRICS_PORT: '0' }).FACTORY_METRICS_PORT).toBe(0);
    expect(parseConfig({ FACTORY_METRICS_PORT: 'off' }).FACTORY_METRICS_PORT).toBe('off');
    expect(() => parseConfig({ FACTORY_METRICS_PORT: '70000' })).toThrow('FACTORY_METRICS_PORT:');
    expect(() => parseConfig({ FACTORY_METRICS_PORT: 'on' })).toThrow('FACTORY_METRICS_PORT: expected a port number (0 = any free port) or off');
    expect(parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://127.0.0.1:4318');
    expect(() => parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: '127.0.0.1:4317' })).toThrow('OTEL_EXPORTER_OTLP_ENDPOINT: expected the OTLP/HTTP base URL');
  });
});
