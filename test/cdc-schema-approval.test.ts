import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { DecisionRefusedError, decideOnSchemaChange } from '../cli/commands/approvals.js';
import { seedSource } from '../cli/source/seed.js';
import { openCatalogStore } from '../connectors/catalog/postgres.js';
import { createKafka } from '../connectors/kafka/client.js';
import { createPostgresSource } from '../connectors/postgres/source.js';
import { checksumColumnsOf } from '../core/checksum.js';
import { registry } from '../domains/index.js';
import { backfillDomainWorkflowType, type BackfillManyWorkflow } from '../workflows/api/backfill-many.js';
import { cdcIngestWorkflowType, cdcStatus, type CdcIngestWorkflow, type CdcStatus } from '../workflows/api/cdc-ingest.js';
import { schemaChangeStatus, schemaChangeWorkflowId } from '../workflows/api/schema-change-approval.js';
import { warehouseStatsWorkflowType, type WarehouseStatsWorkflow } from '../workflows/api/warehouse-stats.js';
import { startWorkers, type RunningWorkers } from '../workers/worker.js';
import { registerCapture } from './support/capture.js';
import { testCatalogDatabase } from './support/catalog.js';
import { createScratchDatabase } from './support/postgres.js';
import { connectClient, drainCdc, isolatedEnv, testConfig, whenStarted } from './support/temporal.js';
import { variantTitle, warehouseVariants } from './support/warehouses.js';

/**
 * A breaking schema change on the real stack: a column dropped at the source pauses its table's
 * change capture and asks the DPO; after the approval the table resumes by itself from the paused
 * offset, reading the dropped (nullable) column as NULL: the warehouse then holds exactly the rows
 * of a copy of the source table taken before the drop, with the same updates applied and the column
 * set to NULL on the updated rows (count and content checksum).
 */
