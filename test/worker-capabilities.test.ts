import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainDeclaration } from '../contracts/contract.js';
import { warehouseCapabilities } from '../workers/capabilities.js';
import { capabilities } from '../connectors/warehouse/port.js';
import { bigQueryEnv, dropProject, emulatorUnavailable, runProject } from './support/bigquery.js';
import { spawnWorker } from './support/processes.js';
import { isolatedEnv } from './support/temporal.js';

/**
 * The warehouse worker as a real process, configured for the BigQuery emulator: started for a
 * workflow whose capability BigQuery lacks, it exits at once, non-zero, naming the workflow, the
 * capability and the warehouse; started for the workflows BigQuery can run, it comes up.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const unavailable = await emulatorUnavailable();

const declaration: DomainDeclaration = {
  name: 'caps',
  description: 'capability check test domain',
  dpo: { id: 'dpo.caps', name: 'Owner' },
  tables: [{
    name: 'stay', description: 'stays', source: { system: 'db2', schema: 'CAPS', table: 'STAY' }, primaryKey: ['STAY_ID'],
    columns: [{ name: 'STAY_ID', type: 'BIGINT' }],
  }],
};

/** Runs the worker process to its end; the test's timeout bounds the wait. */
function runWorker(declarationsFile: string, env: Record<string, string>, role = 'warehouse'): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/worker-process.ts', role, declarationsFile], {
    cwd: root, env: { FACTORY_METRICS_PORT: '0', ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr, stdout })));
}

describe.skipIf(unavailable !== undefined)(`warehouse worker capability check on BigQuery${unavailable ? ` — skipped: ${unavailable}` : ''}`, () => {
  let dir: string;
  let declarationsFile: string;
  const project = runProject('caps');
  const env = (workflows: string) => ({ ...bigQueryEnv(project), FACTORY_WORKFLOWS: workflows });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'factory-caps-'));
    declarationsFile = join(dir, 'domains.json');
    await writeFile(declarationsFile, JSON.stringify([declaration]));
  });
  afterAll(async () => {
    await dropProject(project);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  // BigQuery has every capability: the worker starts for every workflow, the default (all) included.
  // (A warehouse lacking one is refused by name: workers/capabilities.test.ts.)
  it('starts with every workflow (FACTORY_WORKFLOWS=all), every capability present', async () => {
    expect([...warehouseCapabilities.bigquery].sort()).toEqual([...capabilities].sort());
    const worker = await spawnWorker('warehouse', declarationsFile, isolatedEnv('caps', dir, 'postgres://nobody@127.0.0.1:1/none', env('all')));
    await worker.stop();
    expect(worker.child.exitCode).toBe(0);
    expect(worker.stderr()).not.toContain('lacks capability');
  });
});

describe('source of each contract system, at worker start', () => {
  let dir: string;
  let declarationsFile: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'factory-sources-'));
    declarationsFile = join(dir, 'domains.json');
    await writeFile(declarationsFile, JSON.stringify([declaration]));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('exits naming DB2_URL when a db2 table has no source and no stand-in is allowed', async () => {
    const env = isolatedEnv('sources', dir, 'postgres://nobody@127.0.0.1:1/none', { FACTORY_DB2_STANDIN: 'none' });
    const { code, stderr, stdout } = await runWorker(declarationsFile, env, 'general');
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(stdout).not.toContain('worker ready');
    expect(stderr).toContain('system db2 (caps.stay) has no source: set DB2_URL');
  });

  it('says at start that the PostgreSQL source stands in for DB2', async () => {
    const env = isolatedEnv('sources', dir, 'postgres://nobody@127.0.0.1:1/none', { FACTORY_DB2_STANDIN: 'postgres', FACTORY_LOG_LEVEL: 'info' });
    const worker = await spawnWorker('general', declarationsFile, env);
    await worker.stop();
    expect(worker.stderr()).toContain('sources: db2 → postgres standing in for db2 (FACTORY_SOURCE_URL)');
  });
});
