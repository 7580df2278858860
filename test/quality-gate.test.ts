import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { scheduleQualityGate, unscheduleQualityGate } from '../cli/commands/quality-run.js';
import { scheduleSpec } from '../cli/schedules.js';
import type { DomainDeclaration } from '../contracts/contract.js';
import { loadDomains } from '../domains/load.js';
import { backfillDomainWorkflowType, type BackfillManyWorkflow } from '../workflows/api/backfill-many.js';
import {
  lastQualityReportWorkflowType,
  qualityGateWorkflowType,
  type LastQualityReportWorkflow,
  type QualityGateResult,
  type QualityGateWorkflow,
} from '../workflows/api/quality-gate.js';
import { startWorkers, type RunningWorkers } from '../workers/worker.js';
import { scrape, type Scrape } from './support/metrics.js';
import { createScratchDatabase } from './support/postgres.js';
import { connectClient, isolatedEnv, testConfig } from './support/temporal.js';
import { variantTitle, warehouseVariants } from './support/warehouses.js';

// Two data products over separate tables, loaded by the real backfill from PostgreSQL into the
// warehouse, gated by the real qualityGate on real workers: `qg.sales` breaks a block rule,
// `qg.stays` is clean. Once per warehouse (DuckDB, the BigQuery emulator), with the same verdicts.

const declaration: DomainDeclaration = {
  name: 'qg',
  description: 'quality gate test domain',
  dpo: { id: 'dpo.qg', name: 'Owner' },
  tables: [
    {
      name: 'orders', description: 'orders', source: { system: 'db2', schema: 'QG', table: 'ORDERS' }, primaryKey: ['ORDER_ID'],
      columns: [
        { name: 'ORDER_ID', type: 'BIGINT' }, { name: 'ROOM_ID', type: 'BIGINT' }, { name: 'AMOUNT', type: 'DECIMAL(12,2)' },
        { name: 'EMAIL', type: 'VARCHAR(80)', nullable: true, pii: 'contact' },
      ],
      qualityRules: [
        { id: 'amount_not_negative', kind: 'range', column: 'AMOUNT', min: 0, severity: 'block' },
        { id: 'email_present', kind: 'not_null', columns: ['EMAIL'], threshold: 0.05, severity: 'warn' },
        { id: 'order_room_exists', kind: 'references', columns: ['ROOM_ID'], to: 'qg.rooms.ROOM_ID', severity: 'block' },
        { id: 'orders_match_source', kind: 'reconciliation', severity: 'block' },
        { id: 'orders_volume', kind: 'volume', maxChangePercent: 50, severity: 'warn' },
      ],
    },
    {
      name: 'rooms', description: 'rooms', source: { system: 'db2', schema: 'QG', table: 'ROOMS' }, primaryKey: ['ROOM_ID'],
      columns: [{ name: 'ROOM_ID', type: 'BIGINT' }, { name: 'CODE', type: 'CHAR(4)' }, { name: 'CAPACITY', type: 'INTEGER' }],
      qualityRules: [
        { id: 'room_code_known', kind: 'accepted_values', column: 'CODE', values: ['STD', 'SUP', 'STE'], severity: 'block' },
        { id: 'rooms_unique', kind: 'unique', columns: ['ROOM_ID'], severity: 'block' },
        // Unquoted: the same text runs on DuckDB and BigQuery (whose "…" is a string).
        { id: 'capacity_sane', kind: 'sql', sql: 'SELECT * FROM {table} WHERE CAPACITY > 10', severity: 'block' },
        { id: 'rooms_fresh', kind: 'freshness', maxAgeMinutes: 60, severity: 'block' },
        { id: 'room_codes_stable', kind: 'distribution', column: 'CODE', metric: 'distinct_count', maxChangePercent: 10, severity: 'warn' },
        { id: 'rooms_match_source', kind: 'reconciliation', severity: 'block' },
      ],
    },
  ],
  products: [
    { name: 'sales', description: 'orders for analysts', tables: ['orders'] },
    { name: 'stays', description: 'rooms for the call centre', tables: ['rooms'] },
  ],
};

