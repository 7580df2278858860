import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { createBigQueryClient, query as bigQuery } from '../connectors/bigquery/client.js';
import { createDuckDbWarehouse } from '../connectors/duckdb/warehouse.js';
import { createKafka } from '../connectors/kafka/client.js';
import type { DomainDeclaration } from '../contracts/contract.js';
import { loadDomains } from '../domains/load.js';
import type { DomainRegistry } from '../domains/registry.js';
import { backfillTableWorkflowType, type BackfillTableWorkflow } from '../workflows/api/backfill-table.js';
import { cdcIngestWorkflowType, type CdcIngestWorkflow } from '../workflows/api/cdc-ingest.js';
import {
  quarantineStatusWorkflowType,
  replayQuarantineWorkflowType,
  type QuarantineStatusWorkflow,
  type QuarantineTableInput,
  type ReplayQuarantineWorkflow,
} from '../workflows/api/quality-replay.js';
import { verifyTablesWorkflowType, type VerifyTablesResult, type VerifyTablesWorkflow } from '../workflows/api/verify.js';
import { startWorkers, type RunningWorkers } from '../workers/worker.js';
import { registerCapture } from './support/capture.js';
import { createScratchDatabase, sourceStats } from './support/postgres.js';
import { connectClient, drainCdc, isolatedEnv, testConfig } from './support/temporal.js';
import { variantTitle, warehouseVariants } from './support/warehouses.js';

const ROWS = 2000;
/**
 * A row count as a plain number, in SQL DuckDB and BigQuery read alike. `_deleted` is NULL on rows a
 * BigQuery backfill loaded (false on DuckDB), hence COALESCE below.
 */
const count = 'CAST(COUNT(*) AS INTEGER)';

/** Rows as arrays of values from the run's BigQuery project, as DuckDB's reader gives them. */
function bigQueryReader(config: Pick<ReturnType<typeof testConfig>, 'GOOGLE_CLOUD_PROJECT' | 'BIGQUERY_API_ENDPOINT'>) {
  const bq = createBigQueryClient({ projectId: config.GOOGLE_CLOUD_PROJECT!, location: 'EU', apiEndpoint: config.BIGQUERY_API_ENDPOINT });
  return async (sql: string) => (await bigQuery<Record<string, unknown>>(bq, sql, { maximumBytesBilled: 10 ** 12 })).map((row) => Object.values(row));
}
const statusKnown = { id: 'status_known', kind: 'accepted_values' as const, column: 'STATUS', values: ['C', 'X'], quarantine: true };
const amountPositive = { id: 'amount_positive', kind: 'range' as const, column: 'AMOUNT', min: 0, quarantine: true };

function declaration(statusValues: string[]): DomainDeclaration {
  return {
    name: 'quar',
    description: 'quarantine test domain',
    dpo: { id: 'dpo.quar', name: 'Quarantine Test Owner' },
    tables: [{
      name: 'guest_order',
      description: 'orders, some of which break the rules',
      source: { system: 'db2', schema: 'QUAR', table: 'GUEST_ORDER' },
      primaryKey: ['ORDER_ID'],
      columns: [
        { name: 'ORDER_ID', type: 'BIGINT' },
        { name: 'STATUS', type: 'CHAR(1)' },
        { name: 'AMOUNT', type: 'DECIMAL(12,2)', nullable: true },
        { name: 'GUEST_NAME', type: 'VARCHAR(60)', nullable: true, pii: 'identity' },
      ],
      qualityRules: [{ ...statusKnown, values: statusValues }, amountPositive],
    }],
  };
}

/**
 * Row quarantine end to end on the real stack: a backfill quarantines the rows that break a rule,
 * change capture quarantines new bad versions and supersedes fixed ones ("the data is fixed"), then
 * the rule is relaxed in a redeployed contract ("the rule is fixed") and a replay lands each
 * quarantined row exactly once. Throughout, live ∪ open quarantine equals the source. Once per warehouse.
 */
