import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { loadDomains } from '../domains/load.js';
import type { DomainDeclaration } from '../contracts/contract.js';
import { backfillTableProgress, backfillTableWorkflowType, type BackfillTableWorkflow } from '../workflows/api/backfill-table.js';
import { warehouseStatsWorkflowType, type WarehouseStatsWorkflow } from '../workflows/api/warehouse-stats.js';
import { spawnWorker, spawnWorkerPair, type WorkerProcess } from './support/processes.js';
import { createScratchDatabase, sourceStats } from './support/postgres.js';
import { connectClient, isolatedEnv, testConfig } from './support/temporal.js';
import { variantTitle, warehouseVariants, type WarehouseKind } from './support/warehouses.js';

/**
 * Rows and chunk size per warehouse. The emulator runs a load job per chunk, several times slower
 * than DuckDB's COPY, so BigQuery gets fewer rows; the chunk count (and so where the kills fall)
 * and every assertion stay the same.
 */
const sizes: Record<WarehouseKind, { rows: number; chunkRows: number }> = {
  duckdb: { rows: 1_200_000, chunkRows: 20_000 },
  bigquery: { rows: 240_000, chunkRows: 4_000 },
};

const declaration: DomainDeclaration = {
  name: 'resume',
  description: 'fault-test domain',
  dpo: { id: 'dpo.resume', name: 'Fault Test Owner' },
  tables: [
    {
      name: 'booking_line',
      description: 'booking lines with a composite key',
      source: { system: 'db2', schema: 'RESUME', table: 'BOOKING_LINE' },
      primaryKey: ['BOOKING_ID', 'LINE_NO'],
      columns: [
        { name: 'BOOKING_ID', type: 'BIGINT' },
        { name: 'LINE_NO', type: 'SMALLINT' },
        { name: 'RESORT_CODE', type: 'CHAR(4)' },
        { name: 'AMOUNT', type: 'DECIMAL(31,8)', nullable: true },
        { name: 'GUEST_NAME', type: 'VARCHAR(60)', nullable: true, pii: 'identity' },
        { name: 'STAY_DATE_NUM', type: 'DECIMAL(8,0)', encoding: 'yyyymmdd' },
        { name: 'CREATED_TS', type: 'TIMESTAMP(6)' },
      ],
    },
  ],
};

/**
 * SIGKILL of real worker processes in the middle of a backfill — the source worker, then the
 * warehouse owner, then both — and the load still ends exact, resuming from finished chunks. Once
 * per warehouse (DuckDB file, BigQuery emulator project of its own).
 */
