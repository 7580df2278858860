import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QualityReport, QualityRuleOutcome } from '../../core/quality-report.js';
import { checkQuery } from '../../core/quality/check-sql.js';
import { tableSchema, type TableContract } from '../../contracts/contract.js';
import { toQualityValue } from './quality-store.js';
import { createDuckDbWarehouse, type DuckDbWarehouse } from './warehouse.js';

const table: TableContract = tableSchema.parse({
  name: 'guest',
  description: 'Guests',
  source: { system: 'resdb', schema: 'RES', table: 'GUEST' },
  primaryKey: ['GUEST_ID'],
  columns: [{ name: 'GUEST_ID', type: 'BIGINT' }, { name: 'EMAIL', type: 'VARCHAR(80)', nullable: true }],
  qualityRules: [{ id: 'email_present', kind: 'not_null', columns: ['EMAIL'], severity: 'block' }],
});

function outcome(overrides: Partial<QualityRuleOutcome>): QualityRuleOutcome {
  return {
    domain: 'res', table: 'guest', ruleId: 'email_present', kind: 'not_null', severity: 'block', status: 'pass', metric: 0, threshold: 0,
    failing: 0, total: 3, sampleKeys: [], measured: { row_count: 3 }, detail: 'ok', durationMs: 5, ...overrides,
  };
}

describe('DuckDB quality store', () => {
  let dir: string;
  let wh: DuckDbWarehouse;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'factory-quality-'));
    wh = await createDuckDbWarehouse({ path: join(dir, 'warehouse.duckdb') });
    const file = join(dir, 'guest.csv');
    writeFileSync(file, '1,a@example.com\n2,\n3,\n');
    const { loadTable } = await wh.prepareLoad({ domain: 'res', table, loadId: 'q1' });
    await wh.loadChunk({ loadTable, table, file, chunkIndex: 0, lineage: { sourceSystem: 'resdb', loadId: 'q1', sourcePosition: 'p' } });
    await wh.swapIn({ domain: 'res', table, loadTable });
  });
  afterAll(async () => {
    await wh?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the live table, or none before a backfill swapped one in', async () => {
    await expect(wh.qualityTarget({ domain: 'res', table: 'guest' })).resolves.toEqual({ target: '"raw_res"."guest"' });
    await expect(wh.qualityTarget({ domain: 'res', table: 'stay' })).resolves.toEqual({ target: null });
  });

  it('runs a check query and returns its one row as JSON-safe values', async () => {
    const { sql } = checkQuery({ rule: table.qualityRules[0]!, table, dialect: 'duckdb', target: '"raw_res"."guest"', resolve: () => { throw new Error('no reference'); } });
    const { row } = await wh.runQualityQuery({ sql });
    expect(row).toEqual({ failing: 2, total: 3, samples: ['2', '3'] });
    const wide = await wh.runQualityQuery({ sql: `SELECT 12345678901234567890::HUGEINT AS big, [1, 2]::BIGINT[] AS keys, TIMESTAMP '2024-01-02 03:04:05' AS at, 0.5::DECIMAL(4,2) AS share` });
    expect(wide.row).toEqual({ big: '12345678901234567890', keys: ['1', '2'], at: '2024-01-02T03:04:05.000Z', share: 0.5 });
    await expect(wh.runQualityQuery({ sql: 'SELECT 1 WHERE false' })).resolves.toEqual({ row: null });
  });

  it('stores a report once per run id and reads the last one back as stored', async () => {
    const first: QualityReport = {
      reportId: 'run-1', product: 'res.guests', domain: 'res', status: 'block', durationMs: 12, checkedAt: '2024-05-01T10:00:00.000Z',
      results: [
        outcome({ status: 'block', metric: 2 / 3, failing: 2, sampleKeys: Array.from({ length: 25 }, (_, i) => String(i)), detail: '2 of 3 rows are null' }),
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

  it('keeps the metrics of volume and distribution rules as baselines, except where a rule blocked', async () => {
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
  });

  it('turns DuckDB values into JSON: big integers as text, safe ones as numbers', () => {
    expect(toQualityValue(2n ** 53n + 2n)).toBe('9007199254740994');
    expect(toQualityValue(42n)).toBe(42);
    expect(toQualityValue([1n, null, 'a'])).toEqual(['1', null, 'a']);
    expect(toQualityValue(Number.NaN)).toBe('NaN');
  });
});
