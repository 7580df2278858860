import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { createKafka } from '../connectors/kafka/client.js';
import { captureName, captureTables, registerCapture, removeCapture } from '../connectors/kafka-connect/capture.js';
import { createConnectClient } from '../connectors/kafka-connect/client.js';
import { postgresCaptureConfig } from '../connectors/kafka-connect/debezium.js';
import { loadDomains } from '../domains/load.js';
import { backfillDomainWorkflowType, type BackfillManyWorkflow } from '../workflows/api/backfill-many.js';
import { cdcIngestWorkflowType, type CdcIngestWorkflow } from '../workflows/api/cdc-ingest.js';
import { verifyTablesWorkflowType, type VerifyTablesResult, type VerifyTablesWorkflow } from '../workflows/api/verify.js';
import { startWorkers, type RunningWorkers } from '../workers/worker.js';
import { createScratchDatabase } from './support/postgres.js';
import { createSyntheticTables, syntheticDeclarations } from './support/synthetic.js';
import { connectClient, drainCdc, isolatedEnv, testConfig } from './support/temporal.js';

/**
 * Adding tables to a running capture while they change. T1 is added by registration, which must
 * return only once the capture covers it; T2 is added by submitting the connector's configuration
 * alone, and its backfill starts at once, so its handover step must wait for the capture. Changes
 * keep flowing to every table throughout; once they stop and change capture has caught up, each
 * table equals the source (row count and content checksum): nothing lost, nothing applied twice.
 */
describe('adding a table to a running capture', () => {
  const [synthetic] = syntheticDeclarations(1, 3).declarations.map((d) => ({
    ...d, name: 'capadd', tables: d.tables.map((t) => ({ ...t, source: { ...t.source, schema: 'CAPADD' } })),
  }));
  const source = { declarations: [synthetic!], expectedRows: new Map(synthetic!.tables.map((t, i) => [`capadd.${t.name}`, 5 + i])) };
  const registry = loadDomains(source.declarations);
  const contracts = registry.domain('capadd').tables;
  const base = testConfig();
  const topicPrefix = `capadd${process.pid}`;
  const kafka = createKafka({ brokers: base.KAFKA_BROKERS, clientId: 'capture-add-test' });
  let scratch: { url: string; drop: () => Promise<void> };
  let dir: string;
  let workers: RunningWorkers;
  let client: Client;
  let closeClient: () => Promise<void>;
  let config: ReturnType<typeof testConfig>;
  let writer: ReturnType<typeof keepChanging> | undefined;

  beforeAll(async () => {
    scratch = await createScratchDatabase(base.FACTORY_SOURCE_URL, `factory_it_capadd_${process.pid}`);
    const admin = new pg.Client({ connectionString: scratch.url });
    await admin.connect();
    await createSyntheticTables(admin, source).finally(() => admin.end());
    // The running capture: T0 only.
    await registerCapture({ connectUrl: base.KAFKA_CONNECT_URL, sourceUrl: scratch.url, topicPrefix, tables: contracts.slice(0, 1) });
    dir = await mkdtemp(join(tmpdir(), 'factory-capadd-'));
    config = testConfig(isolatedEnv('capadd', dir, scratch.url, { FACTORY_CDC_TOPIC_PREFIX: topicPrefix }));
    workers = await startWorkers({ config, role: 'all', registry });
    ({ client, close: closeClient } = await connectClient(config));
  }, 180_000);

  afterAll(async () => {
    await writer?.stop().catch(() => undefined);
    workers?.shutdown();
    await workers?.done;
    await closeClient?.();
    if (scratch) await removeCapture({ connectUrl: base.KAFKA_CONNECT_URL, sourceUrl: scratch.url, topicPrefix, kafka }).catch(() => undefined);
    await scratch?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('covers each added table before its backfill position, and the warehouse equals the source', async () => {
    writer = keepChanging(scratch.url, contracts.map((t) => `"${t.source.schema}"."${t.source.table}"`));
    const inspect = new pg.Client({ connectionString: scratch.url });
    await inspect.connect();
    try {
      await registerCapture({ connectUrl: base.KAFKA_CONNECT_URL, sourceUrl: scratch.url, topicPrefix, tables: contracts.slice(0, 2) });
      // The symptom of the issue: registration returned while the publication did not list the table yet.
      const published = await inspect.query<{ tablename: string }>('SELECT tablename FROM pg_publication_tables WHERE pubname = $1 ORDER BY tablename', [`${topicPrefix}_publication`]);
      expect(published.rows.map((r) => r.tablename)).toEqual(['T0', 'T1']);
    } finally {
      await inspect.end();
    }

    // T2 by configuration alone (another tool, or a registration cut short), the backfill started at
    // once. The connector is paused first, so its task takes the new configuration only on resume:
    // the backfill reaches its handover step while the capture certainly does not cover T2 yet.
    const connect = createConnectClient(base.KAFKA_CONNECT_URL);
    const name = captureName(topicPrefix);
    await connect.pause(name);
    await connect.putConnector(name, postgresCaptureConfig({ sourceUrl: scratch.url, topicPrefix, tables: captureTables(contracts) }));
    const warehouseTaskQueue = config.TEMPORAL_WAREHOUSE_TASK_QUEUE;
    const backfillId = `backfill:capadd-${Date.now()}`;
    const backfill = client.workflow.execute<BackfillManyWorkflow>(backfillDomainWorkflowType, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: backfillId,
      args: [{ domain: 'capadd', tableConcurrency: 3, chunkRows: 20, chunkConcurrency: 1, warehouseTaskQueue }],
    });
    expect(await handoverOfT2(backfillId)).toBe('waiting for the capture');
    // Changes to T2 while its capture is not in place: a backfill that went ahead would lose them.
    await writer.passed(writer.count() + 10);
    await connect.resume(name);
    expect((await backfill).tables.filter((t) => t.error)).toEqual([]);
    const cdc = await client.workflow.start<CdcIngestWorkflow>(cdcIngestWorkflowType, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: `cdc:capadd-${Date.now()}`,
      args: [{ domain: 'capadd', warehouseTaskQueue, consumer: `cdc.capadd.${topicPrefix}`, runSeconds: 2 }],
    });
    const changes = await writer.stop();
    expect(changes).toBeGreaterThan(20);

    let verified: VerifyTablesResult | undefined;
    for (let attempt = 0; attempt < 30 && !verified?.allEqual; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 2000));
      verified = await client.workflow.execute<VerifyTablesWorkflow>(verifyTablesWorkflowType, {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowId: `verify:capadd-${Date.now()}`,
        args: [{ tables: [], domain: 'capadd', warehouseTaskQueue }],
      });
    }
    expect(verified!.tables.map((t) => t.table).sort()).toEqual(['capadd.t0', 'capadd.t1', 'capadd.t2']);
    expect(verified!.tables.filter((t) => !t.equal)).toEqual([]);
    const final = await drainCdc(cdc);
    expect(final.totals.deadLettered).toBe(0);
  }, 240_000);

  /** Where T2's backfill stands: waiting in its handover step for the capture, or done without waiting. */
  async function handoverOfT2(parentId: string): Promise<'waiting for the capture' | 'past the handover step'> {
    const handle = client.workflow.getHandle('backfill:capadd.t2');
    for (let attempt = 0; attempt < 120; attempt++) {
      // The child of this backfill, not one an earlier run left under the same id.
      const described = await handle.describe().then((d) => (d.raw.workflowExecutionInfo?.parentExecution?.workflowId === parentId ? d : undefined), () => undefined);
      // Waiting: its handover step has found something missing (it heartbeats what). Past it: the
      // backfill has read the table and ended, so the changes made from here on would be lost to it.
      const waiting = described?.raw.pendingActivities?.some((a) => a.activityType?.name === 'awaitCaptureCoverage' && a.lastHeartbeatTime);
      if (waiting) return 'waiting for the capture';
      if (described && described.status.name !== 'RUNNING') return 'past the handover step';
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('the backfill of capadd.t2 did not start within 30 s');
  }
});

