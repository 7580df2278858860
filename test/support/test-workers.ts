import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { openCatalogStore, type PostgresCatalogStore } from '../../connectors/catalog/postgres.js';
import type { Config } from '../../core/config.js';
import type { DomainRegistry } from '../../domains/registry.js';
import { startWorkers, type RunningWorkers } from '../../workers/worker.js';
import { testCatalogDatabase } from './catalog.js';
import { connectClient, isolatedEnv, testConfig } from './temporal.js';

/**
 * What an end-to-end test needs around its workflows: a catalog database and a folder of its own
 * (isolatedEnv: queues, DuckDB file, staging), a client, and in-process workers started when the
 * test has set up the warehouse and stopped when it wants to read the DuckDB file itself.
 */
export interface TestWorkers {
  config: Config;
  client: Client;
  catalog: PostgresCatalogStore;
  startWorkers(): Promise<void>;
  /** Stops the workers (they release the DuckDB file); nothing to do when none run. */
  stopWorkers(): Promise<void>;
  /** Stops everything and removes the catalog database and the folder. */
  close(): Promise<void>;
}

export async function openTestWorkers(name: string, registry: DomainRegistry, options: { sourceUrl?: string; env?: Record<string, string> } = {}): Promise<TestWorkers> {
  const base = testConfig();
  const catalogDb = testCatalogDatabase(base.FACTORY_CATALOG_URL);
  const catalog = await openCatalogStore({ url: catalogDb.url });
  const dir = await mkdtemp(join(tmpdir(), `factory-${name}-`));
  const config = testConfig(isolatedEnv(name, dir, options.sourceUrl ?? base.FACTORY_SOURCE_URL, { FACTORY_CATALOG_URL: catalogDb.url, ...options.env }));
  const { client, close: closeClient } = await connectClient(config);
  let workers: RunningWorkers | undefined;
  const stopWorkers = async () => {
    workers?.shutdown();
    await workers?.done;
    workers = undefined;
  };
  return {
    config, client, catalog,
    startWorkers: async () => {
      workers ??= await startWorkers({ config, role: 'all', registry });
    },
    stopWorkers,
    close: async () => {
      await stopWorkers();
      await closeClient();
      await catalog.close();
      await catalogDb.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