for (const variant of warehouseVariants()) {
describe.skipIf(variant.unavailable !== undefined)(variantTitle('a breaking schema change waits for the DPO, then ingestion resumes by itself', variant), () => {
    const base = testConfig();
    const topicPrefix = `sc${variant.kind[0]}${process.pid}`;
    const table = registry.table('booking.booking_status_history');
    const catalogDb = testCatalogDatabase(base.FACTORY_CATALOG_URL);
    let scratch: { url: string; drop: () => Promise<void> };
    let capture: Awaited<ReturnType<typeof registerCapture>> | undefined;
    let dir: string;
    let workers: RunningWorkers;
    let client: Client;
    let closeClient: () => Promise<void>;
    let config: ReturnType<typeof testConfig>;
    const kafka = createKafka({ brokers: base.KAFKA_BROKERS, clientId: 'schema-approval-test' });

    beforeAll(async () => {
      scratch = await createScratchDatabase(base.FACTORY_SOURCE_URL, `factory_it_schema_${variant.kind}_${process.pid}`);
      await seedSource({ url: scratch.url, registry, scale: 0.005, seed: 3 });
      capture = await registerCapture({ connectUrl: base.KAFKA_CONNECT_URL, sourceUrl: scratch.url, topicPrefix, registry, domain: 'booking' });
      dir = await mkdtemp(join(tmpdir(), 'factory-schema-'));
      config = testConfig(isolatedEnv('schema', dir, scratch.url, { FACTORY_CDC_TOPIC_PREFIX: topicPrefix, FACTORY_CATALOG_URL: catalogDb.url, ...variant.env('schema') }));
      workers = await startWorkers({ config, role: 'all' });
      ({ client, close: closeClient } = await connectClient(config));
    }, 300_000);

    afterAll(async () => {
      workers?.shutdown();
      await workers?.done;
      await closeClient?.();
      await capture?.remove(kafka);
      await scratch?.drop();
      await catalogDb.drop();
      await variant.cleanup();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('pauses at the dropped column, refuses someone not entitled, and after the DPO approves lands every later change exactly once', async () => {
      const warehouseTaskQueue = config.TEMPORAL_WAREHOUSE_TASK_QUEUE;
      const backfill = await client.workflow.execute<BackfillManyWorkflow>(backfillDomainWorkflowType, {
        taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: `backfill:booking-schema-${variant.kind}-${Date.now()}`,
        args: [{ domain: 'booking', tableConcurrency: 2, chunkRows: 5000, chunkConcurrency: 2, warehouseTaskQueue }],
      });
      expect(backfill.tables.filter((t) => t.error)).toEqual([]);
      const cdcWorkflowId = `cdc:booking-schema-${variant.kind}-${Date.now()}`;
      const cdc = await client.workflow.start<CdcIngestWorkflow>(cdcIngestWorkflowType, {
        taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: cdcWorkflowId,
        args: [{ domain: 'booking', warehouseTaskQueue, consumer: `cdc.booking.${topicPrefix}`, runSeconds: 2 }],
      });
      // The first query may come before the workflow's handlers are set (it reads its tables first).
      const status = () => cdc.query(cdcStatus).catch(() => undefined);
      const until = async (test: (s: CdcStatus) => boolean) => {
        for (let attempt = 0; attempt < 120; attempt++) {
          const s = await status();
          if (s && test(s)) return s;
          await new Promise((r) => setTimeout(r, 1000));
        }
        throw new Error(`cdc status never matched: ${JSON.stringify(await status())}`);
      };
      await until((s) => s.runs > 0);

      const source = new pg.Client({ connectionString: scratch.url });
      await source.connect();
      try {
        // What the warehouse must hold in the end: the table before the drop, with the same updates and REASON_CODE NULL on the updated rows.
        await source.query('CREATE SCHEMA "EXPECT"; CREATE TABLE "EXPECT"."BOOKING_STAT_HIST" AS SELECT * FROM "BOOK"."BOOKING_STAT_HIST"');
        // Rows with a REASON_CODE, so that reading it as NULL shows in the checksum.
        await source.query(`CREATE TABLE "EXPECT"."PICKED" AS SELECT "BOOKING_ID", "CHANGED_TS" FROM "EXPECT"."BOOKING_STAT_HIST" WHERE "REASON_CODE" IS NOT NULL ORDER BY 1, 2 LIMIT 3`);
        const picked = `("BOOKING_ID", "CHANGED_TS") IN (SELECT "BOOKING_ID", "CHANGED_TS" FROM "EXPECT"."PICKED")`;
        await source.query(`UPDATE "EXPECT"."BOOKING_STAT_HIST" SET "CHANGED_BY" = 'SCHEMA01', "REASON_CODE" = NULL WHERE ${picked}`);
        await source.query('ALTER TABLE "BOOK"."BOOKING_STAT_HIST" DROP COLUMN "REASON_CODE"');
        const updated = await source.query(`UPDATE "BOOK"."BOOKING_STAT_HIST" SET "CHANGED_BY" = 'SCHEMA01' WHERE ${picked}`);
        expect(updated.rowCount).toBe(3);
      } finally {
        await source.end();
      }

      const paused = await until((s) => s.pausedTables[0]?.approval?.state === 'requested');
      expect(paused.pausedTables).toEqual([expect.objectContaining({ table: 'booking.booking_status_history', blockers: [], change: { added: [], dropped: ['REASON_CODE'], retyped: [] } })]);
      const appliedBefore = paused.totals.applied;
      const approval = await whenStarted(client.workflow.getHandle(paused.pausedTables[0]!.approval!.workflowId));
      expect(approval.workflowId).toBe(schemaChangeWorkflowId(cdcWorkflowId, 'booking.booking_status_history'));
      let waiting = await approval.query(schemaChangeStatus);
      while (waiting.phase !== 'awaiting-approval') waiting = await new Promise((r) => setTimeout(r, 500)).then(() => approval.query(schemaChangeStatus));
      const catalog = await openCatalogStore({ url: catalogDb.url });
      expect(await catalog.schemaChange({ id: waiting.request! }))
        .toMatchObject({ table: 'booking.booking_status_history', status: 'pending', offset: paused.pausedTables[0]!.offset });

      const decide = (by: string) => decideOnSchemaChange(client, { table: 'booking.booking_status_history', request: waiting.request!, decision: 'approve', by, comment: 'REASON_CODE retired', cdcWorkflowId }, { audit: (entry) => catalog.appendAudit(entry) });
      await expect(decide('dpo.customer')).rejects.toThrow(DecisionRefusedError);
      expect(await decide('dpo.booking')).toMatchObject({ outcome: 'approved', resumes: true });
      // The workflow audits the refused Update itself (its handler judges it; the validator refuses nothing).
      const refusals = (await catalog.auditTrail({ domain: 'booking' }).finally(() => catalog.close())).filter((a) => !a.authorized);
      expect(refusals.map((a) => [a.actor, a.action, a.outcome, a.via, a.detail])).toEqual([[
        'dpo.customer', 'schema-change.decide.refused', 'refused', 'update',
        `booking.booking_status_history schema change request ${waiting.request!}: decision update refused: dpo.customer may not decide for domain booking: only its DPO (dpo.booking) or deputies (deputy.booking.1, deputy.booking.2) may`,
      ]]);

      const topic = `${topicPrefix}.BOOK.BOOKING_STAT_HIST`;
      const resumed = await until((s) => s.pausedTables.length === 0 && s.lag.some((l) => l.topic === topic && l.lag === 0));
      expect(resumed.acceptedChanges).toEqual({ 'booking.booking_status_history': { dropped: ['REASON_CODE'], retyped: [] } });
      expect(resumed.totals.applied - appliedBefore).toBe(3);
      expect(resumed.totals.deadLettered).toBe(0);

      const reader = createPostgresSource({ url: scratch.url, system: 'pg' });
      const expected = await reader.tableChecksum({ ref: { schema: 'EXPECT', table: 'BOOKING_STAT_HIST' }, checksumColumns: checksumColumnsOf(table) }).finally(() => reader.close());
      const stats = await client.workflow.execute<WarehouseStatsWorkflow>(warehouseStatsWorkflowType, {
        taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: `stats:schema-${variant.kind}-${Date.now()}`, args: [{ tables: ['booking.booking_status_history'], warehouseTaskQueue }],
      });
      expect({ rows: stats.tables[0]!.rows, checksum: stats.tables[0]!.checksum }).toEqual(expected);
      await drainCdc(cdc);
    }, 600_000);
  });
}