/** Orders 7, 19 and 33 have negative amounts; every tenth order has no e-mail (10 % > 5 % allowed). */
const sourceSql = `
  CREATE SCHEMA "QG";
  CREATE TABLE "QG"."ROOMS" ("ROOM_ID" int8 PRIMARY KEY, "CODE" character(4) NOT NULL, "CAPACITY" int4 NOT NULL);
  INSERT INTO "QG"."ROOMS" SELECT g, (ARRAY['STD','SUP','STE'])[1 + g % 3], 1 + g % 4 FROM generate_series(1, 20) g;
  CREATE TABLE "QG"."ORDERS" ("ORDER_ID" int8 PRIMARY KEY, "ROOM_ID" int8 NOT NULL, "AMOUNT" numeric(12,2) NOT NULL, "EMAIL" varchar(80));
  INSERT INTO "QG"."ORDERS" SELECT g, 1 + g % 20, CASE WHEN g IN (7, 19, 33) THEN -g ELSE g * 10.5 END,
    CASE WHEN g % 10 = 0 THEN NULL ELSE 'guest' || g || '@example.com' END FROM generate_series(1, 50) g;
  ANALYZE;`;

const root = fileURLToPath(new URL('..', import.meta.url));

function factory(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/factory.js', ...args], { cwd: root, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

for (const variant of warehouseVariants()) {
  describe.skipIf(variant.unavailable !== undefined)(variantTitle('qualityGate on the real stack', variant), () => {
    const registry = loadDomains([declaration]);
    const base = testConfig();
    let scratch: { url: string; drop: () => Promise<void> };
    let dir: string;
    let env: Record<string, string>;
    let config: ReturnType<typeof testConfig>;
    let workers: RunningWorkers;
    let client: Client;
    let closeClient: () => Promise<void>;

    const gate = (product: string, run = '') => client.workflow.execute<QualityGateWorkflow>(qualityGateWorkflowType, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: `quality:${product}${run}-${variant.kind}-${process.pid}`,
      args: [{ product, warehouseTaskQueue: config.TEMPORAL_WAREHOUSE_TASK_QUEUE }],
    }) as Promise<QualityGateResult>;

    beforeAll(async () => {
      scratch = await createScratchDatabase(base.FACTORY_SOURCE_URL, `factory_it_quality_${variant.kind}_${process.pid}`);
      const admin = new pg.Client({ connectionString: scratch.url });
      await admin.connect();
      await admin.query(sourceSql);
      await admin.end();
      dir = await mkdtemp(join(tmpdir(), 'factory-quality-'));
      env = isolatedEnv('quality', dir, scratch.url, variant.env('quality'));
      config = testConfig(env);
      workers = await startWorkers({ config, role: 'all', registry });
      ({ client, close: closeClient } = await connectClient(config));
      await client.workflow.execute<BackfillManyWorkflow>(backfillDomainWorkflowType, {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowId: `backfill:qg-${variant.kind}-${process.pid}`,
        args: [{ domain: 'qg', tableConcurrency: 2, chunkRows: 1000, chunkConcurrency: 1, warehouseTaskQueue: config.TEMPORAL_WAREHOUSE_TASK_QUEUE }],
      });
    });

    afterAll(async () => {
      workers?.shutdown();
      await workers?.done;
      await closeClient?.();
      await scratch?.drop();
      await variant.cleanup();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('blocks the product whose block rule fails, with sample keys, while the other product passes', async () => {
      const gates = (s: Scrape, status: string) => s.sum('factory_quality_gate_results_total', { domain: 'qg', status });
      const before = await scrape(workers.metricsUrl!);
      const [sales, stays] = await Promise.all([gate('qg.sales'), gate('qg.stays')]);
      // The worker's /metrics counts each verdict once.
      const after = await scrape(workers.metricsUrl!);
      expect([gates(after, 'block') - gates(before, 'block'), gates(after, 'pass') - gates(before, 'pass'), gates(after, 'warn') - gates(before, 'warn')]).toEqual([1, 1, 0]);

      expect(sales.status).toBe('block');
      const byRule = new Map(sales.results.map((r) => [r.ruleId, r]));
      expect(byRule.get('amount_not_negative')).toMatchObject({ status: 'block', failing: 3, total: 50, sampleKeys: ['7', '19', '33'] });
      expect(byRule.get('email_present')).toMatchObject({ status: 'warn', failing: 5, total: 50, metric: 0.1, threshold: 0.05 });
      expect(byRule.get('order_room_exists')).toMatchObject({ status: 'pass', failing: 0 });
      expect(byRule.get('orders_match_source')).toMatchObject({ status: 'pass', metric: 0 });
      expect(byRule.get('orders_volume')).toMatchObject({ status: 'pass', metric: null, measured: { row_count: 50 } });

      expect(stays.status).toBe('pass');
      expect(stays.results.map((r) => [r.ruleId, r.status])).toEqual([
        ['room_code_known', 'pass'], ['rooms_unique', 'pass'], ['capacity_sane', 'pass'], ['rooms_fresh', 'pass'],
        ['room_codes_stable', 'pass'], ['rooms_match_source', 'pass'],
      ]);
    });

    it('stores the report, readable afterwards, and compares the next run with the stored baseline', async () => {
      const second = await gate('qg.sales', '-again');
      expect(second.results.find((r) => r.ruleId === 'orders_volume')).toMatchObject({ status: 'pass', metric: 0, measured: { row_count: 50 } });
      const stored = await client.workflow.execute<LastQualityReportWorkflow>(lastQualityReportWorkflowType, {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowId: `quality-report:qg.sales-${variant.kind}-${process.pid}`,
        args: [{ product: 'qg.sales', warehouseTaskQueue: config.TEMPORAL_WAREHOUSE_TASK_QUEUE }],
      });
      expect(stored).toMatchObject({ reportId: second.reportId, product: 'qg.sales', domain: 'qg', status: 'block' });
      expect(stored?.results).toEqual(second.results);
    });

    it('factory quality run exits 2 on block and 0 on pass; report prints the stored report', async () => {
      const blocked = await factory(['quality', 'run', 'qg.sales'], env);
      expect(blocked.code).toBe(2);
      expect(blocked.stdout).toMatch(/^qg\.orders\s+amount_not_negative\s+range\s+block\s+6%\s+0%\s+BLOCK$/m);
      expect(blocked.stdout).toContain('sample keys: 7, 19, 33');
      expect(blocked.stdout).toMatch(/^qg\.sales: BLOCK — 5 rules, 3 pass, 1 warn, 1 block \(report /m);

      const clean = await factory(['quality', 'run', 'qg.stays', '--json'], env);
      expect(clean.code).toBe(0);
      expect(JSON.parse(clean.stdout)).toMatchObject({ product: 'qg.stays', status: 'pass' });

      const report = await factory(['quality', 'report', 'qg.sales'], env);
      expect(report.code).toBe(0);
      expect(report.stdout).toMatch(/^qg\.sales: BLOCK — 5 rules/m);

      const unknown = await factory(['quality', 'run', 'qg.sails'], env);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('unknown product "qg.sails": closest are qg.sales');
    });

    // Schedules live in Temporal only: once is enough.
    const scheduleSkip = variant.kind === 'duckdb' ? '' : ' — skipped: the warehouse plays no part, tested on duckdb';
    it.skipIf(scheduleSkip !== '')(`schedules scans under one Temporal Schedule per product, idempotently, and removes it${scheduleSkip}`, async () => {
      const product = `qg.sched_${process.pid}`;
      await unscheduleQualityGate(client, product);
      try {
        expect(await scheduleQualityGate(client, product, scheduleSpec({ every: '1h' }))).toBe('created');
        expect(await scheduleQualityGate(client, product, scheduleSpec({ cron: '0 6 * * *' }))).toBe('updated');
        const described = await client.schedule.getHandle(`quality:${product}`).describe();
        expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'qualityGate', workflowId: `quality:${product}` });
        expect(described.spec.intervals ?? []).toEqual([]);
        expect(described.spec.calendars).toHaveLength(1);
      } finally {
        expect(await unscheduleQualityGate(client, product)).toBe(true);
      }
      expect(await unscheduleQualityGate(client, product)).toBe(false);
      expect(() => scheduleSpec({ every: '1 hour' })).toThrow('--every "1 hour": expected a number and a unit s, m, h or d, e.g. 30m or 1h');
      expect(() => scheduleSpec({})).toThrow('expected exactly one of --every <interval> (e.g. 1h) or --cron "<expression>"');
    });
  });
}
