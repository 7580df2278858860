import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableContract } from '../../contracts/contract.js';
import { duckDbColumnType } from '../warehouse-types.js';
import { qualifiedViewSql } from './sql.js';
import { qualifiedFixture } from '../../test/support/qualified-fixture.js';

// The DuckDB text of the views, run on edge values in an in-memory DuckDB: what a reader of the
// qualified layer gets for legacy dates, blank and unknown codes, missing rates and CHAR padding.

const registry = qualifiedFixture();
let instance: DuckDBInstance;
let db: DuckDBConnection;

async function createRaw(domain: string, table: TableContract, tombstones: boolean): Promise<void> {
  const columns = table.columns.map((c) => `"${c.name}" ${duckDbColumnType(c)}`);
  const lineage = ['"_source_system" VARCHAR', '"_load_id" VARCHAR', '"_loaded_at" TIMESTAMP', '"_source_position" VARCHAR'];
  await db.run(`CREATE SCHEMA IF NOT EXISTS raw_${domain}`);
  await db.run(`CREATE TABLE raw_${domain}."${table.name}" (${[...columns, ...lineage, ...(tombstones ? ['"_deleted" BOOLEAN'] : [])].join(', ')})`);
}

/** Rows of a view as text, so dates and decimals compare exactly. */
async function rows(sql: string): Promise<(string | null)[][]> {
  return (await db.runAndReadAll(sql)).getRowsJS().map((r) => r.map((v) => (v === null ? null : String(v))));
}

async function createView(domain: string, table: string, tombstones: boolean): Promise<void> {
  await db.run(`CREATE SCHEMA IF NOT EXISTS qualified_${domain}`);
  await db.run(qualifiedViewSql({
    domain, table: registry.table(`${domain}.${table}`), dialect: 'duckdb',
    resolve: (d, t, layer) => `"${layer}_${d}"."${t}"`,
    tombstones: () => tombstones,
  }));
}

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
  await createRaw('reference', registry.table('reference.currency'), true);
  await createRaw('reference', registry.table('reference.exchange_rate'), true);
  await createRaw('shop', registry.table('shop.sale'), true);
  await createRaw('shop', registry.table('shop.note'), false);
  // GBP was deleted at the source: its tombstone must not give labels.
  await db.run(`INSERT INTO raw_reference.currency ("CURRENCY_CODE", "CURRENCY_NAME", "_deleted") VALUES
    ('EUR', 'Euro', false), ('USD', 'US dollar', NULL), ('JPY', 'Yen', false), ('GBP', 'Pound sterling', true)`);
  // The USD rate of 2024-01-20 was deleted; GBP has no rates at all.
  await db.run(`INSERT INTO raw_reference.exchange_rate ("CURRENCY_CODE", "RATE_DATE", "RATE_TO_EUR", "_deleted") VALUES
    ('USD', '2024-01-01', 0.9, false), ('USD', '2024-01-10', 0.8, false), ('USD', '2024-01-20', 0.25, true),
    ('USD', '2024-01-31', 0.5, false), ('JPY', '2024-01-01', 0.0062, false), ('EUR', '2024-01-01', 3, false)`);
  await db.run(`INSERT INTO raw_shop.sale ("SALE_ID", "STATUS_CODE", "SALE_DATE_NUM", "VALID_TO_NUM", "CURRENCY_CODE", "AMOUNT", "SOLD_TS", "_source_position", "_deleted") VALUES
    (1, 'OP', 20240105, 99999999, 'USD', 100.00, '2024-01-10 08:00:00', '0/1', false),
    (2, 'CL', 20240230, 0, 'USD', 10.05, NULL, '0/2', false),
    (3, '  ', 00000000, 20240229, 'EUR', 12.34, '2020-01-01 00:00:00', '0/3', NULL),
    (4, 'ZZ', 20240125, 2023123, 'USD', 10.05, '2023-12-31 23:59:59', '0/4', false),
    (5, 'O ', 20240215, NULL, 'USD', -10.05, NULL, '0/5', false),
    (6, NULL, 20240105, NULL, 'GBP', 50.00, NULL, '0/6', false),
    (7, NULL, 20240105, NULL, 'XXX', NULL, NULL, '0/7', false),
    (8, 'CL', 20240105, NULL, 'USD', 1.00, NULL, '0/8', true),
    (9, 'OP', 20240105, NULL, '   ', 5.00, NULL, '0/9', false),
    (10, 'OP', 20240105, 19000229, 'JPY', 1000, NULL, '0/10', false),
    (11, 'OP', NULL, -20240105, 'USD', 1.00, NULL, '0/11', false)`);
  await db.run(`INSERT INTO raw_shop.note ("NOTE_ID", "KIND_CODE") VALUES (1, 'AB  '), (2, '    '), (3, NULL)`);
  await createView('shop', 'sale', true);
  await createView('shop', 'note', false);
});

afterAll(() => {
  db?.closeSync();
  instance?.closeSync();
});

