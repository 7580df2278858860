import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { runKpis as runKpisCli, scheduleKpis } from '../cli/commands/kpi.js';
import { removeSchedule } from '../cli/schedules.js';
import { seedSource } from '../cli/source/seed.js';
import { openCatalogStore, type PostgresCatalogStore } from '../connectors/catalog/postgres.js';
import { registry } from '../domains/index.js';
import { kpisFor } from '../domains/kpis.js';
import { resolveProduct } from '../domains/products.js';
import { backfillAllWorkflowType, type BackfillManyWorkflow } from '../workflows/api/backfill-many.js';
import { computeKpisWorkflowType, type ComputeKpisResult, type ComputeKpisWorkflow } from '../workflows/api/kpis.js';
import { openWarehouse, startWorkers, type RunningWorkers } from '../workers/worker.js';
import { testCatalogDatabase } from './support/catalog.js';
import { createScratchDatabase } from './support/postgres.js';
import { accessible, hasChromium, launchChromium, noChromiumReason, shoot, signedIn } from './support/browser.js';
import { consoleUrl, testConsole } from './support/console.js';
import { identityEnv } from './support/identity.js';
import { connectClient, isolatedEnv, testConfig } from './support/temporal.js';

/**
 * The demo's KPIs end to end on the real stack (Temporal dev server, DuckDB, PostgreSQL): the demo
 * source is seeded and backfilled (with its qualified layers), two products are published through
 * the publication port (what publishDataProduct does once a DPO approves), computeKpis runs on a
 * worker of this test's own, and every stored value is compared with the same KPI computed directly
 * on the source in PostgreSQL. The BigQuery side runs the same SQL in the KPI contract suite.
 */

/** The yyyymmdd decoding of the qualified layer (0 and 99999999 are no date). */
const bookDate = `CASE WHEN b."BOOK_DATE_NUM" BETWEEN 10000101 AND 99991231 AND b."BOOK_DATE_NUM" <> 99999999 THEN to_date(b."BOOK_DATE_NUM"::bigint::text, 'YYYYMMDD') END`;

/** Each demo KPI straight from the source: period, dimension, numerator, denominator (as the warehouse returns them). */
const sourceSql: Record<string, string> = {
  'booking.bookings_per_resort_day': `
    SELECT to_char(${bookDate}, 'YYYY-MM-DD') AS period, trim(b."RESORT_CODE") AS dimension, count(*)::float8 AS numerator, NULL::float8 AS denominator
    FROM "BOOK"."BOOKING" b WHERE ${bookDate} IS NOT NULL GROUP BY 1, 2`,
  // The amount in EUR at the newest rate dated on or before the booking day, rounded to cents (core/qualified).
  'booking.revenue_per_resort_day': `
    SELECT to_char(${bookDate}, 'YYYY-MM-DD') AS period, trim(b."RESORT_CODE") AS dimension,
      coalesce(sum(CASE WHEN trim(b."STATUS_CODE") <> 'X' THEN CASE WHEN trim(b."CURRENCY_CODE") = 'EUR' THEN round(b."TOTAL_AMOUNT", 2) ELSE round(b."TOTAL_AMOUNT" * r."RATE_TO_EUR", 2) END END), 0)::float8 AS numerator,
      NULL::float8 AS denominator
    FROM "BOOK"."BOOKING" b
    LEFT JOIN LATERAL (
      SELECT x."RATE_TO_EUR" FROM "REFD"."EXCH_RATE" x
      WHERE trim(x."CURRENCY_CODE") = trim(b."CURRENCY_CODE") AND x."RATE_DATE" <= ${bookDate} ORDER BY x."RATE_DATE" DESC LIMIT 1
    ) r ON true
    WHERE ${bookDate} IS NOT NULL GROUP BY 1, 2`,
  'booking.cancellation_rate': `
    SELECT to_char(date_trunc('week', ${bookDate})::date, 'YYYY-MM-DD') AS period, '' AS dimension,
      count(*) FILTER (WHERE trim(b."STATUS_CODE") = 'X')::float8 AS numerator, count(*)::float8 AS denominator
    FROM "BOOK"."BOOKING" b WHERE ${bookDate} IS NOT NULL GROUP BY 1, 2`,
  'customer_service.open_case_backlog': `
    SELECT to_char(c."OPENED_TS"::date, 'YYYY-MM-DD') AS period, '' AS dimension,
      count(*) FILTER (WHERE c."STATUS" IN ('open', 'waiting'))::float8 AS numerator, NULL::float8 AS denominator
    FROM "CRM"."SERVICE_CASE" c WHERE c."OPENED_TS" IS NOT NULL GROUP BY 1, 2`,
  'customer_service.distinct_callers_per_day': `
    SELECT to_char(l."CALL_START_TS"::date, 'YYYY-MM-DD') AS period, '' AS dimension, count(DISTINCT l."CALLER_NUMBER")::float8 AS numerator, NULL::float8 AS denominator
    FROM "CSRV"."CALL_LOG" l WHERE l."CALL_START_TS" IS NOT NULL GROUP BY 1, 2`,
};

