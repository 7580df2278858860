import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { factoryDomain, factoryStatus, factoryTable } from '../../core/search-attributes.js';

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
