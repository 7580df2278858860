import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { seedSource } from '../cli/source/seed.js';
import { registry } from '../domains/index.js';
import { backfillAllWorkflowType, type BackfillManyWorkflow } from '../workflows/api/backfill-many.js';
import type { PublishDataProductResult } from '../workflows/api/publish-data-product.js';
import { startWorkers, type RunningWorkers } from '../workers/worker.js';
import { testCatalogDatabase } from './support/catalog.js';
import { createScratchDatabase } from './support/postgres.js';
import { connectClient, isolatedEnv, testConfig } from './support/temporal.js';
import { temporalCliPath } from './support/time-skipping.js';

/**
 * The last step of `make demo` (scripts/demo-publish.sh), run on its own against a worker of this
 * test's own (its task queues, warehouse file, scratch source and catalog database), and then the
 * two ways to approve that it prints, run as printed: the CLI command, and the Temporal UI signal
 * (sent with the Temporal CLI, which takes the same workflow id, signal name and JSON input).
 */
describe('make demo ends with a publication waiting for its DPO and both ways to approve it', () => {
  const run = promisify(execFile);
  const root = fileURLToPath(new URL('..', import.meta.url));
  const base = testConfig();
  const catalogDb = testCatalogDatabase(base.FACTORY_CATALOG_URL);
  let scratch: { url: string; drop: () => Promise<void> };
  let dir: string;
  let env: Record<string, string>;
  let workers: RunningWorkers;
  let client: Client;
  let closeClient: () => Promise<void>;

  beforeAll(async () => {
    scratch = await createScratchDatabase(base.FACTORY_SOURCE_URL, `factory_it_demo_publish_${process.pid}`);
    await seedSource({ url: scratch.url, registry, scale: 0.005, seed: 5 });
    dir = await mkdtemp(join(tmpdir(), 'factory-demo-publish-'));
    env = isolatedEnv('demo-publish', dir, scratch.url, { FACTORY_CATALOG_URL: catalogDb.url });
    const config = testConfig(env);
    workers = await startWorkers({ config, role: 'all' });
    ({ client, close: closeClient } = await connectClient(config));
    // The demo's publication workflow id is the product's: one that `make demo` left waiting in this
    // stack's Temporal would take this test's requests (its worker gone, they would wait forever).
    const left = await client.workflow.getHandle('publish:booking.bookings').describe().catch(() => undefined);
    if (left?.status.name === 'RUNNING') {
      throw new Error('publish:booking.bookings is running in the stack\'s Temporal (left waiting by `make demo`): approve or reject it with a worker running, '
        + 'or `.stack/bin/temporal workflow terminate --workflow-id publish:booking.bookings`, then run this test again');
    }
    const backfill = await client.workflow.execute<BackfillManyWorkflow>(backfillAllWorkflowType, {
      taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: `backfill:all-demo-publish-${Date.now()}`,
      args: [{ tableConcurrency: 4, chunkRows: 5000, chunkConcurrency: 2, warehouseTaskQueue: config.TEMPORAL_WAREHOUSE_TASK_QUEUE }],
    });
    expect(backfill.tables.filter((t) => t.error)).toEqual([]);
  }, 600_000);

  afterAll(async () => {
    workers?.shutdown();
    await workers?.done;
    await closeClient?.();
    await scratch?.drop();
    await catalogDb.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const shell = async (file: string, args: string[]) => (await run(file, args, { cwd: root, env: { ...process.env, ...env }, maxBuffer: 1 << 24 })).stdout;
  const demoStep = () => shell('bash', ['scripts/demo-publish.sh', 'booking.bookings']);

  it('prints a CLI command and a Temporal UI signal that each approve the waiting candidate', async () => {
    const first = await demoStep();
    expect(first).toMatch(/booking\.bookings v1 waits for its DPO dpo\.booking/);
    const cli = /npx factory (approve booking\.bookings 1 --as dpo\.booking --comment "first publication reviewed")/.exec(first);
    expect(cli, first).not.toBeNull();
    expect(first).toContain('  2. the Temporal UI: open workflow publish:booking.bookings, "Send a Signal":');
    expect(first).toContain('     signal name: decide');
    expect(first).toContain('     input:       {"version":1,"decision":"approve","by":"dpo.booking","comment":"first publication reviewed"}');

    // 1. the printed CLI command, as a DPO would run it.
    const approved = await shell(process.execPath, ['bin/factory.js', 'approve', 'booking.bookings', '1', '--as', 'dpo.booking', '--comment', 'first publication reviewed']);
    expect(cli![1]).toBe('approve booking.bookings 1 --as dpo.booking --comment "first publication reviewed"');
    expect(approved).toContain('booking.bookings v1 approved by dpo.booking and published');

    // 2. a second publication, approved by the printed signal.
    const second = await demoStep();
    const signal = /temporal workflow signal --workflow-id (\S+) --name (\S+) --input '([^']+)'/.exec(second);
    expect(signal, second).not.toBeNull();
    const [, workflowId, name, input] = signal!;
    expect([workflowId, name, JSON.parse(input!)]).toEqual(['publish:booking.bookings', 'decide', { version: 2, decision: 'approve', by: 'dpo.booking', comment: 'first publication reviewed' }]);
    await shell(temporalCliPath, ['workflow', 'signal', '--address', base.TEMPORAL_ADDRESS, '--workflow-id', workflowId!, '--name', name!, '--input', input!]);
    const result = await client.workflow.getHandle(workflowId!).result() as PublishDataProductResult;
    expect(result).toMatchObject({ outcome: 'published', version: 2, decision: { by: 'dpo.booking', via: 'signal' } });
  }, 600_000);
});