describe('qualified view on DuckDB: edge values', () => {
  it('decodes legacy yyyymmdd numbers: 0, 00000000, impossible dates and 7 digits to NULL, 99999999 to the open end', async () => {
    expect(await rows(`SELECT "SALE_ID", "SALE_DATE_NUM", CAST("SALE_DATE" AS VARCHAR), "VALID_TO_NUM", CAST("VALID_TO" AS VARCHAR) FROM qualified_shop.sale WHERE "SALE_ID" <= 5 OR "SALE_ID" >= 10 ORDER BY 1`)).toEqual([
      ['1', '20240105', '2024-01-05', '99999999', '9999-12-31'],
      ['2', '20240230', null, '0', null],
      ['3', '0', null, '20240229', '2024-02-29'],
      ['4', '20240125', '2024-01-25', '2023123', null],
      ['5', '20240215', '2024-02-15', null, null],
      ['10', '20240105', '2024-01-05', '19000229', null],
      ['11', null, null, '-20240105', null],
    ]);
  });

  it('without an open end, 99999999 is NULL', async () => {
    await db.run(`CREATE TEMP TABLE open_end AS SELECT 1 AS "SALE_ID", 99999999 AS "SALE_DATE_NUM"`);
    const sql = qualifiedViewSql({
      domain: 'shop', table: registry.table('shop.sale'), dialect: 'duckdb', resolve: () => 'x', tombstones: () => false,
    }).match(/CASE WHEN "t"\."SALE_DATE_NUM" = 99999999 .*? END AS "SALE_DATE"/)![0]!;
    expect(await rows(`SELECT CAST(${sql.replace(/ AS "SALE_DATE"$/, '')} AS VARCHAR) FROM open_end AS t`)).toEqual([[null]]);
  });

  it('trims CHAR codes, blank codes become NULL, labels come from the code list or the default', async () => {
    expect(await rows(`SELECT "SALE_ID", "STATUS_CODE", "STATUS_LABEL" FROM qualified_shop.sale WHERE "SALE_ID" <= 6 ORDER BY 1`)).toEqual([
      ['1', 'OP', 'open'],
      ['2', 'CL', "it's closed"],
      ['3', null, null],
      ['4', 'ZZ', 'UNKNOWN'],
      ['5', 'O', 'UNKNOWN'],
      ['6', null, null],
    ]);
  });

  it('looks labels up in live code rows: unknown, deleted and blank codes give NULL', async () => {
    expect(await rows(`SELECT "SALE_ID", "CURRENCY_CODE", "CURRENCY_NAME" FROM qualified_shop.sale WHERE "SALE_ID" IN (1, 3, 6, 7, 9) ORDER BY 1`)).toEqual([
      ['1', 'USD', 'US dollar'],
      ['3', 'EUR', 'Euro'],
      ['6', 'GBP', null],
      ['7', 'XXX', null],
      ['9', '   ', null],
    ]);
  });

  it('converts amounts with the newest live rate on or before the day; no rate, no amount', async () => {
    expect(await rows(`SELECT "SALE_ID", CAST("AMOUNT_EUR" AS VARCHAR), CAST("AMOUNT_EUR_SOLD" AS VARCHAR) FROM qualified_shop.sale ORDER BY 1`)).toEqual([
      ['1', '90.00', '80.00'], // rate of 2024-01-01 for the 5th; the 10th has its own rate
      ['2', null, null], // no valid date, no rate
      ['3', '12.34', '12.34'], // EUR stays as it is, with or without a date (the EUR "rate" of 3 is ignored)
      ['4', '8.04', null], // the 2024-01-20 rate was deleted: 2024-01-10 applies; sold before the first rate
      ['5', '-5.03', null], // after the newest rate: -10.05 × 0.5 = -5.025, rounded half away from zero
      ['6', null, null], // GBP has no rates
      ['7', null, null], // no amount
      ['9', null, null], // blank currency
      ['10', '6.20', null], // 1000 JPY × 0.0062
      ['11', null, null], // no date
    ]);
  });

  it('keeps exactly the live raw rows, contract columns first, then derived, then lineage', async () => {
    expect(await rows('SELECT count(*), count(DISTINCT "SALE_ID") FROM qualified_shop.sale')).toEqual([['10', '10']]);
    expect(await rows(`SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'qualified_shop' AND table_name = 'sale' ORDER BY column_index`)).toEqual([
      ['SALE_ID', 'INTEGER'], ['STATUS_CODE', 'VARCHAR'], ['SALE_DATE_NUM', 'DECIMAL(8,0)'], ['VALID_TO_NUM', 'INTEGER'], ['CURRENCY_CODE', 'VARCHAR'],
      ['AMOUNT', 'DECIMAL(11,2)'], ['SOLD_TS', 'TIMESTAMP'], ['SALE_DATE', 'DATE'], ['VALID_TO', 'DATE'], ['STATUS_LABEL', 'VARCHAR'], ['CURRENCY_NAME', 'VARCHAR'],
      ['AMOUNT_EUR', 'DECIMAL(38,2)'], ['AMOUNT_EUR_SOLD', 'DECIMAL(38,2)'], ['_source_position', 'VARCHAR'], ['_loaded_at', 'TIMESTAMP'],
    ]);
  });

  it('reads every row of a raw table that has no tombstones yet; trims without emptying unless asked', async () => {
    expect(await rows('SELECT "NOTE_ID", "KIND_CODE" FROM qualified_shop.note ORDER BY 1')).toEqual([['1', 'AB'], ['2', ''], ['3', null]]);
  });
});