for (const variant of warehouseVariants()) {
  describe.skipIf(variant.unavailable !== undefined)(variantTitle('backfill survives SIGKILL of its workers', variant), () => {
    const { rows: ROWS, chunkRows: CHUNK_ROWS } = sizes[variant.kind];
    const registry = loadDomains([declaration]);
    const contract = registry.table('resume.booking_line');
    const base = testConfig();
    let scratch: { url: string; drop: () => Promise<void> };
    let dir: string;
    let env: Record<string, string>;
    let declarationsFile: string;
    let client: Client;
    let closeClient: () => Promise<void>;
    const workers: Record<'general' | 'warehouse', WorkerProcess | undefined> = { general: undefined, warehouse: undefined };

    beforeAll(async () => {
      scratch = await createScratchDatabase(base.FACTORY_SOURCE_URL, `factory_it_resume_${variant.kind}_${process.pid}`);
      const admin = new pg.Client({ connectionString: scratch.url });
      await admin.connect();
      await admin.query(`CREATE SCHEMA "RESUME";
        CREATE TABLE "RESUME"."BOOKING_LINE" ("BOOKING_ID" int8 NOT NULL, "LINE_NO" int2 NOT NULL, "RESORT_CODE" character(4) NOT NULL,
          "AMOUNT" numeric(31,8), "GUEST_NAME" varchar(60), "STAY_DATE_NUM" numeric(8,0) NOT NULL, "CREATED_TS" timestamp(6) NOT NULL,
          PRIMARY KEY ("BOOKING_ID", "LINE_NO"));
        INSERT INTO "RESUME"."BOOKING_LINE"
          SELECT g / 4, g % 4, (ARRAY['ALP','SEA1','MTN2','LK'])[1 + g % 4],
            CASE WHEN g % 11 = 0 THEN NULL ELSE round((g * 98765.4321)::numeric, 8) END,
            CASE g % 9 WHEN 0 THEN NULL WHEN 1 THEN '' ELSE (ARRAY['Zoë','Ñandú','Müller','Ελένη','北京','Søren'])[1 + g % 6] || ' ' || g END,
            CASE WHEN g % 997 = 0 THEN 0 ELSE 20240101 + g % 28 END,
            timestamp '2023-01-01' + g * interval '7 seconds 3 microseconds'
          FROM generate_series(0, ${ROWS - 1}) AS g;
        ANALYZE "RESUME"."BOOKING_LINE";`);
      await admin.end();
      dir = await mkdtemp(join(tmpdir(), 'factory-resume-'));
      declarationsFile = join(dir, 'declarations.json');
      await writeFile(declarationsFile, JSON.stringify([declaration]));
      env = isolatedEnv('resume', dir, scratch.url, { FACTORY_CHUNK_CONCURRENCY: '2', ...variant.env('resume') });
      Object.assign(workers, await spawnWorkerPair(declarationsFile, env));
      ({ client, close: closeClient } = await connectClient(testConfig(env)));
    }, 300_000);

    afterAll(async () => {
      await Promise.all([workers.general?.stop(), workers.warehouse?.stop()]);
      await closeClient?.();
      await scratch?.drop();
      await variant.cleanup();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    async function waitForChunks(handle: WorkflowHandle, atLeast: number): Promise<number> {
      for (;;) {
        const progress = await handle.query(backfillTableProgress);
        if (progress.chunksDone >= atLeast) return progress.chunksDone;
        if (progress.phase === 'done' || progress.phase === 'failed') throw new Error(`backfill reached ${progress.phase} before ${atLeast} chunks`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }

    async function restart(role: 'general' | 'warehouse'): Promise<void> {
      await workers[role]!.kill();
      workers[role] = await spawnWorker(role, declarationsFile, env);
    }

    it('resumes from finished chunks after each kill and ends exact', async () => {
      const handle = await client.workflow.start<BackfillTableWorkflow>(backfillTableWorkflowType, {
        taskQueue: env.TEMPORAL_TASK_QUEUE!,
        workflowId: `backfill:resume.booking_line-${variant.kind}-${Date.now()}`,
        args: [{ domain: 'resume', table: 'booking_line', chunkRows: CHUNK_ROWS, concurrency: 2, warehouseTaskQueue: env.TEMPORAL_WAREHOUSE_TASK_QUEUE! }],
      });
      const killedAt: number[] = [];
      killedAt.push(await waitForChunks(handle, 8));
      await restart('general');
      killedAt.push(await waitForChunks(handle, killedAt[0]! + 12));
      await restart('warehouse');
      killedAt.push(await waitForChunks(handle, killedAt[1]! + 12));
      await Promise.all([restart('general'), restart('warehouse')]);
      const result = await handle.result();
      const chunks = Math.ceil(ROWS / CHUNK_ROWS) + 1; // the last boundary leaves an empty open-ended chunk
      expect(result.chunks).toBe(chunks);

      // Exact: the source's own count and checksum equal the warehouse table's.
      const source = new pg.Client({ connectionString: scratch.url });
      await source.connect();
      const expected = await sourceStats(source, contract);
      await source.end();
      expect(expected.rows).toBe(ROWS);
      expect({ rows: result.rows, checksum: result.checksum }).toEqual(expected);
      const stats = await client.workflow.execute<WarehouseStatsWorkflow>(warehouseStatsWorkflowType, {
        taskQueue: env.TEMPORAL_TASK_QUEUE!,
        workflowId: `warehouse-stats:resume-${variant.kind}-${Date.now()}`,
        args: [{ tables: ['resume.booking_line'], warehouseTaskQueue: env.TEMPORAL_WAREHOUSE_TASK_QUEUE! }],
      });
      expect({ rows: stats.tables[0]!.rows, checksum: stats.tables[0]!.checksum }).toEqual(expected);

      // Resumed, not restarted: every chunk was exported once, apart from the few in flight at each
      // kill of the source worker (at most `concurrency` per kill, two such kills).
      const history = await handle.fetchHistory();
      const exportAttempts = countAttempts(history.events ?? [], 'exportChunk');
      expect(exportAttempts.scheduled).toBe(chunks);
      expect(exportAttempts.attempts).toBeLessThanOrEqual(chunks + 2 * 2);
      expect(killedAt[0]).toBeGreaterThanOrEqual(8);
    }, 900_000);
  });
}

/** Scheduled activities of one type and the attempts their completions took. */
type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

function countAttempts(events: HistoryEvent[], activityType: string): { scheduled: number; attempts: number } {
  const scheduledIds = new Set<string>();
  for (const e of events) {
    if (e.activityTaskScheduledEventAttributes?.activityType?.name === activityType) scheduledIds.add(String(e.eventId));
  }
  let attempts = 0;
  for (const e of events) {
    const started = e.activityTaskStartedEventAttributes;
    if (started && scheduledIds.has(String(started.scheduledEventId))) attempts += started.attempt ?? 1;
  }
  return { scheduled: scheduledIds.size, attempts };
}
