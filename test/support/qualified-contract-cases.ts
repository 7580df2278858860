import { expect, it } from 'vitest';
import { sqlDialect } from '../../core/sql/index.js';
import { qualifiedFixture } from './qualified-fixture.js';
import { PortLoader } from './quality-fixture.js';
import type { QualityCase, QualityContractTarget, QualityContractWarehouse } from './quality-contract-suite.js';

/**
 * The 'qualifiedLayer' cases of the quality contract suite (quality-contract-suite.ts): the views of
 * qualifiedFixture() built through the port, read back with one-row queries through runQualityQuery.
 */

export interface QualifiedCasesInput {
  target: QualityContractTarget;
  skipped: (which: QualityCase) => boolean;
  title: (which: QualityCase, text: string) => string;
  open: () => QualityContractWarehouse;
  dir: () => string;
}

/** The qualified views of qualifiedFixture() (a shop domain with one rule of each kind), read back through the port. */
export function qualifiedCases({ target, skipped, title, open, dir }: QualifiedCasesInput): void {
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
