import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQualityActivities, type RunQualityCheckInput } from '../../activities/quality/index.js';
import type { ChangeApply, Closable, WarehouseLoad } from '../../connectors/warehouse/port.js';
import type { QualifiedLayer } from '../../connectors/warehouse/qualified-port.js';
import type { QualityStore } from '../../connectors/warehouse/quality-port.js';
import type { QualityReport, QualityRuleOutcome } from '../../core/quality-report.js';
import type { WarehouseDialect } from '../../core/sql/dialect.js';
import { sqlDialect } from '../../core/sql/index.js';
import { checksumOf } from './warehouse-contract-suite.js';
import { qualifiedFixture } from './qualified-fixture.js';
import { itemRows, liveItemValues, parentRows, PortLoader, qualityFixture } from './quality-fixture.js';

/**
 * The quality contract suite: the promises of the capabilities 'qualityStore' (quality-port.ts) and
 * 'qualifiedLayer' (qualified-port.ts), run unchanged against every adapter
 * (connectors/<adapter>/quality-contract.test.ts). Data lands through the load and change-capture
 * ports; every rule kind runs through the quality gate's own activity (check SQL of the adapter's
 * dialect, one result row, evaluation), so both warehouses must give the same verdicts, counts and
 * sample keys. Views are read back with one-row queries through runQualityQuery.
 */

export type QualityContractWarehouse = WarehouseLoad & ChangeApply & QualityStore & QualifiedLayer & Closable;

export type QualityCase = 'target' | 'rule-kinds' | 'baselines-compare' | 'values' | 'reports' | 'baselines' | 'views-skip' | 'views-rows' | 'views-drop';

export interface QualityContractTarget {
  name: string;
  dialect: WarehouseDialect;
  open(): Promise<QualityContractWarehouse>;
  cleanup?(): Promise<void>;
  /** Cases this adapter cannot keep, each with the reason printed in the test name. */
  skip?: Partial<Record<QualityCase, string>>;
  /** When set, the whole suite is skipped with this reason. */
  unavailable?: string;
}

function outcome(overrides: Partial<QualityRuleOutcome>): QualityRuleOutcome {
  return {
    domain: 'res', table: 'guest', ruleId: 'email_present', kind: 'not_null', severity: 'block', status: 'pass', metric: 0, threshold: 0,
    failing: 0, total: 3, sampleKeys: [], measured: { row_count: 3 }, detail: 'ok', durationMs: 5, ...overrides,
  };
}

/** What each rule of qc.item finds on its live rows (quality-fixture.ts says why). */
const expectedVerdicts: Record<string, Partial<QualityRuleOutcome>> = {
  email_present: { status: 'block', failing: 1, total: 5, sampleKeys: ['2'], metric: 0.2 },
  code_known: { status: 'block', failing: 2, total: 5, sampleKeys: ['3', '5'] },
  qty_range: { status: 'block', failing: 2, total: 5, sampleKeys: ['2', '3'] },
  price_min: { status: 'warn', failing: 1, total: 5, sampleKeys: ['2'] },
  code_pattern: { status: 'warn', failing: 1, total: 5, sampleKeys: ['5'] },
  email_format: { status: 'warn', failing: 1, total: 5, sampleKeys: ['3'] },
  phone_format: { status: 'warn', failing: 1, total: 5, sampleKeys: ['2'] },
  country_iso: { status: 'warn', failing: 1, total: 5, sampleKeys: ['3'] },
  currency_iso: { status: 'warn', failing: 1, total: 5, sampleKeys: ['3'] },
  code_unique: { status: 'pass', failing: 2, total: 5, sampleKeys: ['A'], metric: 0.4 },
  parent_exists: { status: 'block', failing: 1, total: 5, sampleKeys: ['3'] },
  qty_within_price: { status: 'warn', failing: 2, total: 5, sampleKeys: [] },
  item_fresh: { status: 'block', metric: 3600, measured: { row_count: 5, age_seconds: 3600 } },
  item_landed: { status: 'pass' },
  item_volume: { status: 'pass', metric: null, measured: { row_count: 5 } },
  email_null_rate: { status: 'pass', metric: null, measured: { row_count: 5, null_rate: 0.2 } },
  code_variety: { status: 'pass', metric: null, measured: { row_count: 5, distinct_count: 4 } },
  item_matches_source: { status: 'pass', metric: 0 },
};

