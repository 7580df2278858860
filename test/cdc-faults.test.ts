import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { seedSource } from '../cli/source/seed.js';
import { simulate } from '../cli/source/simulate.js';
import { createKafka } from '../connectors/kafka/client.js';
import { declarations, registry } from '../domains/index.js';
import { backfillDomainWorkflowType, type BackfillManyWorkflow } from '../workflows/api/backfill-many.js';
import { cdcIngestWorkflowType, cdcStatus, type CdcIngestWorkflow } from '../workflows/api/cdc-ingest.js';
import { verifyTablesWorkflowType, type VerifyTablesResult, type VerifyTablesWorkflow } from '../workflows/api/verify.js';
import { registerCapture } from './support/capture.js';
import { createScratchDatabase } from './support/postgres.js';
import { spawnWorker, spawnWorkerPair, type WorkerProcess } from './support/processes.js';
import { connectClient, drainCdc, isolatedEnv, testConfig } from './support/temporal.js';
import { variantTitle, warehouseVariants } from './support/warehouses.js';

/**
 * Change capture through faults on the real stack, while the source keeps changing: a poison event
 * among valid ones, SIGKILL of the warehouse owner in the middle of batches, a restart of the Kafka
 * broker and one of the Temporal server. It ends with warehouse == source for every table.
 */