/**
 * Inserts, updates and deletes in every table, one small transaction after another, until stopped:
 * the source is changing whenever the capture is reconfigured or a backfill reads.
 */
function keepChanging(url: string, tables: string[]): { stop(): Promise<number>; count(): number; passed(n: number): Promise<void> } {
  let stopping = false;
  let n = 0;
  const client = new pg.Client({ connectionString: url });
  const running = (async () => {
    await client.connect();
    try {
      while (!stopping) {
        n++;
        for (const t of tables) {
          await client.query(`INSERT INTO ${t} ("ID", "LINE_NO", "CODE", "AMOUNT", "LABEL", "CREATED_TS") VALUES ($1, 0, 'CHG1', $2, 'inserted', localtimestamp)`, [1000 + n, n * 1.25]);
          await client.query(`UPDATE ${t} SET "LABEL" = $1, "AMOUNT" = "AMOUNT" + 1 WHERE ("ID" = $2 AND "LINE_NO" = 0) OR ("ID" = $3 AND "LINE_NO" = 1)`, [`updated ${n}`, 999 + n, n % 5]);
          if (n % 3 === 0) await client.query(`DELETE FROM ${t} WHERE "ID" = $1 AND "LINE_NO" = 0`, [998 + n]);
        }
        // Paced, so the change stream stays small while it spans the reconfigurations.
        await new Promise((r) => setTimeout(r, 25));
      }
    } finally {
      await client.end();
    }
    return n;
  })();
  return {
    stop: async () => { stopping = true; return running; },
    count: () => n,
    async passed(target) {
      while (n < target && !stopping) await new Promise((r) => setTimeout(r, 50));
    },
  };
}