export function qualityContractSuite(target: QualityContractTarget): void {
  const skipped = (which: QualityCase) => target.skip?.[which] !== undefined;
  const title = (which: QualityCase, text: string) => (skipped(which) ? `${text} — skipped on ${target.name}: ${target.skip![which]}` : text);
  const suiteName = `quality store and qualified layer on ${target.name}${target.unavailable ? ` — skipped: ${target.unavailable}` : ''}`;
  const registry = qualityFixture();
  const item = registry.table('qc.item');
  const source = { rows: 5, checksum: checksumOf(item, liveItemValues(item)) };
  const { ident, textType } = sqlDialect(target.dialect);

  describe.skipIf(target.unavailable !== undefined)(suiteName, () => {
    let dir: string;
    let wh: QualityContractWarehouse;
    let activities: ReturnType<typeof createQualityActivities>;
    const inContext = <I, R>(fn: (input: I) => Promise<R>, input: I): Promise<R> => new MockActivityEnvironment().run(fn, input);
    const check = (ruleId: string, extra: Partial<RunQualityCheckInput> = {}) => inContext(activities.runQualityCheck, {
      domain: 'qc', table: 'item', ruleId, now: '2024-05-01T12:00:00.000Z', ...(ruleId === 'item_matches_source' ? { source } : {}), ...extra,
    });

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'factory-quality-contract-'));
      wh = await target.open();
      activities = createQualityActivities({ registry, warehouse: wh, dialect: target.dialect });
      const loader = new PortLoader(wh, dir, registry);
      await loader.backfill('qc.parent', parentRows);
      await loader.backfill('qc.item', itemRows);
      await loader.deleteByCapture('qc.item', [{ ITEM_ID: '6' }]);
    }, 120_000);
    afterAll(async () => {
      await wh?.close();
      await target.cleanup?.();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it.skipIf(skipped('target'))(title('target', 'names the live table, or none before a backfill swapped one in'), async () => {
      const found = await wh.qualityTarget({ domain: 'qc', table: 'item' });
      expect(found.target).toContain('item');
      expect(found.liveFilter).toContain('_deleted');
      await expect(wh.qualityTarget({ domain: 'qc', table: 'nothing' })).resolves.toEqual({ target: null });
    });

    it.skipIf(skipped('rule-kinds'))(title('rule-kinds', 'evaluates every rule kind inside the warehouse, live rows only, with the same verdicts and sample keys'), async () => {
      const results = await Promise.all(item.qualityRules.map((r) => check(r.id)));
      const byRule = Object.fromEntries(results.map((r) => [r.ruleId, r]));
      for (const [ruleId, expected] of Object.entries(expectedVerdicts)) expect(byRule[ruleId], ruleId).toMatchObject(expected);
      expect(Object.keys(byRule).sort()).toEqual(Object.keys(expectedVerdicts).sort());
      // The landing time is the warehouse's own clock: fresher than the fixed "now" of the run.
      expect(byRule.item_landed!.measured.row_count).toBe(5);
      expect(byRule.item_matches_source!.measured).toEqual({ row_count: 5, checksum: source.checksum });
    }, 120_000);

    it.skipIf(skipped('baselines-compare'))(title('baselines-compare', 'compares volume and distribution with a baseline'), async () => {
      expect(await check('item_volume', { baseline: { row_count: 4 } })).toMatchObject({ status: 'warn', metric: 25 });
      expect(await check('email_null_rate', { baseline: { null_rate: 0.2 } })).toMatchObject({ status: 'pass', metric: 0 });
      expect(await check('code_variety', { baseline: { distinct_count: 5 } })).toMatchObject({ status: 'warn', metric: 20 });
      const elsewhere = { rows: 5, checksum: '1' };
      expect(await check('item_matches_source', { source: elsewhere })).toMatchObject({ status: 'block', metric: 0 });
    });

    it.skipIf(skipped('values'))(title('values', 'runs a query and returns its one row as JSON-safe values, or none'), async () => {
      const { target: table } = await wh.qualityTarget({ domain: 'qc', table: 'item' });
      const { row } = await wh.runQualityQuery({
        sql: `SELECT CAST(9007199254740993 AS BIGINT) AS big, COUNT(*) AS n, CAST(0.5 AS DECIMAL(4, 2)) AS share, CAST(DATE '2024-01-02' AS ${textType}) AS day FROM ${table}`,
      });
      expect(row).toEqual({ big: '9007199254740993', n: 6, share: 0.5, day: '2024-01-02' });
      await expect(wh.runQualityQuery({ sql: `SELECT ${ident('ITEM_ID')} FROM ${table} WHERE 1 = 0` })).resolves.toEqual({ row: null });
    });

    it.skipIf(skipped('reports'))(title('reports', 'stores a report once per run id and reads the last one back as stored'), async () => {
      const first: QualityReport = {
        reportId: 'run-1', product: 'res.guests', domain: 'res', status: 'block', durationMs: 12, checkedAt: '2024-05-01T10:00:00.000Z',
        results: [
          outcome({ status: 'block', metric: 2 / 3, failing: 2, sampleKeys: Array.from({ length: 25 }, (_, i) => String(i)), detail: "2 of 3 rows are null, it's 67%" }),
          outcome({ ruleId: 'guest_volume', kind: 'volume', severity: 'warn', status: 'pass', metric: null, threshold: 10, failing: undefined, total: undefined, measured: { row_count: 3 } }),
        ],
      };
      await wh.storeQualityReport(first);
      await wh.storeQualityReport(first);
      const stored = await wh.lastQualityReport({ product: 'res.guests' });
      const { failing: _f, total: _t, ...volume } = first.results[1]!;
      expect(stored).toEqual({ ...first, results: [{ ...first.results[0]!, sampleKeys: first.results[0]!.sampleKeys.slice(0, 20) }, volume] });
      const later = { ...first, reportId: 'run-2', status: 'pass' as const, checkedAt: '2024-05-01T11:00:00.000Z', results: [] };
      await wh.storeQualityReport(later);
      await expect(wh.lastQualityReport({ product: 'res.guests' })).resolves.toEqual(later);
      await expect(wh.lastQualityReport({ product: 'res.other' })).resolves.toBeNull();
    });

    it.skipIf(skipped('baselines'))(title('baselines', 'keeps the metrics of volume and distribution rules as baselines, except where a rule blocked'), async () => {
      const report = (reportId: string, rows: number, volumeStatus: 'pass' | 'block'): QualityReport => ({
        reportId, product: 'res.baselines', domain: 'res', status: volumeStatus, durationMs: 1, checkedAt: '2024-05-02T10:00:00.000Z',
        results: [
          outcome({ table: 'stay', ruleId: 'stay_volume', kind: 'volume', status: volumeStatus, measured: { row_count: rows } }),
          outcome({ table: 'stay', ruleId: 'stay_nulls', kind: 'distribution', measured: { row_count: rows, null_rate: 0.25 } }),
          outcome({ table: 'stay', ruleId: 'stay_email', kind: 'not_null', measured: { row_count: rows } }),
        ],
      });
      await wh.storeQualityReport(report('b-1', 100, 'pass'));
      await wh.storeQualityReport(report('b-2', 10, 'block'));
      const baselines = await wh.qualityBaselines({ tables: [{ domain: 'res', table: 'stay' }, { domain: 'res', table: 'none' }] });
      expect(baselines.map(({ recordedAt: _r, ...b }) => b)).toEqual([
        { domain: 'res', table: 'stay', ruleId: 'stay_nulls', metrics: { row_count: 10, null_rate: 0.25 } },
        { domain: 'res', table: 'stay', ruleId: 'stay_volume', metrics: { row_count: 100 } },
      ]);
      expect(baselines[0]!.recordedAt).toBe('2024-05-02T10:00:00.000Z');
      await expect(wh.qualityBaselines({ tables: [] })).resolves.toEqual([]);
    });

    qualifiedCases({ target, skipped, title, open: () => wh, dir: () => dir });
  });
}