for (const variant of warehouseVariants()) {
  describe.skipIf(variant.unavailable !== undefined)(variantTitle('change capture survives faults', variant), () => {
    const base = testConfig();
    const topicPrefix = `itf${variant.kind[0]}${process.pid}`;
    const kafka = createKafka({ brokers: base.KAFKA_BROKERS, clientId: 'cdc-fault-test' });
    let scratch: { url: string; drop: () => Promise<void> };
    let capture: Awaited<ReturnType<typeof registerCapture>> | undefined;
    let dir: string;
    let env: Record<string, string>;
    let declarationsFile: string;
    let client: Client;
    let closeClient: () => Promise<void>;
    const workers: Record<'general' | 'warehouse', WorkerProcess | undefined> = { general: undefined, warehouse: undefined };

    beforeAll(async () => {
      scratch = await createScratchDatabase(base.FACTORY_SOURCE_URL, `factory_it_cdcf_${variant.kind}_${process.pid}`);
      await seedSource({ url: scratch.url, registry, scale: 0.01, seed: 3 });
      capture = await registerCapture({ connectUrl: base.KAFKA_CONNECT_URL, sourceUrl: scratch.url, topicPrefix, registry, domain: 'booking' });
      dir = await mkdtemp(join(tmpdir(), 'factory-cdcf-'));
      declarationsFile = join(dir, 'declarations.json');
      await writeFile(declarationsFile, JSON.stringify(declarations));
      env = isolatedEnv('cdcf', dir, scratch.url, { FACTORY_CDC_TOPIC_PREFIX: topicPrefix, FACTORY_CHUNK_ROWS: '2000', ...variant.env('faults') });
      Object.assign(workers, await spawnWorkerPair(declarationsFile, env));
      ({ client, close: closeClient } = await connectClient(testConfig(env)));
    }, 300_000);

    afterAll(async () => {
      const step = async (name: string, work: () => Promise<unknown>) => {
        const started = Date.now();
        await work();
        if (Date.now() - started > 10_000) console.warn(`cleanup step ${name} took ${Date.now() - started} ms`);
      };
      await step('workers', () => Promise.all([workers.general?.stop(), workers.warehouse?.stop()]));
      await step('client', async () => closeClient?.());
      await step('capture', async () => capture?.remove(kafka));
      await scratch?.drop();
      await variant.cleanup();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

    it('ends exact after a poison event, a killed warehouse owner, a broker restart and a Temporal restart', async () => {
      const warehouseTaskQueue = env.TEMPORAL_WAREHOUSE_TASK_QUEUE!;
      const backfill = await client.workflow.execute<BackfillManyWorkflow>(backfillDomainWorkflowType, {
        taskQueue: env.TEMPORAL_TASK_QUEUE!,
        workflowId: `backfill:booking-faults-${variant.kind}-${Date.now()}`,
        args: [{ domain: 'booking', tableConcurrency: 2, chunkRows: 2000, chunkConcurrency: 2, warehouseTaskQueue }],
      });
      expect(backfill.tables.filter((t) => t.error)).toEqual([]);
      const workflowId = `cdc:booking-faults-${variant.kind}-${Date.now()}`;
      await client.workflow.start<CdcIngestWorkflow>(cdcIngestWorkflowType, {
        taskQueue: env.TEMPORAL_TASK_QUEUE!,
        workflowId,
        args: [{ domain: 'booking', warehouseTaskQueue, consumer: `cdc.booking.${topicPrefix}`, runSeconds: 3 }],
      });
      const changes = simulate({ url: scratch.url, rate: 40, seconds: 60, seed: 5 });

      // A poison event between valid ones: a change whose amount is not a number.
      await pause(3000);
      const producer = kafka.producer();
      await producer.connect();
      const topic = `${topicPrefix}.BOOK.BOOKING`;
      await producer.send({ topic, messages: [{ key: '{"BOOKING_ID":999999999}', value: '{"payload":{"op":"c","after":{"BOOKING_ID":"not-a-number"},"source":{"lsn":1}}}' }] });
      await producer.disconnect();

      await pause(4000);
      await workers.warehouse!.kill();
      workers.warehouse = await spawnWorker('warehouse', declarationsFile, env);

      await pause(3000);
      execFileSync('bash', ['stack/stack.sh', 'restart-service', 'kafka'], { stdio: 'ignore' });

      await pause(3000);
      execFileSync('bash', ['stack/stack.sh', 'restart-service', 'temporal'], { stdio: 'ignore' });
      await closeClient();
      ({ client, close: closeClient } = await connectClient(testConfig(env)));

      const simulated = await changes;
      expect(simulated.operations.total).toBeGreaterThan(1000);

      let verified: VerifyTablesResult | undefined;
      for (let attempt = 0; attempt < 60; attempt++) {
        verified = await client.workflow.execute<VerifyTablesWorkflow>(verifyTablesWorkflowType, {
          taskQueue: env.TEMPORAL_TASK_QUEUE!,
          workflowId: `verify:faults-${variant.kind}-${Date.now()}`,
          args: [{ tables: [], domain: 'booking', warehouseTaskQueue }],
        });
        if (verified.allEqual) break;
        await pause(3000);
      }
      expect(verified!.tables.filter((t) => !t.equal)).toEqual([]);

      // The poison event went to the dead-letter topic with its reason and coordinates; the stream went on.
      // Dead letters are sent before the warehouse commit, so a run the killed worker replays may send the
      // poison event twice (never lose it): every record on the topic must be that one event.
      const handle = client.workflow.getHandle(workflowId);
      let status = await handle.query(cdcStatus);
      for (let attempt = 0; attempt < 20 && status.totals.deadLettered < 1; attempt++) {
        await pause(1000);
        status = await handle.query(cdcStatus);
      }
      expect(status.totals.deadLettered).toBeGreaterThanOrEqual(1);
      const dead = await readDeadLetters(`${topic}.dlq`, status.totals.deadLettered);
      expect(new Set(dead.map((d) => d['factory.offset'])).size).toBe(1);
      for (const headers of dead) {
        expect(headers['factory.topic']).toBe(topic);
        expect(headers['factory.reason']).toMatch(/^topic .*BOOK\.BOOKING partition 0 offset \d+/);
      }
      await drainCdc(handle);
    }, 900_000);

    /** The headers of the topic's first `count` records (and fails when fewer arrive within 30 s). */
    async function readDeadLetters(topic: string, count: number): Promise<Array<Record<string, string>>> {
      const consumer = kafka.consumer({ groupId: `dlq-reader-${Date.now()}` });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const read: Array<Record<string, string>> = [];
      try {
        return await new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${read.length} of ${count} records on ${topic} within 30 s`)), 30_000);
          void consumer.run({
            eachMessage: async ({ message }) => {
              read.push(Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])));
              if (read.length < count) return;
              clearTimeout(timer);
              resolve(read.slice(0, count));
            },
          });
        });
      } finally {
        await consumer.disconnect();
      }
    }
  });
}
