import { WorkflowFailedError, type Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRetention, scheduleRetention } from '../cli/commands/retention.js';
import { removeSchedule } from '../cli/schedules.js';
import { createDuckDbWarehouse } from '../connectors/duckdb/warehouse.js';
import type { DomainDeclaration } from '../contracts/contract.js';
import { loadDomains } from '../domains/load.js';
import { retentionRunWorkflowType, type RetentionRunResult } from '../workflows/api/retention.js';
import { countByAge, seedChangeLog, seedPublishedVersions, snapshotTables } from './support/retention-fixture.js';
import { startFactory } from './support/factory-cli.js';
import { openTestWorkers, type TestWorkers } from './support/test-workers.js';

// Retention on the real stack: DuckDB seeded with change-log rows and product versions of known
// ages, then the retentionRun workflow through a real worker (Temporal dev server), audited in a
// PostgreSQL catalog of the test's own; the warehouse file is read again after the worker stopped.

const columns = [{ name: 'STAY_ID', type: 'BIGINT' }, { name: 'GUEST', type: 'VARCHAR(40)', nullable: true, pii: 'identity' as const }];
const declaration: DomainDeclaration = {
  name: 'rtest',
  description: 'retention test domain',
  dpo: { id: 'dpo.rtest', name: 'Owner' },
  tables: [
    { name: 'stay', description: 'stays (default age, 90 days)', source: { system: 'db2', schema: 'RTEST', table: 'STAY' }, primaryKey: ['STAY_ID'], columns },
    {
      name: 'stay_history', description: 'kept two years', source: { system: 'db2', schema: 'RTEST', table: 'STAY_HIST' }, primaryKey: ['STAY_ID'], columns,
      retention: { changeLogDays: 730 },
    },
    { name: 'never_captured', description: 'no change log', source: { system: 'db2', schema: 'RTEST', table: 'NONE' }, primaryKey: ['STAY_ID'], columns },
  ],
  products: [{ name: 'stays', description: 'stays', tables: ['stay'], retention: { supersededSnapshotDays: 30 } }],
};

