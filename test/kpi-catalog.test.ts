import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalogStore, type PostgresCatalogStore } from '../connectors/catalog/postgres.js';
import { parseConfig } from '../core/config.js';
import { kpiValue, type KpiRow } from '../core/kpi/values.js';
import { testCatalogDatabase } from './support/catalog.js';

/** KPI values in the catalog (connectors/catalog/kpis.ts) on the stack's PostgreSQL, in a database of this test's own. */

const db = testCatalogDatabase(parseConfig(process.env).FACTORY_CATALOG_URL);
let store: PostgresCatalogStore;

beforeAll(async () => {
  store = await openCatalogStore({ url: db.url });
});
afterAll(async () => {
  await store?.close();
  await db.drop();
});

const target = { value: 10, direction: 'at_least' as const };
const run = (runId: string, computedAt: string, rows: KpiRow[]) => ({
  domain: 'booking', kpi: 'per_day', target, runId, computedAt, values: rows.map((r) => kpiValue(r, target)),
});
const row = (period: string, dimension: string, numerator: number): KpiRow => ({ period, dimension, numerator, denominator: null });

describe('KPI values in the catalog', () => {
  it('writes a run once, keeps the newest computation of a period, and reads the last periods oldest first', async () => {
    const first = run('kpis/1', '2026-01-10T04:15:00.000Z', [row('2026-01-08', 'ALPS', 12), row('2026-01-08', 'LAKE', 3), row('2026-01-09', 'ALPS', 4)]);
    expect(await store.writeKpiValues(first)).toEqual({ written: 3, alreadyRecorded: false });
    expect(await store.writeKpiValues(first)).toEqual({ written: 0, alreadyRecorded: true });
    // The next night: the 9th has grown, the 10th is new.
    const second = run('kpis/2', '2026-01-11T04:15:00.000Z', [row('2026-01-09', 'ALPS', 11), row('2026-01-10', 'ALPS', 1)]);
    expect(await store.writeKpiValues(second)).toEqual({ written: 2, alreadyRecorded: false });
    // A late retry of an older run changes nothing it computed earlier than what is stored.
    const late = run('kpis/0', '2026-01-09T04:15:00.000Z', [row('2026-01-09', 'ALPS', 2)]);
    expect(await store.writeKpiValues(late)).toEqual({ written: 0, alreadyRecorded: false });

    const trend = await store.kpiTrend({ domain: 'booking', kpi: 'per_day', periods: 2 });
    expect(trend.periods).toEqual(['2026-01-09', '2026-01-10']);
    expect(trend.values).toEqual([
      { period: '2026-01-09', dimension: 'ALPS', numerator: 11, denominator: null, value: 11, meets: true, target: 10, computedAt: '2026-01-11T04:15:00.000Z' },
      { period: '2026-01-10', dimension: 'ALPS', numerator: 1, denominator: null, value: 1, meets: false, target: 10, computedAt: '2026-01-11T04:15:00.000Z' },
    ]);
    const all = await store.kpiTrend({ domain: 'booking', kpi: 'per_day', periods: 30 });
    expect(all.values.map((v) => [v.period, v.dimension, v.value])).toEqual([
      ['2026-01-08', 'ALPS', 12], ['2026-01-08', 'LAKE', 3], ['2026-01-09', 'ALPS', 11], ['2026-01-10', 'ALPS', 1],
    ]);
    expect(await store.kpiTrend({ domain: 'booking', kpi: 'unknown', periods: 5 })).toEqual({ domain: 'booking', kpi: 'unknown', periods: [], values: [] });
  });

  it('stores a ratio with its parts and no value for a zero denominator', async () => {
    const share = { value: 0.15, direction: 'at_most' as const };
    const values = [{ period: '2026-01-05', dimension: '', numerator: 3, denominator: 20 }, { period: '2026-01-12', dimension: '', numerator: 0, denominator: 0 }].map((r) => kpiValue(r, share));
    await store.writeKpiValues({ domain: 'booking', kpi: 'rate', target: share, runId: 'kpis/1', computedAt: '2026-01-13T04:15:00.000Z', values });
    const trend = await store.kpiTrend({ domain: 'booking', kpi: 'rate', periods: 5 });
    expect(trend.values.map((v) => [v.period, v.numerator, v.denominator, v.value, v.meets])).toEqual([['2026-01-05', 3, 20, 0.15, true], ['2026-01-12', 0, 0, null, null]]);
  });
});