for (const variant of warehouseVariants()) {
  describe.skipIf(variant.unavailable !== undefined)(variantTitle('row quarantine and replay', variant), () => {
    const strict = loadDomains([declaration(['C', 'X'])]);
    const relaxed = loadDomains([declaration(['C', 'X', 'Z'])]);
    const contract = strict.table('quar.guest_order');
    const base = testConfig();
    const topicPrefix = `itq${variant.kind[0]}${process.pid}`;
    let scratch: { url: string; drop: () => Promise<void> };
    let capture: Awaited<ReturnType<typeof registerCapture>> | undefined;
    let dir: string;
    let config: ReturnType<typeof testConfig>;
    let general: RunningWorkers | undefined;
    let warehouse: RunningWorkers | undefined;
    let client: Client;
    let closeClient: () => Promise<void>;
    let source: pg.Client;
    const kafka = createKafka({ brokers: base.KAFKA_BROKERS, clientId: 'quarantine-test' });

    async function startWarehouse(registry: DomainRegistry): Promise<void> {
      await stopWarehouse();
      warehouse = await startWorkers({ config, role: 'warehouse', registry });
    }
    async function stopWarehouse(): Promise<void> {
      warehouse?.shutdown();
      await warehouse?.done;
      warehouse = undefined;
    }
    /**
     * Reads the warehouse directly, in SQL both dialects read the same way: the DuckDB file while its
     * owner is stopped (nothing else may open it meanwhile), the BigQuery project beside its owner.
     */
    async function inspect<T>(work: (query: (sql: string) => Promise<unknown[][]>) => Promise<T>): Promise<T> {
      if (variant.kind === 'bigquery') return work(bigQueryReader(config));
      await stopWarehouse();
      const wh = await createDuckDbWarehouse({ path: config.FACTORY_DUCKDB_PATH });
      try {
        const reader = await wh.connectReader();
        return await work(async (sql) => (await reader.runAndReadAll(sql)).getRowsJS());
      } finally {
        await wh.close();
      }
    }
    const on = (workflowId: string) => ({ taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId });
    const tableArgs = (): [QuarantineTableInput] => [{ domain: 'quar', table: 'guest_order', warehouseTaskQueue: config.TEMPORAL_WAREHOUSE_TASK_QUEUE }];
    const verify = () => client.workflow.execute<VerifyTablesWorkflow>(verifyTablesWorkflowType, {
      ...on(`verify:quar-${Date.now()}`), args: [{ tables: ['quar.guest_order'], warehouseTaskQueue: config.TEMPORAL_WAREHOUSE_TASK_QUEUE }],
    });

    beforeAll(async () => {
      scratch = await createScratchDatabase(base.FACTORY_SOURCE_URL, `factory_it_quarantine_${variant.kind}_${process.pid}`);
      source = new pg.Client({ connectionString: scratch.url });
      await source.connect();
      // Every 50th order has an unknown status, every 70th a negative amount, every 350th both.
      await source.query(`CREATE SCHEMA "QUAR";
        CREATE TABLE "QUAR"."GUEST_ORDER" ("ORDER_ID" int8 PRIMARY KEY, "STATUS" character(1) NOT NULL, "AMOUNT" numeric(12,2), "GUEST_NAME" varchar(60));
        INSERT INTO "QUAR"."GUEST_ORDER"
          SELECT g, CASE WHEN g % 50 = 0 THEN 'Z' ELSE 'C' END, CASE WHEN g % 70 = 0 THEN -g - 0.25 ELSE g + 0.5 END, 'Guest Ñandú ' || g
          FROM generate_series(1, ${ROWS}) AS g;`);
      capture = await registerCapture({ connectUrl: base.KAFKA_CONNECT_URL, sourceUrl: scratch.url, topicPrefix, registry: strict, domain: 'quar' });
      dir = await mkdtemp(join(tmpdir(), 'factory-quarantine-'));
      config = testConfig(isolatedEnv('quarantine', dir, scratch.url, { FACTORY_CDC_TOPIC_PREFIX: topicPrefix, FACTORY_CHUNK_ROWS: '500', ...variant.env('quarantine') }));
      general = await startWorkers({ config, role: 'general', registry: strict });
      await startWarehouse(strict);
      ({ client, close: closeClient } = await connectClient(config));
    }, 300_000);

    afterAll(async () => {
      await stopWarehouse();
      general?.shutdown();
      await general?.done;
      await closeClient?.();
      await source?.end();
      await capture?.remove(kafka);
      await scratch?.drop();
      await variant.cleanup();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('quarantines failing rows at backfill and in change capture, and lands them exactly once on replay', async () => {
      const backfill = await client.workflow.execute<BackfillTableWorkflow>(backfillTableWorkflowType, {
        ...on(`backfill:quar.guest_order-${Date.now()}`),
        args: [{ domain: 'quar', table: 'guest_order', chunkRows: 500, concurrency: 2, warehouseTaskQueue: config.TEMPORAL_WAREHOUSE_TASK_QUEUE }],
      });
      expect(backfill).toMatchObject({ rows: ROWS, quarantined: 40 + 28 - 5 });
      expect((await verify()).allEqual).toBe(true);

      const afterBackfill = await client.workflow.execute<QuarantineStatusWorkflow>(quarantineStatusWorkflowType, { ...on(`quality-quarantine:quar-${Date.now()}`), args: tableArgs() });
      expect(afterBackfill).toMatchObject({ open: 63, replayed: 0, superseded: 0, pending: 0 });
      expect(afterBackfill.rules.map((r) => [r.ruleId, r.reason, r.open])).toEqual([
        ['status_known', 'accepted_values on STATUS', 40],
        ['amount_positive', 'range on AMOUNT (min 0)', 23],
      ]);
      expect(JSON.stringify(afterBackfill)).not.toMatch(/Guest|-\d+\.25/);

      // The data is fixed at the source for negative amounts; meanwhile new bad rows arrive.
      const cdc = await client.workflow.start<CdcIngestWorkflow>(cdcIngestWorkflowType, {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowId: `cdc:quar-${Date.now()}`,
        args: [{ domain: 'quar', warehouseTaskQueue: config.TEMPORAL_WAREHOUSE_TASK_QUEUE, consumer: `cdc.quar.${topicPrefix}`, runSeconds: 2 }],
      });
      await source.query(`UPDATE "QUAR"."GUEST_ORDER" SET "AMOUNT" = -"AMOUNT" WHERE "AMOUNT" < 0 AND "STATUS" = 'C'`); // 23 fixed
      await source.query(`UPDATE "QUAR"."GUEST_ORDER" SET "STATUS" = 'Z' WHERE "ORDER_ID" IN (1, 2, 3)`); // 3 turn bad
      await source.query(`DELETE FROM "QUAR"."GUEST_ORDER" WHERE "ORDER_ID" = 50`); // a quarantined row goes away
      await source.query(`INSERT INTO "QUAR"."GUEST_ORDER" VALUES (5001, 'Z', 1.00, 'Guest New')`); // bad from the start
      let verified: VerifyTablesResult | undefined;
      for (let attempt = 0; attempt < 40 && !verified?.allEqual; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, 1500));
        verified = await verify();
      }
      expect(verified!.tables).toEqual([expect.objectContaining({ equal: true })]);
      const final = await drainCdc(cdc);
      expect(final.totals.deadLettered).toBe(0);

      const openBeforeReplay = 39 + 3 + 1;
      await inspect(async (query) => {
        expect(await query(`SELECT _status, ${count} FROM raw_quar.guest_order__quarantine GROUP BY 1 ORDER BY 1`)).toEqual([
          ['open', openBeforeReplay], ['superseded', 23 + 1],
        ]);
        expect(await query(`SELECT ${count} FROM raw_quar.guest_order__quarantine
          WHERE _rule_id IS NULL OR _reason IS NULL OR _source_position IS NULL OR _load_id IS NULL`)).toEqual([[0]]);
        expect(await query(`SELECT _load_id = 'cdc', ${count} FROM raw_quar.guest_order__quarantine WHERE _status = 'open' GROUP BY 1 ORDER BY 1`)).toEqual([
          [false, 39], [true, 4],
        ]);
        // Live rows exclude every failing version; no key is both live and open.
        expect(await query(`SELECT ${count} FROM raw_quar.guest_order WHERE NOT COALESCE(_deleted, FALSE) AND (STATUS NOT IN ('C', 'X') OR AMOUNT < 0)`)).toEqual([[0]]);
        expect(await query(`SELECT ${count} FROM raw_quar.guest_order WHERE NOT COALESCE(_deleted, FALSE)`)).toEqual([[ROWS - 1 + 1 - openBeforeReplay]]);
        expect(await query(`SELECT ${count} FROM raw_quar.guest_order t JOIN raw_quar.guest_order__quarantine q USING (ORDER_ID)
          WHERE NOT COALESCE(t._deleted, FALSE) AND q._status = 'open'`)).toEqual([[0]]);
      });

      // The rule is fixed: status Z is accepted by the contract the warehouse owner serves now.
      await startWarehouse(relaxed);
      const replayId = 'quality-replay:quar.guest_order';
      const replayed = await client.workflow.execute<ReplayQuarantineWorkflow>(replayQuarantineWorkflowType, { ...on(replayId), args: tableArgs() });
      expect(replayed).toEqual({ domain: 'quar', table: 'guest_order', replayed: openBeforeReplay - 5, stillFailing: 5, superseded: 0 });
      const expected = await sourceStats(source, contract);
      expect(expected.rows).toBe(ROWS);
      const afterReplay = await verify();
      expect(afterReplay.tables[0]!.warehouse).toEqual(expected);
      // A second replay lands nothing twice.
      const again = await client.workflow.execute<ReplayQuarantineWorkflow>(replayQuarantineWorkflowType, { ...on(replayId), args: tableArgs() });
      expect(again).toMatchObject({ replayed: 0, stillFailing: 5, superseded: 0 });
      expect((await verify()).tables[0]!.warehouse).toEqual(expected);
      const status = await client.workflow.execute<QuarantineStatusWorkflow>(quarantineStatusWorkflowType, { ...on(`quality-quarantine:quar-${Date.now()}`), args: tableArgs() });
      expect(status).toMatchObject({ open: 5, replayed: openBeforeReplay - 5, rules: [expect.objectContaining({ ruleId: 'amount_positive', open: 5 })] });

      await inspect(async (query) => {
        expect(await query(`SELECT ${count}, CAST(COUNT(DISTINCT ORDER_ID) AS INTEGER), CAST(SUM(CASE WHEN COALESCE(_deleted, FALSE) THEN 0 ELSE 1 END) AS INTEGER) FROM raw_quar.guest_order`))
          .toEqual([[ROWS + 1, ROWS + 1, ROWS - 5]]);
      });
    }, 300_000);
  });
}
