import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { seedSource } from '../cli/source/seed.js';
import { simulate } from '../cli/source/simulate.js';
import { createKafka } from '../connectors/kafka/client.js';
import { createServingReads, type Row, type ServingReads } from '../connectors/serving-store/reads.js';
import { openServingStore, type ServingStore } from '../connectors/serving-store/store.js';
import { parseAccessRole } from '../core/access/policy.js';
import { registry } from '../domains/index.js';
import { accessContextOf } from '../domains/products.js';
import { servedTables } from '../domains/serving-checks.js';
import { backfillDomainWorkflowType, type BackfillManyWorkflow } from '../workflows/api/backfill-many.js';
import { cdcIngestWorkflowType, type CdcIngestWorkflow } from '../workflows/api/cdc-ingest.js';
import { startWorkers, type RunningWorkers } from '../workers/worker.js';
import { registerCapture } from './support/capture.js';
import { createScratchDatabase, sourceStats } from './support/postgres.js';
import { connectClient, drainCdc, isolatedEnv, testConfig } from './support/temporal.js';

/**
 * The serving path end to end on the real stack: the worker's backfill loads the served tables of
 * two domains into the serving store while the source keeps changing, change capture follows the
 * booking domain from the same positions, and then a booking a customer cancels at the source
 * leaves the customer's active bookings in customer-360 — with every served booking table equal to
 * the source (count and checksum).
 */
describe('serving store kept current by backfill and change capture', () => {
  const base = testConfig();
  const topicPrefix = `sv${process.pid}`;
  let scratch: { url: string; drop: () => Promise<void> };
  let capture: Awaited<ReturnType<typeof registerCapture>> | undefined;
  let dir: string;
  let workers: RunningWorkers;
  let client: Client;
  let closeClient: () => Promise<void>;
  let config: ReturnType<typeof testConfig>;
  let store: ServingStore;
  let reads: ServingReads;
  const kafka = createKafka({ brokers: base.KAFKA_BROKERS, clientId: 'serving-e2e-test' });

  beforeAll(async () => {
    scratch = await createScratchDatabase(base.FACTORY_SOURCE_URL, `factory_it_serving_${process.pid}`);
    await seedSource({ url: scratch.url, registry, scale: 0.02, seed: 5 });
    capture = await registerCapture({ connectUrl: base.KAFKA_CONNECT_URL, sourceUrl: scratch.url, topicPrefix, registry, domain: 'booking' });
    dir = await mkdtemp(join(tmpdir(), 'factory-serving-'));
    config = testConfig(isolatedEnv('serving', dir, scratch.url, { FACTORY_CDC_TOPIC_PREFIX: topicPrefix, FACTORY_CHUNK_ROWS: '2000' }));
    workers = await startWorkers({ config, role: 'all', registry });
    ({ client, close: closeClient } = await connectClient(config));
    store = await openServingStore({ url: config.FACTORY_SERVING_URL, served: servedTables(registry.domains), maxConnections: 2 });
    reads = createServingReads({ store, access: accessContextOf(registry), pseudonymKey: new Uint8Array(32) });
  }, 300_000);

  afterAll(async () => {
    workers?.shutdown();
    await workers?.done;
    await closeClient?.();
    await store?.close();
    await capture?.remove(kafka);
    await scratch?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows a change at the source in customer-360 and holds what the source holds', async () => {
    const warehouseTaskQueue = config.TEMPORAL_WAREHOUSE_TASK_QUEUE;
    const changes = simulate({ url: scratch.url, rate: 40, seconds: 15, seed: 3 });
    for (const domain of ['customer', 'booking']) {
      const backfill = await client.workflow.execute<BackfillManyWorkflow>(backfillDomainWorkflowType, {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowId: `backfill:${domain}-serving-${Date.now()}`,
        args: [{ domain, tableConcurrency: 2, chunkRows: 2000, chunkConcurrency: 2, warehouseTaskQueue }],
      });
      expect(backfill.tables.filter((t) => t.error)).toEqual([]);
    }
    const cdc = await client.workflow.start<CdcIngestWorkflow>(cdcIngestWorkflowType, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: `cdc:booking-serving-${Date.now()}`,
      args: [{ domain: 'booking', warehouseTaskQueue, consumer: `cdc.booking.${topicPrefix}`, runSeconds: 3 }],
    });
    expect((await changes).operations.total).toBeGreaterThan(200);

    const source = new pg.Client({ connectionString: scratch.url, options: '-c DateStyle=ISO -c TimeZone=UTC' });
    await source.connect();
    try {
      // A confirmed booking of a customer the store has, cancelled at the source.
      const { rows } = await source.query<{ booking: string; customer: string }>(
        `SELECT b."BOOKING_ID"::text AS booking, b."CUSTOMER_ID"::text AS customer FROM "BOOK"."BOOKING" b
          WHERE b."STATUS_CODE" = 'C' ORDER BY b."BOOKING_ID" LIMIT 1`);
      const { booking, customer } = rows[0]!;
      const admin = parseAccessRole('admin', registry.domains.map((d) => d.name));
      const active = async () => {
        const view = await reads.customer360(customer, admin);
        return view.bookings.readable ? view.bookings.rows.map((r: Row) => r.BOOKING_ID) : [];
      };
      expect(await active()).toContain(booking);
      expect((await reads.customer360(customer, admin)).found).toBe(true);
      await source.query(`UPDATE "BOOK"."BOOKING" SET "STATUS_CODE" = 'X' WHERE "BOOKING_ID" = $1`, [booking]);
      let seen = await active();
      for (let attempt = 0; attempt < 60 && seen.includes(booking); attempt++) {
        await new Promise((r) => setTimeout(r, 500));
        seen = await active();
      }
      expect(seen).not.toContain(booking);

      // Caught up: every served table of the booking domain equals the source.
      const served = servedTables(registry.domains).filter((t) => t.startsWith('booking.'));
      const compare = async () => Promise.all(served.map(async (q) => {
        const table = registry.table(q);
        return { table: q, store: await store.tableStats({ domain: 'booking', table }), source: await sourceStats(source, table) };
      }));
      let compared = await compare();
      for (let attempt = 0; attempt < 40 && compared.some((c) => c.store.rows !== c.source.rows || c.store.checksum !== c.source.checksum); attempt++) {
        await new Promise((r) => setTimeout(r, 1000));
        compared = await compare();
      }
      for (const c of compared) expect(c.store, c.table).toEqual(c.source);
      expect(compared.every((c) => c.source.rows > 0)).toBe(true);
      // The customer domain was backfilled only (no capture): equal to the source as seeded and simulated.
      const customerTable = registry.table('customer.customer');
      expect(await store.tableStats({ domain: 'customer', table: customerTable })).toEqual(await sourceStats(source, customerTable));
    } finally {
      await source.end();
    }
    await drainCdc(cdc);
  }, 600_000);
});