describe('retention on the real stack', () => {
  const registry = loadDomains([declaration]);
  const now = Date.now();
  let env: TestWorkers;
  let client: Client;
  const queues = () => ({ taskQueue: env.config.TEMPORAL_TASK_QUEUE, warehouseTaskQueue: env.config.TEMPORAL_WAREHOUSE_TASK_QUEUE });

  beforeAll(async () => {
    env = await openTestWorkers('retention', registry);
    client = env.client;
    const warehouse = await createDuckDbWarehouse({ path: env.config.FACTORY_DUCKDB_PATH });
    try {
      const db = await warehouse.connectReader();
      await seedChangeLog(db, 'rtest', registry.table('rtest.stay'), [{ days: 400, rows: 5 }, { days: 91, rows: 4 }, { days: 89, rows: 3 }, { days: 0, rows: 2 }], now);
      await seedChangeLog(db, 'rtest', registry.table('rtest.stay_history'), [{ days: 800, rows: 6 }, { days: 400, rows: 7 }, { days: 0, rows: 1 }], now);
      await db.run(`CREATE TABLE raw_rtest.stay ("STAY_ID" BIGINT, "GUEST" VARCHAR); INSERT INTO raw_rtest.stay VALUES (1, 'a'), (2, 'b')`);
      await seedPublishedVersions(warehouse, db, { domain: 'rtest', product: 'stays', table: 'stay' }, [100, 10], now);
    } finally {
      await warehouse.close();
    }
    await env.startWorkers();
  });

  afterAll(async () => {
    await env?.close();
  });

  const counts = (r: RetentionRunResult) => r.changeLogs.map((c) => [c.table, c.days, c.before, c.deleted, c.after]);

  it('deletes change-log rows older than each table\'s age and nothing newer, drops the superseded snapshot past its age, audits the run', async () => {
    const dry = await runRetention(client, { dryRun: true }, queues());
    expect(counts(dry)).toEqual([['stay', 90, 14, 9, 14], ['stay_history', 730, 14, 6, 14]]);

    const run = await runRetention(client, {}, queues());
    // Before is still 14: the dry run deleted nothing.
    expect(counts(run)).toEqual([['stay', 90, 14, 9, 5], ['stay_history', 730, 14, 6, 8]]);
    expect(run.tablesWithoutChangeLog).toBe(1);
    expect(run.snapshots).toEqual([expect.objectContaining({
      domain: 'rtest', product: 'stays', days: 30, servedVersion: 3, kept: [2],
      dropped: [expect.objectContaining({ version: 1, snapshots: ['published_rtest.stays__stay__v1'] })],
    })]);
    expect(run.totals).toEqual({ changeLogRowsDeleted: 15, snapshotVersionsDropped: 1, snapshotTablesDropped: 1 });

    // Audited with counts, names, ages and cutoffs.
    const audit = await env.catalog.auditTrail({ kind: 'retention' });
    expect(audit.map((a) => [a.action, a.domain, a.actor])).toEqual([
      ['retention.domain', 'rtest', 'system'], ['retention.run', null, 'system'],
      ['retention.domain', 'rtest', 'system'], ['retention.run', null, 'system'],
    ]);
    expect(audit.map((a) => a.id).slice(2)).toEqual(run.auditIds);
    expect(audit[0]!.detail).toContain('stay 9 of 14 would delete, 14 left (90 d');
    expect(audit[2]!.detail).toContain('stay 9 of 14 deleted, 5 left (90 d');
    expect(audit[2]!.detail).toContain('stay_history 6 of 14 deleted, 8 left (730 d');
    expect(audit[2]!.detail).toContain('stays serves v3, superseded dropped: v1, kept: v2 (30 d');
    expect(audit[3]!.detail).toMatch(/^retention run retention:.*: 2 change logs, 15 rows deleted; 1 published products, 1 superseded versions \(1 snapshots\) dropped$/);
    expect(audit[1]!.detail).toMatch(/^retention dry run /);
  });

  it('fails at once naming an unknown domain; `factory retention run --dry-run` prints the counts and `status` lists the run', async () => {
    const failed = await runRetention(client, { domains: ['rtset'] }, queues()).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    expect((failed as WorkflowFailedError).cause?.message).toBe('retentionRun: unknown domain "rtset": closest are rtest');

    const cliEnv = { TEMPORAL_TASK_QUEUE: queues().taskQueue, TEMPORAL_WAREHOUSE_TASK_QUEUE: queues().warehouseTaskQueue, FACTORY_CATALOG_URL: env.config.FACTORY_CATALOG_URL };
    const dry = await startFactory(['retention', 'run', '--dry-run'], cliEnv).exited;
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/rtest\.stay\s+90 d\s+\S+\s+5\s+0\s+5/);
    expect(dry.stdout).toMatch(/rtest\.stays\s+30 d\s+\S+\s+v3\s+-\s+v2/);
    expect(dry.stdout).toContain('dry run: 0 change-log rows would be deleted, 0 superseded versions (0 snapshots) would be dropped');
    const status = await startFactory(['retention', 'status', '--json'], cliEnv).exited;
    expect(status.code).toBe(0);
    const runs = (JSON.parse(status.stdout) as { runs: { workflowId: string; result?: RetentionRunResult }[] }).runs;
    expect(runs.some((r) => r.result?.dryRun === true && r.result.changeLogs.some((c) => c.domain === 'rtest'))).toBe(true);
  });

  it('runs from a Temporal Schedule whose spec and action are what `factory retention schedule` asked for', async () => {
    const scheduleId = `retention-test-${process.pid}-${Date.now().toString(36)}`;
    try {
      expect(await scheduleRetention(client, { cronExpressions: ['30 3 * * *'] }, queues(), scheduleId)).toBe('created');
      const handle = client.schedule.getHandle(scheduleId);
      let described = await handle.describe();
      expect(described.spec.calendars).toEqual([expect.objectContaining({ hour: [{ start: 3, end: 3, step: 1 }], minute: [{ start: 30, end: 30, step: 1 }] })]);
      expect(described.action).toMatchObject({
        type: 'startWorkflow', workflowType: retentionRunWorkflowType, workflowId: 'retention', taskQueue: env.config.TEMPORAL_TASK_QUEUE,
        args: [{ warehouseTaskQueue: env.config.TEMPORAL_WAREHOUSE_TASK_QUEUE }],
      });
      expect(await scheduleRetention(client, { cronExpressions: ['0 4 * * *'] }, queues(), scheduleId)).toBe('updated');
      described = await handle.describe();
      expect(described.spec.calendars).toEqual([expect.objectContaining({ hour: [{ start: 4, end: 4, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] })]);

      // Triggered now, the scheduled action runs on the worker: everything was pruned, nothing is left to delete.
      await handle.trigger();
      let workflowId: string | undefined;
      for (let i = 0; i < 100 && !workflowId; i++) {
        workflowId = (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId;
        if (!workflowId) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(workflowId).toMatch(/^retention-/);
      const scheduled = await client.workflow.getHandle(workflowId!).result() as RetentionRunResult;
      expect(counts(scheduled)).toEqual([['stay', 90, 5, 0, 5], ['stay_history', 730, 8, 0, 8]]);
      expect(scheduled.dryRun).toBe(false);
    } finally {
      await removeSchedule(client, scheduleId);
    }
  });

  it('left the warehouse with only the rows and snapshots inside their ages', async () => {
    await env.stopWorkers();
    const warehouse = await createDuckDbWarehouse({ path: env.config.FACTORY_DUCKDB_PATH });
    try {
      const db = await warehouse.connectReader();
      expect(await countByAge(db, 'raw_rtest.stay__changes', 90, now)).toEqual({ older: 0, newer: 5 });
      expect(await countByAge(db, 'raw_rtest.stay_history__changes', 730, now)).toEqual({ older: 0, newer: 8 });
      // The 400-day-old history rows are inside the 730-day age: all 7 are still there.
      expect(await countByAge(db, 'raw_rtest.stay_history__changes', 300, now)).toEqual({ older: 7, newer: 1 });
      expect(await snapshotTables(db, 'rtest', 'stays')).toEqual(['stays__stay__v2', 'stays__stay__v3', 'stays__stay__v4']);
      expect(await warehouse.publishedProduct({ domain: 'rtest', product: 'stays' })).toMatchObject({ version: 3, views: [expect.objectContaining({ rows: 2 })] });
    } finally {
      await warehouse.close();
    }
  });
});
