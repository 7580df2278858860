import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import type { Client } from '@temporalio/client';
import { readCdcStatus, type DomainCdcStatus } from '../cli/commands/cdc-status.js';
import { seedSource } from '../cli/source/seed.js';
import { simulate } from '../cli/source/simulate.js';
import { createKafka } from '../connectors/kafka/client.js';
import { declarations, registry } from '../domains/index.js';
import { cdcIngestWorkflowType, type CdcIngestWorkflow } from '../workflows/api/cdc-ingest.js';
import { registerCapture } from './support/capture.js';
import { createScratchDatabase } from './support/postgres.js';
import { spawnWorker, spawnWorkerPair, type WorkerProcess } from './support/processes.js';
import { connectClient, drainCdc, isolatedEnv, testConfig } from './support/temporal.js';

/**
 * The warehouse owner is killed while the source keeps changing. `cdc status` must never show lag 0
 * while changes wait (it reads the broker's end offsets at the moment it is asked, not the last
 * run's counts), must show the ingest run's retry and why, and once a new worker polls, change
 * capture must be back within a second of the source well inside 30 s.
 */
describe('change capture status and recovery after a killed worker', () => {
  const base = testConfig();
  const topicPrefix = `itr${process.pid}`;
  const consumer = `cdc.booking.${topicPrefix}`;
  const rate = 20;
  const kafka = createKafka({ brokers: base.KAFKA_BROKERS, clientId: 'cdc-recovery-test' });
  let admin: Admin;
  let scratch: { url: string; drop: () => Promise<void> };
  let capture: Awaited<ReturnType<typeof registerCapture>> | undefined;
  let dir: string;
  let env: Record<string, string>;
  let declarationsFile: string;
  let client: Client;
  let closeClient: () => Promise<void>;
  const workers: Record<'general' | 'warehouse', WorkerProcess | undefined> = { general: undefined, warehouse: undefined };

  beforeAll(async () => {
    scratch = await createScratchDatabase(base.FACTORY_SOURCE_URL, `factory_it_cdcr_${process.pid}`);
    await seedSource({ url: scratch.url, registry, scale: 0.01, seed: 4 });
    capture = await registerCapture({ connectUrl: base.KAFKA_CONNECT_URL, sourceUrl: scratch.url, topicPrefix, registry, domain: 'booking' });
    dir = await mkdtemp(join(tmpdir(), 'factory-cdcr-'));
    declarationsFile = join(dir, 'declarations.json');
    await writeFile(declarationsFile, JSON.stringify(declarations));
    env = isolatedEnv('cdcr', dir, scratch.url, { FACTORY_CDC_TOPIC_PREFIX: topicPrefix, FACTORY_WAREHOUSE: 'duckdb' });
    Object.assign(workers, await spawnWorkerPair(declarationsFile, env));
    ({ client, close: closeClient } = await connectClient(testConfig(env)));
    admin = kafka.admin();
    await admin.connect();
  }, 300_000);

  afterAll(async () => {
    await Promise.all([workers.general?.stop(), workers.warehouse?.stop()]);
    await closeClient?.();
    await capture?.remove(kafka);
    await admin?.disconnect();
    await scratch?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('shows the lag and the failing run while the worker is down, and catches up within seconds of a new one', async () => {
    const workflowId = `cdc:booking-recovery-${Date.now()}`;
    const cdc = await client.workflow.start<CdcIngestWorkflow>(cdcIngestWorkflowType, {
      taskQueue: env.TEMPORAL_TASK_QUEUE!, workflowId,
      args: [{ domain: 'booking', warehouseTaskQueue: env.TEMPORAL_WAREHOUSE_TASK_QUEUE!, consumer, runSeconds: 3 }],
    });
    const status = () => readCdcStatus(client, admin, { domain: 'booking', workflowId, consumer, topicPrefix, registry });
    const changes = simulate({ url: scratch.url, rate, seconds: 75, seed: 6 });
    // Caught up: less than a second of the source's changes waiting.
    const caughtUp = (s: DomainCdcStatus) => s.live !== null && s.live.lag <= rate;
    let s = await status();
    for (let i = 0; i < 60 && !caughtUp(s); i++) s = await pause(1000).then(status);
    expect(caughtUp(s)).toBe(true);

    await workers.warehouse!.kill();
    const killedAt = Date.now();
    const down: DomainCdcStatus[] = [];
    while (Date.now() - killedAt < 16_000) {
      down.push(await status());
      await pause(500);
    }
    // Changes keep arriving (Debezium within a second or two): from then on the lag is never 0.
    const afterCapture = down.filter((d) => Date.parse(d.live!.asOf) - killedAt > 3000);
    expect(afterCapture.length).toBeGreaterThan(10);
    expect(afterCapture.filter((d) => d.live!.lag === 0)).toEqual([]);
    expect(afterCapture.at(-1)!.live!.lag).toBeGreaterThan(afterCapture[0]!.live!.lag);
    // The ingest run waits for a worker: a run the dead worker held is retried after its heartbeat
    // timed out (attempt 2, with that failure); a run scheduled after the kill waits at attempt 1.
    const waiting = down.at(-1)!.ingest!;
    expect(waiting.state).toBe('scheduled');
    if (waiting.attempt > 1) expect(waiting.lastFailure).toMatch(/heartbeat/i);

    workers.warehouse = await spawnWorker('warehouse', declarationsFile, env);
    const pollingAt = Date.now();
    s = await status();
    while (!caughtUp(s) && Date.now() - pollingAt < 30_000) s = await pause(250).then(status);
    const recoverySeconds = (Date.now() - pollingAt) / 1000;
    console.log(`change capture caught up (lag ≤ ${rate} events, 1 s of changes) ${recoverySeconds.toFixed(1)} s after the new worker polled`);
    expect(caughtUp(s)).toBe(true);

    await changes;
    await drainCdc(cdc);
  }, 300_000);
});
