import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { seedSource } from '../cli/source/seed.js';
import { simulate } from '../cli/source/simulate.js';
import { createKafka } from '../connectors/kafka/client.js';
import { registry } from '../domains/index.js';
import { backfillDomainWorkflowType, type BackfillManyWorkflow } from '../workflows/api/backfill-many.js';
import { cdcIngestWorkflowType, cdcStatus, type CdcIngestWorkflow } from '../workflows/api/cdc-ingest.js';
import { verifyTablesWorkflowType, type VerifyTablesResult, type VerifyTablesWorkflow } from '../workflows/api/verify.js';
import { startWorkers, type RunningWorkers } from '../workers/worker.js';
import { registerCapture } from './support/capture.js';
import { createScratchDatabase } from './support/postgres.js';
import { connectClient, drainCdc, isolatedEnv, testConfig, whenStarted } from './support/temporal.js';
import { variantTitle, warehouseVariants } from './support/warehouses.js';

/**
 * The backfill → change-capture handover on the real stack: Debezium captures a seeded source
 * while the change simulator runs during the backfill and after it; once it stops and CDC has
 * caught up, every table of the domain equals the source (row count and content checksum: live rows
 * plus open quarantined rows). Once per warehouse, with the domain's quarantine rules on both.
 */
for (const variant of warehouseVariants()) {
  describe.skipIf(variant.unavailable !== undefined)(variantTitle('gapless handover from backfill to change capture', variant), () => {
    const base = testConfig();
    const topicPrefix = `it${variant.kind[0]}${process.pid}`;
    let scratch: { url: string; drop: () => Promise<void> };
    let capture: Awaited<ReturnType<typeof registerCapture>> | undefined;
    let dir: string;
    let workers: RunningWorkers;
    let client: Client;
    let closeClient: () => Promise<void>;
    let config: ReturnType<typeof testConfig>;
    const kafka = createKafka({ brokers: base.KAFKA_BROKERS, clientId: 'handover-test' });

    beforeAll(async () => {
      scratch = await createScratchDatabase(base.FACTORY_SOURCE_URL, `factory_it_cdc_${variant.kind}_${process.pid}`);
      await seedSource({ url: scratch.url, registry, scale: 0.02, seed: 7 });
      // The slot exists before the backfill records its start position: nothing can fall between.
      capture = await registerCapture({ connectUrl: base.KAFKA_CONNECT_URL, sourceUrl: scratch.url, topicPrefix, registry, domain: 'booking' });
      dir = await mkdtemp(join(tmpdir(), 'factory-cdc-'));
      config = testConfig(isolatedEnv('cdc', dir, scratch.url, { FACTORY_CDC_TOPIC_PREFIX: topicPrefix, FACTORY_CHUNK_ROWS: '2000', ...variant.env('handover') }));
      workers = await startWorkers({ config, role: 'all', registry });
      ({ client, close: closeClient } = await connectClient(config));
    }, 300_000);

    afterAll(async () => {
      workers?.shutdown();
      await workers?.done;
      await closeClient?.();
      await capture?.remove(kafka);
      await scratch?.drop();
      await variant.cleanup();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('loses and duplicates nothing while the source keeps changing', async () => {
      const changes = simulate({ url: scratch.url, rate: 60, seconds: 25, seed: 11 });
      const warehouseTaskQueue = config.TEMPORAL_WAREHOUSE_TASK_QUEUE;
      const backfill = await client.workflow.execute<BackfillManyWorkflow>(backfillDomainWorkflowType, {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowId: `backfill:booking-handover-${variant.kind}-${Date.now()}`,
        args: [{ domain: 'booking', tableConcurrency: 2, chunkRows: 2000, chunkConcurrency: 2, warehouseTaskQueue }],
      });
      expect(backfill.tables.filter((t) => t.error)).toEqual([]);

      const cdc = await client.workflow.start<CdcIngestWorkflow>(cdcIngestWorkflowType, {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowId: `cdc:booking-handover-${variant.kind}-${Date.now()}`,
        args: [{ domain: 'booking', warehouseTaskQueue, consumer: `cdc.booking.${topicPrefix}`, runSeconds: 3 }],
      });
      const simulated = await changes;
      expect(simulated.operations.total).toBeGreaterThan(500);
      // Changes after every table's start position too: on a slow warehouse the backfill can outlast
      // the first simulation, whose changes its snapshots then hold, and change capture applies none.
      await simulate({ url: scratch.url, rate: 60, seconds: 4, seed: 12 });

      // Caught up when every table equals the source; the source no longer changes.
      let verified: VerifyTablesResult | undefined;
      for (let attempt = 0; attempt < 40; attempt++) {
        verified = await client.workflow.execute<VerifyTablesWorkflow>(verifyTablesWorkflowType, {
          taskQueue: config.TEMPORAL_TASK_QUEUE,
          workflowId: `verify:handover-${variant.kind}-${Date.now()}`,
          args: [{ tables: [], domain: 'booking', warehouseTaskQueue }],
        });
        if (verified.allEqual) break;
        await new Promise((r) => setTimeout(r, 3000));
      }
      expect(verified!.tables.filter((t) => !t.equal)).toEqual([]);

      const status = await cdc.query(cdcStatus);
      expect(status.totals.applied).toBeGreaterThan(0);
      expect(status.totals.deadLettered).toBe(0);
      expect(status.pausedTables).toEqual([]);

      // Schema evolution: an added column is reported (and its values kept), a dropped one pauses its table.
      const source = new pg.Client({ connectionString: scratch.url });
      await source.connect();
      try {
        await source.query(`ALTER TABLE "BOOK"."BOOKING" ADD COLUMN "LOYALTY_NOTE" varchar(20)`);
        await source.query(`UPDATE "BOOK"."BOOKING" SET "LOYALTY_NOTE" = 'gold' WHERE "BOOKING_ID" = (SELECT min("BOOKING_ID") FROM "BOOK"."BOOKING")`);
        await source.query(`ALTER TABLE "BOOK"."BOOKING_STAT_HIST" DROP COLUMN "REASON_CODE"`);
        await source.query(`UPDATE "BOOK"."BOOKING_STAT_HIST" SET "CHANGED_BY" = 'SCHEMA01' WHERE ctid = (SELECT min(ctid) FROM "BOOK"."BOOKING_STAT_HIST")`);
      } finally {
        await source.end();
      }
      let evolved = await cdc.query(cdcStatus);
      for (let attempt = 0; attempt < 40 && (evolved.pausedTables.length === 0 || !evolved.addedColumns['booking.booking']); attempt++) {
        await new Promise((r) => setTimeout(r, 1000));
        evolved = await cdc.query(cdcStatus);
      }
      expect(evolved.addedColumns['booking.booking']).toEqual(['LOYALTY_NOTE']);
      expect(evolved.pausedTables.map((p) => p.table)).toEqual(['booking.booking_status_history']);
      expect(evolved.pausedTables[0]!.reason).toMatch(/REASON_CODE/);
      // The pause asks the DPO (schemaChangeApproval, which outlives cdcIngest): close it with the test.
      expect(evolved.pausedTables[0]!.approval?.state).toBe('requested');
      await (await whenStarted(client.workflow.getHandle(evolved.pausedTables[0]!.approval!.workflowId))).terminate('test over');

      const final = await drainCdc(cdc);
      expect(final.totals.applied).toBeGreaterThanOrEqual(status.totals.applied);
      expect((await cdc.describe()).status.name).toBe('COMPLETED');
    }, 600_000);
  });
}
