import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KpiContract } from '../../contracts/kpis.js';
import type { Kpis } from '../../connectors/warehouse/kpi-port.js';
import type { SqlDialect } from '../../core/sql/dialect.js';

/**
 * The KPI contract suite (capability 'kpis'), run unchanged against every adapter
 * (connectors/<adapter>/kpi-contract.test.ts): a published relation is written with the harness's
 * SQL (standing in for a publication), and every KPI is read through the port and compared with
 * values worked out by hand from the rows below.
 */

export interface KpiHarness {
  kpis: Kpis;
  dialect: SqlDialect;
  createSchema(name: string): Promise<void>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export interface KpiContractTarget {
  name: string;
  /** The domain name the suite publishes under (`published_<domain>`): unique per run on a shared warehouse. */
  domain: string;
  open(): Promise<KpiHarness>;
  cleanup?(): Promise<void>;
  unavailable?: string;
}

// 2026-01-05 is a Monday: the first four days fall in one ISO week, 2026-01-12 in the next, 2026-02-02 in February.
const rows: Array<[string, string, string, number, string, string | null]> = [
  // STAY_DATE, OPENED_TS, RESORT, AMOUNT, STATUS, GUEST
  ['2026-01-05', '2026-01-05 08:00:00', 'ALPS', 100.5, 'C', 'g1'],
  ['2026-01-05', '2026-01-05 23:59:59', 'ALPS', 200, 'X', 'g1'],
  ['2026-01-05', '2026-01-06 00:00:01', 'LAKE', 50.25, 'C', 'g2'],
  ['2026-01-07', '2026-01-07 12:00:00', 'ALPS', 10, 'C', null],
  ['2026-01-12', '2026-01-12 09:30:00', 'LAKE', 70, 'X', 'g3'],
  ['2026-01-13', '2026-01-13 10:00:00', 'LAKE', 30, 'C', 'g3'],
  ['2026-02-02', '2026-02-02 10:00:00', 'ALPS', 5, 'O', 'g4'],
];

type KpiShape = Pick<KpiContract, 'name' | 'product' | 'table' | 'measure' | 'grain'>;
const kpi = (name: string, measure: KpiShape['measure'], grain: KpiShape['grain']): KpiShape => ({ name, product: 'stays', table: 'stay', measure, grain });

export function kpiContractSuite(target: KpiContractTarget): void {
  const title = `KPI contract: ${target.name}${target.unavailable ? ` — skipped: ${target.unavailable}` : ''}`;
  describe.skipIf(target.unavailable !== undefined)(title, () => {
    let h: KpiHarness;
    const { domain } = target;
    const compute = (k: KpiShape, periods = 30) => h.kpis.computeKpi({ domain, kpi: k, periods });

    beforeAll(async () => {
      h = await target.open();
      const d = h.dialect;
      await h.createSchema(`published_${domain}`);
      const type = (name: string, t: string) => `${d.ident(name)} ${d.columnType({ name, type: t })}`;
      const relation = `${d.ident(`published_${domain}`)}.${d.ident('stays__stay')}`;
      await h.exec(`CREATE TABLE ${relation} (${[
        type('STAY_DATE', 'DATE'), type('OPENED_TS', 'TIMESTAMP(6)'), type('RESORT', 'VARCHAR(4)'), type('AMOUNT', 'DECIMAL(9,2)'), type('STATUS', 'CHAR(1)'), type('GUEST', 'VARCHAR(8)'),
      ].join(', ')})`);
      const ts = d.name === 'bigquery' ? 'DATETIME' : 'TIMESTAMP';
      const values = rows.map(([day, at, resort, amount, status, guest]) =>
        `(DATE ${d.literal(day)}, ${ts} ${d.literal(at)}, ${d.literal(resort)}, ${amount}, ${d.literal(status)}, ${guest === null ? 'NULL' : d.literal(guest)})`);
      await h.exec(`INSERT INTO ${relation} VALUES ${values.join(', ')}`);
    });
    afterAll(async () => {
      await h?.close();
      await target.cleanup?.();
    });

    it('counts rows per day and dimension value, oldest period first', async () => {
      const result = await compute(kpi('per_day', { kind: 'count', where: [] }, { time: 'day', column: 'STAY_DATE', by: 'RESORT' }));
      expect(result.relation).toBe(`published_${domain}.stays__stay`);
      expect(result.published).toBe(true);
      expect(result.rows).toEqual([
        { period: '2026-01-05', dimension: 'ALPS', numerator: 2, denominator: null },
        { period: '2026-01-05', dimension: 'LAKE', numerator: 1, denominator: null },
        { period: '2026-01-07', dimension: 'ALPS', numerator: 1, denominator: null },
        { period: '2026-01-12', dimension: 'LAKE', numerator: 1, denominator: null },
        { period: '2026-01-13', dimension: 'LAKE', numerator: 1, denominator: null },
        { period: '2026-02-02', dimension: 'ALPS', numerator: 1, denominator: null },
      ]);
    });

    it('sums a decimal column with a filter, cutting days from a timestamp', async () => {
      const result = await compute(kpi('revenue', { kind: 'sum', column: 'AMOUNT', where: [{ column: 'STATUS', op: '<>', value: 'X' }] }, { time: 'day', column: 'OPENED_TS' }));
      expect(result.rows.map((r) => [r.period, r.numerator])).toEqual([
        ['2026-01-05', 100.5], ['2026-01-06', 50.25], ['2026-01-07', 10], ['2026-01-12', 0], ['2026-01-13', 30], ['2026-02-02', 5],
      ]);
      // A period whose rows all fail the filter sums to 0, not to nothing.
      const none = await compute(kpi('cancelled_revenue', { kind: 'sum', column: 'AMOUNT', where: [{ column: 'STATUS', op: 'in', value: ['X'] }] }, { time: 'month', column: 'STAY_DATE' }));
      expect(none.rows.map((r) => [r.period, r.numerator])).toEqual([['2026-01-01', 270], ['2026-02-01', 0]]);
    });

    it('computes a ratio\'s two parts per ISO week (from Monday)', async () => {
      const result = await compute(kpi('cancellation_rate', {
        kind: 'ratio', numerator: { kind: 'count', where: [{ column: 'STATUS', op: '=', value: 'X' }] }, denominator: { kind: 'count', where: [] },
      }, { time: 'week', column: 'STAY_DATE' }));
      expect(result.rows).toEqual([
        { period: '2026-01-05', dimension: '', numerator: 1, denominator: 4 },
        { period: '2026-01-12', dimension: '', numerator: 1, denominator: 2 },
        { period: '2026-02-02', dimension: '', numerator: 0, denominator: 1 },
      ]);
    });

    it('counts distinct non-null values per month, with null and not-null filters', async () => {
      const distinct = await compute(kpi('guests', { kind: 'count_distinct', column: 'GUEST', where: [] }, { time: 'month', column: 'STAY_DATE' }));
      expect(distinct.rows.map((r) => [r.period, r.numerator])).toEqual([['2026-01-01', 3], ['2026-02-01', 1]]);
      const anonymous = await compute(kpi('anonymous', { kind: 'count', where: [{ column: 'GUEST', op: 'is_null' }] }, { time: 'month', column: 'STAY_DATE' }));
      expect(anonymous.rows.map((r) => [r.period, r.numerator])).toEqual([['2026-01-01', 1], ['2026-02-01', 0]]);
      const big = await compute(kpi('big', { kind: 'count', where: [{ column: 'AMOUNT', op: '>=', value: 70 }, { column: 'GUEST', op: 'is_not_null' }] }, { time: 'month', column: 'STAY_DATE' }));
      expect(big.rows.map((r) => [r.period, r.numerator])).toEqual([['2026-01-01', 3], ['2026-02-01', 0]]);
    });

    it('returns only the latest periods with data', async () => {
      const result = await compute(kpi('per_day', { kind: 'count', where: [] }, { time: 'day', column: 'STAY_DATE', by: 'RESORT' }), 2);
      expect(result.rows.map((r) => [r.period, r.dimension])).toEqual([['2026-01-13', 'LAKE'], ['2026-02-02', 'ALPS']]);
    });

    it('answers "not published" for a product never published, without an error', async () => {
      const result = await compute({ ...kpi('per_day', { kind: 'count', where: [] }, { time: 'day', column: 'STAY_DATE' }), product: 'never' });
      expect(result).toEqual({ relation: `published_${domain}.never__stay`, published: false, rows: [] });
    });
  });
}
