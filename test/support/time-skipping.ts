import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { factoryDomain, factoryStatus, factoryTable } from '../../workflows/api/search-attributes.js';

/** Binaries that `stack.sh provision` installed: the SDK's default would download them, which is not possible here. */
export const testServerPath = fileURLToPath(new URL('../../.stack/bin/temporal-test-server', import.meta.url));
export const temporalCliPath = fileURLToPath(new URL('../../.stack/bin/temporal', import.meta.url));
export const workflowsPath = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
}

/** Java test server with time skipping: for timers (reminders, expiries). Our search attributes are registered on it. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServerPath } } });
  // The SDK registers search attributes only on the dev server; the test server takes them through
  // the operator service. 2 is INDEXED_VALUE_TYPE_KEYWORD (all of ours are keywords).
  const keyword = 2;
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries([factoryDomain, factoryTable, factoryStatus].map((k) => [k.name, keyword])),
  });
  return env;
}

/** A fresh in-memory dev server with our search attributes: for workflow logic that upserts them. */
export async function createLocalEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: temporalCliPath }, searchAttributes: [factoryDomain, factoryTable, factoryStatus], ip: '127.0.0.1' },
  });
}

/** A workflows module of test/support (real workflows plus stand-ins), by file name. */
export const supportWorkflowsPath = (file: string): string => fileURLToPath(new URL(`./${file}`, import.meta.url));

export interface TimeSkippingWorkers {
  env: TestWorkflowEnvironment;
  stop(): Promise<void>;
}

/**
 * The time-skipping server with a workflow worker on task queue 'main' (general activities) and an
 * activity worker on 'wh' (the warehouse owner's), as the approval workflow tests need them.
 */
export async function startTimeSkippingWorkers(input: { workflowsPath: string; general: object; warehouse: object }): Promise<TimeSkippingWorkers> {
  const env = await createTimeSkippingEnv();
  const workers = [
    await Worker.create({ connection: env.nativeConnection, taskQueue: 'main', workflowsPath: input.workflowsPath, activities: input.general }),
    await Worker.create({ connection: env.nativeConnection, taskQueue: 'wh', activities: input.warehouse }),
  ];
  const running = Promise.all(workers.map((w) => w.run()));
  return {
    env,
    async stop() {
      workers.forEach((w) => w.shutdown());
      await running;
      await env.teardown();
    },
  };
}
