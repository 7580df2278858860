import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { loadDomains } from '../domains/load.js';
import { backfillAllWorkflowType, type BackfillManyWorkflow } from '../workflows/api/backfill-many.js';
import { warehouseStatsWorkflowType, type WarehouseStatsWorkflow } from '../workflows/api/warehouse-stats.js';
import { startWorkers, type RunningWorkers } from '../workers/worker.js';
import { createScratchDatabase, sourceStats } from './support/postgres.js';
import { createSyntheticTables, syntheticDeclarations } from './support/synthetic.js';
import { connectClient, isolatedEnv, testConfig } from './support/temporal.js';

// 350 tables, as many as the DB2 system of record has: every run of the parent and every child
// stays far below 10,000 history events, and every table lands exactly.
describe('backfillAll over a 350-table synthetic source', () => {
  const synthetic = syntheticDeclarations(7, 50);
  const registry = loadDomains(synthetic.declarations);
  const base = testConfig();
  let scratch: { url: string; drop: () => Promise<void> };
  let dir: string;
  let workers: RunningWorkers;
  let client: Client;
  let closeClient: () => Promise<void>;
  let config: ReturnType<typeof testConfig>;

  beforeAll(async () => {
    scratch = await createScratchDatabase(base.FACTORY_SOURCE_URL, `factory_it_many_${process.pid}`);
    const admin = new pg.Client({ connectionString: scratch.url });
    await admin.connect();
    await createSyntheticTables(admin, synthetic);
    await admin.end();
    dir = await mkdtemp(join(tmpdir(), 'factory-many-'));
    config = testConfig(isolatedEnv('many', dir, scratch.url, { FACTORY_CHUNK_CONCURRENCY: '2' }));
    workers = await startWorkers({ config, role: 'all', registry });
    ({ client, close: closeClient } = await connectClient(config));
  });

  afterAll(async () => {
    workers?.shutdown();
    await workers?.done;
    await closeClient?.();
    await scratch?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loads every table exactly, with bounded histories, continuing as new', async () => {
    const workflowId = `backfill:all-synthetic-${Date.now()}`;
    const handle = await client.workflow.start<BackfillManyWorkflow>(backfillAllWorkflowType, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId,
      // A small history budget forces several continue-as-new hand-overs within 350 tables.
      args: [{ tableConcurrency: 8, chunkRows: 20, chunkConcurrency: 2, warehouseTaskQueue: config.TEMPORAL_WAREHOUSE_TASK_QUEUE, historyBudget: 1000 }],
    });
    const result = await handle.result();
    expect(result.tables).toHaveLength(350);
    expect(result.tables.filter((t) => t.error)).toEqual([]);
    expect(result.runs).toBeGreaterThan(1);
    const expectedTotal = [...synthetic.expectedRows.values()].reduce((a, b) => a + b, 0);
    expect(result.rows).toBe(expectedTotal);

    // Every run of the parent chain, and every child, read from the server's histories.
    const runs = [];
    for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(run);
    expect(runs.length).toBe(result.runs);
    for (const run of runs) {
      const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
      expect(history.events!.length).toBeLessThan(10_000);
    }
    let largestChild = 0;
    for (const qualified of synthetic.expectedRows.keys()) {
      const history = await client.workflow.getHandle(`backfill:${qualified}`).fetchHistory();
      largestChild = Math.max(largestChild, history.events!.length);
    }
    expect(largestChild).toBeLessThan(10_000);

    // Warehouse == source, per table: row count and content checksum.
    const stats = await client.workflow.execute<WarehouseStatsWorkflow>(warehouseStatsWorkflowType, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: `warehouse-stats:${workflowId}`,
      args: [{ tables: [...synthetic.expectedRows.keys()], warehouseTaskQueue: config.TEMPORAL_WAREHOUSE_TASK_QUEUE }],
    });
    const source = new pg.Client({ connectionString: scratch.url });
    await source.connect();
    try {
      for (const t of stats.tables) {
        const expected = await sourceStats(source, registry.table(t.table));
        expect({ table: t.table, rows: t.rows, checksum: t.checksum }).toEqual({ table: t.table, ...expected });
        expect(t.rows).toBe(synthetic.expectedRows.get(t.table));
      }
    } finally {
      await source.end();
    }
  }, 900_000);
});
