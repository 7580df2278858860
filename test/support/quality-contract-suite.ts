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
import { qualifiedCases } from './qualified-contract-cases.js';
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