interface QualifiedCasesInput {
  target: QualityContractTarget;
  skipped: (which: QualityCase) => boolean;
  title: (which: QualityCase, text: string) => string;
  open: () => QualityContractWarehouse;
  dir: () => string;
}

/** The qualified views of qualifiedFixture() (a shop domain with one rule of each kind), read back through the port. */
function qualifiedCases({ target, skipped, title, open, dir }: QualifiedCasesInput): void {
  const registry = qualifiedFixture();
  const { ident, textType } = sqlDialect(target.dialect);
  const shop = [...registry.domain('shop').tables];
  const view = (table: string) => `${ident(`qualified_shop`)}.${ident(table)}`;
  const text = (column: string) => `CAST(${ident(column)} AS ${textType}) AS ${ident(column)}`;
  const sale = (id: number, status: string | null, saleDate: string | null, validTo: string | null, currency: string | null, amount: string | null, sold: string | null) => ({
    SALE_ID: String(id), STATUS_CODE: status, SALE_DATE_NUM: saleDate, VALID_TO_NUM: validTo, CURRENCY_CODE: currency, AMOUNT: amount, SOLD_TS: sold,
  });

  it.skipIf(skipped('views-skip'))(title('views-skip', 'skips a view until the tables its rules read are loaded, naming them'), async () => {
    const loader = new PortLoader(open(), dir(), registry);
    await loader.backfill('shop.sale', [
      sale(1, 'OP', '20240105', '99999999', 'USD', '100.00', '2024-01-10 08:00:00'),
      sale(2, 'CL', '20240230', '0', 'USD', '10.05', null),
      sale(3, '  ', '00000000', '20240229', 'EUR', '12.34', '2020-01-01 00:00:00'),
      sale(4, 'ZZ', '20240125', '2023123', 'USD', '10.05', '2023-12-31 23:59:59'),
      sale(5, 'O ', '20240215', null, 'USD', '-10.05', null),
      sale(6, null, '20240105', null, 'GBP', '50.00', null),
      sale(7, null, '20240105', null, 'XXX', null, null),
      sale(8, 'CL', '20240105', null, 'USD', '1.00', null),
      sale(9, 'OP', '20240105', null, '   ', '5.00', null),
      sale(10, 'OP', '20240105', '19000229', 'JPY', '1000', null),
      sale(11, 'OP', null, '-20240105', 'USD', '1.00', null),
    ]);
    await loader.deleteByCapture('shop.sale', [{ SALE_ID: '8' }]);
    await loader.backfill('shop.note', [{ NOTE_ID: '1', KIND_CODE: 'AB  ' }, { NOTE_ID: '2', KIND_CODE: '    ' }, { NOTE_ID: '3', KIND_CODE: null }]);
    const result = await open().buildQualifiedLayer({ domain: 'shop', tables: shop });
    expect(result.skipped).toEqual([
      { table: 'shop.sale', reason: 'its business rules read reference.currency: raw table raw_reference.currency does not exist (not backfilled or captured yet)' },
    ]);
    expect(result.views).toMatchObject([{ table: 'shop.note', view: 'qualified_shop.note', columns: 4 }]);
    const notes = await Promise.all([1, 2, 3].map(async (id) => (await open().runQualityQuery({
      sql: `SELECT ${ident('KIND_CODE')} FROM ${view('note')} WHERE ${ident('NOTE_ID')} = ${id}`,
    })).row));
    expect(notes).toEqual([{ KIND_CODE: 'AB' }, { KIND_CODE: '' }, { KIND_CODE: null }]);
  }, 120_000);

  it.skipIf(skipped('views-rows'))(title('views-rows', 'builds the view once they are: live rows only, dates decoded, codes labelled, amounts in EUR'), async () => {
    const loader = new PortLoader(open(), dir(), registry);
    await loader.backfill('reference.currency', [
      { CURRENCY_CODE: 'EUR', CURRENCY_NAME: 'Euro' }, { CURRENCY_CODE: 'USD', CURRENCY_NAME: 'US dollar' },
      { CURRENCY_CODE: 'JPY', CURRENCY_NAME: 'Yen' }, { CURRENCY_CODE: 'GBP', CURRENCY_NAME: 'Pound sterling' },
    ]);
    await loader.deleteByCapture('reference.currency', [{ CURRENCY_CODE: 'GBP' }]);
    await loader.backfill('reference.exchange_rate', [
      { CURRENCY_CODE: 'USD', RATE_DATE: '2024-01-01', RATE_TO_EUR: '0.90000000' }, { CURRENCY_CODE: 'USD', RATE_DATE: '2024-01-10', RATE_TO_EUR: '0.80000000' },
      { CURRENCY_CODE: 'USD', RATE_DATE: '2024-01-20', RATE_TO_EUR: '0.25000000' }, { CURRENCY_CODE: 'USD', RATE_DATE: '2024-01-31', RATE_TO_EUR: '0.50000000' },
      { CURRENCY_CODE: 'JPY', RATE_DATE: '2024-01-01', RATE_TO_EUR: '0.00620000' }, { CURRENCY_CODE: 'EUR', RATE_DATE: '2024-01-01', RATE_TO_EUR: '3.00000000' },
    ]);
    await loader.deleteByCapture('reference.exchange_rate', [{ CURRENCY_CODE: 'USD', RATE_DATE: '2024-01-20' }]);
    const result = await open().buildQualifiedLayer({ domain: 'shop', tables: shop });
    expect(result.skipped).toEqual([]);
    expect(result.views).toMatchObject([
      { table: 'shop.sale', view: 'qualified_shop.sale', columns: 15, tombstoneFilter: true },
      { table: 'shop.note', view: 'qualified_shop.note', columns: 4 },
    ]);
    const counted = await open().runQualityQuery({ sql: `SELECT COUNT(*) AS n, COUNT(DISTINCT ${ident('SALE_ID')}) AS ids, MAX(${ident('SALE_ID')}) AS top FROM ${view('sale')} WHERE ${ident('SALE_ID')} <> 8` });
    const all = await open().runQualityQuery({ sql: `SELECT COUNT(*) AS n FROM ${view('sale')}` });
    expect([counted.row, all.row]).toEqual([{ n: 10, ids: 10, top: 11 }, { n: 10 }]);
    const columns = [text('SALE_DATE'), text('VALID_TO'), ident('STATUS_CODE'), ident('STATUS_LABEL'), ident('CURRENCY_NAME'), ident('AMOUNT_EUR'), ident('AMOUNT_EUR_SOLD')];
    const row = async (id: number) => (await open().runQualityQuery({ sql: `SELECT ${columns.join(', ')} FROM ${view('sale')} WHERE ${ident('SALE_ID')} = ${id}` })).row;
    const r = (SALE_DATE: string | null, VALID_TO: string | null, STATUS_CODE: string | null, STATUS_LABEL: string | null, CURRENCY_NAME: string | null, AMOUNT_EUR: number | null, AMOUNT_EUR_SOLD: number | null) =>
      ({ SALE_DATE, VALID_TO, STATUS_CODE, STATUS_LABEL, CURRENCY_NAME, AMOUNT_EUR, AMOUNT_EUR_SOLD });
    const rows = await Promise.all([1, 2, 3, 4, 5, 6, 7, 9, 10, 11].map(row));
    expect(rows).toEqual([
      r('2024-01-05', '9999-12-31', 'OP', 'open', 'US dollar', 90, 80), // rate of 2024-01-01 for the 5th; the 10th has its own
      r(null, null, 'CL', "it's closed", 'US dollar', null, null), // impossible date, 0: no day, no rate
      r(null, '2024-02-29', null, null, 'Euro', 12.34, 12.34), // blank code is no code; EUR stays as it is
      r('2024-01-25', null, 'ZZ', 'UNKNOWN', 'US dollar', 8.04, null), // the deleted 2024-01-20 rate is skipped; sold before the first rate
      r('2024-02-15', null, 'O', 'UNKNOWN', 'US dollar', -5.03, null), // after the newest rate: −5.025 rounds half away from zero
      r('2024-01-05', null, null, null, null, null, null), // GBP was deleted: no label, no rates
      r('2024-01-05', null, null, null, null, null, null), // unknown currency, no amount
      r('2024-01-05', null, 'OP', 'open', null, null, null), // blank currency
      r('2024-01-05', null, 'OP', 'open', 'Yen', 6.2, null), // 1000 JPY × 0.0062
      r(null, null, 'OP', 'open', 'US dollar', null, null), // no date
    ]);
  }, 120_000);

  it.skipIf(skipped('views-drop'))(title('views-drop', 'rebuilds idempotently, and drops the view of a table whose raw table no longer fits its contract'), async () => {
    const sale = registry.table('shop.sale');
    const again = await open().buildQualifiedLayer({ domain: 'shop', tables: [sale] });
    expect(again.views.map((v) => v.view)).toEqual(['qualified_shop.sale']);
    const grown = { ...sale, columns: [...sale.columns, { ...sale.columns[0]!, name: 'LOYALTY_ID' }] };
    const result = await open().buildQualifiedLayer({ domain: 'shop', tables: [grown] });
    expect(result).toEqual({ domain: 'shop', views: [], skipped: [{ table: 'shop.sale', reason: 'raw table raw_shop.sale lacks column(s) LOYALTY_ID of the contract (backfill it again)' }] });
    await expect(open().runQualityQuery({ sql: `SELECT COUNT(*) AS n FROM ${view('sale')}` })).rejects.toThrow();
  });
}