describe('computeKpis on the demo data: stored values equal the KPIs computed on the source', () => {
  const base = testConfig();
  const catalogDb = testCatalogDatabase(base.FACTORY_CATALOG_URL);
  let scratch: { url: string; drop: () => Promise<void> };
  let dir: string;
  let env: Record<string, string>;
  let workers: RunningWorkers | undefined;
  let client: Client;
  let closeClient: () => Promise<void>;
  let catalog: PostgresCatalogStore;
  let source: pg.Client;

  beforeAll(async () => {
    scratch = await createScratchDatabase(base.FACTORY_SOURCE_URL, `factory_it_kpis_${process.pid}`);
    await seedSource({ url: scratch.url, registry, scale: 0.005, seed: 17 });
    dir = await mkdtemp(join(tmpdir(), 'factory-kpis-'));
    env = isolatedEnv('kpis', dir, scratch.url, { FACTORY_CATALOG_URL: catalogDb.url });
    const config = testConfig(env);
    workers = await startWorkers({ config, role: 'all' });
    ({ client, close: closeClient } = await connectClient(config));
    const backfill = await client.workflow.execute<BackfillManyWorkflow>(backfillAllWorkflowType, {
      taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: `backfill:all-kpis-${process.pid}-${Date.now()}`,
      args: [{ tableConcurrency: 4, chunkRows: 5000, chunkConcurrency: 2, warehouseTaskQueue: config.TEMPORAL_WAREHOUSE_TASK_QUEUE }],
    });
    expect(backfill.tables.filter((t) => t.error)).toEqual([]);
    // The worker owns the DuckDB file: stop it, publish v1 of both products through the port, start it again.
    workers.shutdown();
    await workers.done;
    workers = undefined;
    const warehouse = await openWarehouse(config);
    try {
      for (const name of ['booking.bookings', 'customer_service.service_cases']) {
        const p = resolveProduct(registry, name);
        const version = { domain: p.domain.name, product: p.product.name, version: 1, tables: p.tables.map((t) => ({ domain: t.split('.')[0]!, table: t.split('.')[1]! })) };
        await warehouse.provides.publication!.snapshotProduct(version);
        await warehouse.provides.publication!.promoteProduct(version);
      }
    } finally {
      await warehouse.close();
    }
    workers = await startWorkers({ config, role: 'all' });
    catalog = await openCatalogStore({ url: catalogDb.url });
    source = new pg.Client({ connectionString: scratch.url });
    await source.connect();
  }, 900_000);

  afterAll(async () => {
    workers?.shutdown();
    await workers?.done;
    await closeClient?.();
    await catalog?.close();
    await source?.end();
    await scratch?.drop();
    await catalogDb.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const runKpis = (periods: number) => client.workflow.execute<ComputeKpisWorkflow>(computeKpisWorkflowType, {
    taskQueue: env.TEMPORAL_TASK_QUEUE!, workflowId: `kpis:it-${process.pid}-${Date.now()}`,
    args: [{ warehouseTaskQueue: env.TEMPORAL_WAREHOUSE_TASK_QUEUE!, periods }],
  });

  it('computes every declared KPI and stores values equal to the source\'s, judged against the target', async () => {
    const result = await runKpis(10);
    expect(result.kpis.map((k) => [`${k.domain}.${k.kpi}`, k.published, k.error])).toEqual(Object.keys(sourceSql).map((k) => [k, true, undefined]));
    for (const outcome of result.kpis) {
      const name = `${outcome.domain}.${outcome.kpi}`;
      const kpi = registry.domain(outcome.domain).kpis!.find((k) => k.name === outcome.kpi)!;
      const trend = await catalog.kpiTrend({ domain: outcome.domain, kpi: outcome.kpi, periods: 10 });
      expect(trend.periods, name).toHaveLength(10);
      expect(outcome.values, name).toBe(trend.values.length);
      expect(outcome.written, name).toBe(trend.values.length);
      const expected = (await source.query<{ period: string; dimension: string; numerator: number; denominator: number | null }>(sourceSql[name]!)).rows
        .filter((r) => trend.periods.includes(r.period))
        .sort((a, b) => a.period.localeCompare(b.period) || a.dimension.localeCompare(b.dimension));
      // The last 10 periods with data at the source are the stored ones.
      const sourcePeriods = [...new Set((await source.query<{ period: string }>(sourceSql[name]!)).rows.map((r) => r.period))].sort().slice(-10);
      expect(trend.periods, name).toEqual(sourcePeriods);
      expect(trend.values.map((v) => [v.period, v.dimension]), name).toEqual(expected.map((r) => [r.period, r.dimension]));
      trend.values.forEach((v, i) => {
        const e = expected[i]!;
        expect(v.numerator, `${name} ${v.period} ${v.dimension}`).toBeCloseTo(e.numerator, 2);
        expect(v.denominator, `${name} ${v.period}`).toEqual(e.denominator);
        const value = e.denominator === null ? e.numerator : e.denominator === 0 ? null : e.numerator / e.denominator;
        if (value === null) expect(v.value).toBeNull();
        else expect(v.value!).toBeCloseTo(value, 6);
        expect(v.meets).toBe(value === null ? null : kpi.target.direction === 'at_least' ? value >= kpi.target.value : value <= kpi.target.value);
        expect(v.target).toBe(kpi.target.value);
      });
      const last = trend.periods.at(-1)!;
      const judged = trend.values.filter((v) => v.period === last && v.meets !== null);
      expect(outcome.latest, name).toEqual({ period: last, met: judged.filter((v) => v.meets).length, of: judged.length });
    }
    // Revenue is not a count in disguise: it sums real amounts.
    const revenue = await catalog.kpiTrend({ domain: 'booking', kpi: 'revenue_per_resort_day', periods: 10 });
    expect(revenue.values.some((v) => v.value! > 0 && !Number.isInteger(v.value!))).toBe(true);
  }, 600_000);

  it('a second run rewrites the same rows (no duplicates), and a repeated write of one run is recorded once', async () => {
    const before = await catalog.kpiTrend({ domain: 'customer_service', kpi: 'open_case_backlog', periods: 10 });
    // As `factory kpi run --periods 10` starts it.
    const second = await runKpisCli(client, { periods: 10 }, { taskQueue: env.TEMPORAL_TASK_QUEUE!, warehouseTaskQueue: env.TEMPORAL_WAREHOUSE_TASK_QUEUE! });
    expect(second.kpis.every((k) => k.written === k.values && !k.error)).toBe(true);
    const after = await catalog.kpiTrend({ domain: 'customer_service', kpi: 'open_case_backlog', periods: 10 });
    expect(after.values.map(({ computedAt: _c, ...v }) => v)).toEqual(before.values.map(({ computedAt: _c, ...v }) => v));
    expect(after.values.every((v) => v.computedAt === second.computedAt)).toBe(true);
    const run = { domain: 'customer_service', kpi: 'open_case_backlog', target: { value: 10, direction: 'at_most' as const }, runId: 'repeat/1', computedAt: second.computedAt, values: [] };
    expect(await catalog.writeKpiValues(run)).toEqual({ written: 0, alreadyRecorded: false });
    expect(await catalog.writeKpiValues(run)).toEqual({ written: 0, alreadyRecorded: true });
  }, 600_000);

  it('factory kpi schedule: a Temporal Schedule whose run computes and stores the KPIs', async () => {
    const scheduleId = `kpis-it-${process.pid}-${Date.now()}`;
    const queues = { taskQueue: env.TEMPORAL_TASK_QUEUE!, warehouseTaskQueue: env.TEMPORAL_WAREHOUSE_TASK_QUEUE! };
    try {
      expect(await scheduleKpis(client, { cronExpressions: ['15 4 * * *'] }, queues, scheduleId)).toBe('created');
      expect(await scheduleKpis(client, { cronExpressions: ['45 5 * * *'] }, queues, scheduleId)).toBe('updated');
      const handle = client.schedule.getHandle(scheduleId);
      const described = await handle.describe();
      expect(described.spec.calendars).toEqual([expect.objectContaining({ hour: [{ start: 5, end: 5, step: 1 }], minute: [{ start: 45, end: 45, step: 1 }] })]);
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: computeKpisWorkflowType, taskQueue: queues.taskQueue, args: [{ warehouseTaskQueue: queues.warehouseTaskQueue }] });
      await handle.trigger();
      let workflowId: string | undefined;
      for (let i = 0; i < 100 && !workflowId; i++) {
        workflowId = (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId;
        if (!workflowId) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(workflowId).toMatch(/^kpis-/);
      const scheduled = await client.workflow.getHandle(workflowId!).result() as ComputeKpisResult;
      expect(scheduled.kpis.map((k) => [k.kpi, k.published, k.values > 0, k.written === k.values, k.error])).toEqual(
        Object.keys(sourceSql).map((name) => [name.split('.')[1], true, true, true, undefined]),
      );
      const stored = await catalog.kpiTrend({ domain: 'booking', kpi: 'cancellation_rate', periods: 35 });
      expect(stored.values.length).toBe(scheduled.kpis.find((k) => k.kpi === 'cancellation_rate')!.values);
      expect(stored.values.every((v) => v.computedAt === scheduled.computedAt)).toBe(true);
    } finally {
      await removeSchedule(client, scheduleId);
    }
  }, 300_000);

  it('reads the stored KPIs per role: values for readers of every row, the reason for an agency', async () => {
    const analyst = await kpisFor('booking', 'analyst', { registry, trends: catalog, periods: 3 });
    expect(analyst.map((r) => [r.kpi.name, r.status])).toEqual([['bookings_per_resort_day', 'shown'], ['revenue_per_resort_day', 'shown'], ['cancellation_rate', 'shown']]);
    for (const r of analyst) if (r.status === 'shown') expect(r.trend.periods).toHaveLength(3);
    const agency = await kpisFor('booking', 'agency:101', { registry, trends: catalog });
    expect(agency.map((r) => r.status === 'refused' && r.reason)).toEqual(Array(3).fill('role agency:101 reads only some rows of booking.booking (AGENCY_ID = 101); the KPI counts all rows'));

    // The CLI prints the same, as an operator runs it.
    const root = fileURLToPath(new URL('..', import.meta.url));
    const cli = (args: string[]) => promisify(execFile)(process.execPath, ['bin/factory.js', 'kpi', 'show', ...args], { cwd: root, env: { ...process.env, ...env }, maxBuffer: 1 << 24 });
    const shown = (await cli(['customer_service', '--role', 'callcentre', '--periods', '3'])).stdout;
    const backlog = await catalog.kpiTrend({ domain: 'customer_service', kpi: 'open_case_backlog', periods: 3 });
    expect(shown).toContain('customer_service.open_case_backlog — Call-centre cases still open or waiting');
    expect(shown).toContain('owner dpo.customer_service; per day of OPENED_TS in customer_service.service_cases (service_case); target ≤ 10');
    expect(shown).toContain(backlog.periods.join('  '));
    // A KPI over a contact number: refused for analysts (masked), with the column named.
    const analystView = (await cli(['customer_service', '--role', 'analyst', '--periods', '3'])).stdout;
    expect(analystView).toContain('refused for analyst: column customer_service.call_log.CALLER_NUMBER (contact) is masked for role analyst; the KPI reads it');
    expect(analystView).not.toContain('refused for analyst: role');
    const refused = (await cli(['booking', '--role', 'agency:101'])).stdout;
    expect(refused).toContain('refused for agency:101: role agency:101 reads only some rows of booking.booking (AGENCY_ID = 101); the KPI counts all rows');
  }, 300_000);

  it.skipIf(!hasChromium)(`the console shows the KPIs the workflow stored, with their trend, as each role may see them${noChromiumReason}`, async () => {
    const app = await testConsole({ catalog, temporal: client, registry, config: testConfig(env), identity: identityEnv() });
    await app.listen({ port: Number(new URL(consoleUrl).port), host: '127.0.0.1' });
    const browser = await launchChromium();
    try {
      const dpo = await signedIn(browser, 'dpo.booking', '/#/kpis/booking');
      const card = dpo.getByRole('region', { name: 'bookings_per_resort_day' });
      await card.locator('svg polyline').waitFor();
      // The trend adds the resorts per day: the stored values, summed, oldest first.
      const stored = await catalog.kpiTrend({ domain: 'booking', kpi: 'bookings_per_resort_day', periods: 14 });
      const perDay = stored.periods.map((period) => `${period} ${stored.values.filter((v) => v.period === period).reduce((sum, v) => sum + v.numerator, 0)}`);
      expect(await card.getByRole('img').getAttribute('aria-label')).toBe(`bookings_per_resort_day, oldest first: ${perDay.join('; ')}`);
      for (const name of ['revenue_per_resort_day', 'cancellation_rate']) await dpo.getByRole('region', { name }).locator('svg polyline').waitFor();
      await accessible(dpo, 'demo KPIs');
      await shoot(dpo, 'kpis-demo-booking');
      await dpo.context().close();

      // The analyst sees the case backlog, and the distinct callers refused: it reads a contact number the analyst sees masked.
      const analyst = await signedIn(browser, 'analyst.lucia', '/#/kpis/customer_service');
      await analyst.getByRole('region', { name: 'open_case_backlog' }).locator('svg polyline').waitFor();
      expect(await analyst.getByRole('region', { name: 'distinct_callers_per_day' }).textContent())
        .toContain('Not shown to you: column customer_service.call_log.CALLER_NUMBER (contact) is masked for role analyst; the KPI reads it');
      await shoot(analyst, 'kpis-demo-customer-service-analyst');
      await analyst.context().close();
    } finally {
      await browser.close();
      await app.close();
    }
  }, 300_000);
});
