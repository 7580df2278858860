import { Client, Connection, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { parseConfig, type Config } from '../../core/config.js';
import { payloadProtection } from '../../connectors/temporal-codec/index.js';
import { updateWhenReady } from '../../connectors/temporal/update.js';
import { drainAndStop, type CdcState } from '../../workflows/api/cdc-ingest.js';

/**
 * Test configuration: the local stack's defaults plus per-test overrides (never process.env beyond this).
 * Workers serve metrics on any free port: several tests and workers share the host.
 */
export function testConfig(overrides: Partial<Record<string, string>> = {}): Config {
  return parseConfig({ FACTORY_METRICS_PORT: '0', ...process.env, ...overrides });
}

/** A client with the workers' payload codec (from the same configuration), as the CLI builds it. */
export async function connectClient(config: Config): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const { dataConverter } = payloadProtection(config);
  return { client: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter }), close: () => connection.close() };
}

/** A task queue of its own per test file, so tests never pick up each other's tasks. */
export function uniqueQueue(name: string): string {
  return `${name}-${process.pid}-${Date.now().toString(36)}`;
}

/**
 * Settings that keep a test's workers to themselves: their own task queues, warehouse file, serving
 * store database (`<source database>_serving`, dropped with a scratch source: test/support/postgres.ts)
 * and staging folder, reading the given source.
 */
export function isolatedEnv(name: string, dir: string, sourceUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  const serving = new URL(sourceUrl);
  serving.pathname = `${serving.pathname}_serving`;
  return {
    FACTORY_SOURCE_URL: sourceUrl,
    FACTORY_SERVING_URL: serving.toString(),
    TEMPORAL_TASK_QUEUE: uniqueQueue(name),
    TEMPORAL_WAREHOUSE_TASK_QUEUE: uniqueQueue(`${name}-wh`),
    FACTORY_DUCKDB_PATH: `${dir}/warehouse.duckdb`,
    FACTORY_STAGING_DIR: `${dir}/staging`,
    FACTORY_LOG_LEVEL: 'warn',
    ...extra,
  };
}

/** drainAndStop on a change capture, sent again while its workflow task fails for a moment (updateWhenReady). */
export function drainCdc(handle: WorkflowHandle): Promise<CdcState> {
  return updateWhenReady(handle, drainAndStop.name, () => handle.executeUpdate(drainAndStop));
}

/**
 * The handle once its workflow exists. A status may name a workflow its parent is still starting
 * (cdcIngest records a schema-change request before startChild returns): wait for it, up to 60 s.
 */
export async function whenStarted<H extends WorkflowHandle>(handle: H): Promise<H> {
  for (let attempt = 0; ; attempt++) {
    try {
      await handle.describe();
      return handle;
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError) || attempt >= 120) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
