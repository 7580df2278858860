import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tableSchema, type TableContract } from '../../contracts/contract.js';
import { qualityRuleSchema, type RowRule } from '../../contracts/quality-rules.js';
import { duckDbColumnType } from '../warehouse-types.js';
import { isoCountryCodes, isoCurrencyCodes } from './iso-codes.js';
import { rowFailurePredicate, rowFailureReasonSql } from './row-sql.js';

const table: TableContract = tableSchema.parse({
  name: 't', description: 'Every type a row rule meets.', source: { system: 'db2', schema: 'S', table: 'T' }, primaryKey: ['ID'],
  columns: [
    { name: 'ID', type: 'INTEGER' },
    { name: 'STATUS', type: 'CHAR(3)', nullable: true },
    { name: 'NAME', type: 'VARCHAR(40)', nullable: true },
    { name: 'QTY', type: 'SMALLINT', nullable: true },
    { name: 'AMOUNT', type: 'DECIMAL(13,2)', nullable: true },
    { name: 'DAY', type: 'DATE', nullable: true },
    { name: 'TS', type: 'TIMESTAMP(6)', nullable: true },
    { name: 'TS12', type: 'TIMESTAMP(12)', nullable: true },
    { name: 'DF', type: 'DECFLOAT(34)', nullable: true },
    { name: 'EMAIL', type: 'VARCHAR(254)', nullable: true },
    { name: 'PHONE', type: 'VARCHAR(20)', nullable: true },
    { name: 'COUNTRY', type: 'CHAR(2)', nullable: true },
    { name: 'CURRENCY', type: 'CHAR(3)', nullable: true },
  ],
});

const rule = (r: Record<string, unknown>): RowRule => qualityRuleSchema.parse({ id: 'r', ...r }) as RowRule;

let db: DuckDBConnection;

beforeAll(async () => {
  db = await (await DuckDBInstance.create(':memory:')).connect();
  const columns = table.columns.map((c) => `"${c.name}" ${duckDbColumnType(c)}`).join(', ');
  await db.run(`CREATE TABLE t (${columns})`);
});
afterAll(() => db.closeSync());
beforeEach(async () => { await db.run('DELETE FROM t'); });

/** Inserts one row per value (SQL text) into `column`, and returns which rows the rule fails. */
async function failing(r: RowRule, column: string, values: string[]): Promise<boolean[]> {
  for (const [i, v] of values.entries()) await db.run(`INSERT INTO t ("ID", "${column}") VALUES (${i}, ${v})`);
  const predicate = rowFailurePredicate(r, table, 'duckdb');
  const rows = (await db.runAndReadAll(`SELECT ${predicate} FROM t ORDER BY "ID"`)).getRowsJS();
  // NULL-safety: every row is either failing or passing, never unknown.
  for (const [value] of rows) expect(typeof value).toBe('boolean');
  return rows.map(([value]) => value as boolean);
}

describe('rowFailurePredicate on DuckDB', () => {
  it('not_null fails a row when any listed column is NULL', async () => {
    await db.run(`INSERT INTO t ("ID", "NAME", "QTY") VALUES (1, 'a', 1), (2, NULL, 1), (3, 'a', NULL), (4, NULL, NULL)`);
    const predicate = rowFailurePredicate(rule({ kind: 'not_null', columns: ['NAME', 'QTY'] }), table, 'duckdb');
    const rows = (await db.runAndReadAll(`SELECT "ID" FROM t WHERE ${predicate} ORDER BY 1`)).getRowsJS();
    expect(rows.map(([id]) => id)).toEqual([2, 3, 4]);
  });

  it('accepted_values compares CHAR values without trailing blanks and lets NULL pass', async () => {
    const r = rule({ kind: 'accepted_values', column: 'STATUS', values: ['O', 'C', 'X'] });
    expect(await failing(r, 'STATUS', [`'O'`, `'C  '`, `'Z'`, `' O'`, 'NULL', `''`])).toEqual([false, false, true, true, false, true]);
  });

  it('accepted_values on numbers, given as numbers or as text', async () => {
    expect(await failing(rule({ kind: 'accepted_values', column: 'QTY', values: [1, 2] }), 'QTY', ['1', '2', '3', 'NULL'])).toEqual([false, false, true, false]);
    await db.run('DELETE FROM t');
    expect(await failing(rule({ kind: 'accepted_values', column: 'QTY', values: ['1'] }), 'QTY', ['1', '2'])).toEqual([false, true]);
  });

  it('accepted_values on a VARCHAR keeps blanks significant', async () => {
    expect(await failing(rule({ kind: 'accepted_values', column: 'NAME', values: ['a'] }), 'NAME', [`'a'`, `'a '`])).toEqual([false, true]);
  });

  it('range on decimals is inclusive at both ends; NULL passes', async () => {
    const r = rule({ kind: 'range', column: 'AMOUNT', min: 0, max: 1000.5 });
    expect(await failing(r, 'AMOUNT', ['0', '-0.01', '1000.50', '1000.51', 'NULL'])).toEqual([false, true, false, true, false]);
  });

  it('range with one bound only', async () => {
    expect(await failing(rule({ kind: 'range', column: 'QTY', min: 1 }), 'QTY', ['0', '1', '32000'])).toEqual([true, false, false]);
    await db.run('DELETE FROM t');
    expect(await failing(rule({ kind: 'range', column: 'QTY', max: 9 }), 'QTY', ['-5', '9', '10'])).toEqual([false, false, true]);
  });

  it('range on dates and timestamps takes bounds as text', async () => {
    const days = rule({ kind: 'range', column: 'DAY', min: '2000-01-01', max: '2099-12-31' });
    expect(await failing(days, 'DAY', [`DATE '1999-12-31'`, `DATE '2000-01-01'`, `DATE '2099-12-31'`, `DATE '2100-01-01'`])).toEqual([true, false, false, true]);
    await db.run('DELETE FROM t');
    const ts = rule({ kind: 'range', column: 'TS', min: '2020-01-01 00:00:00' });
    expect(await failing(ts, 'TS', [`TIMESTAMP '2019-12-31 23:59:59.999999'`, `TIMESTAMP '2020-01-01 00:00:00'`])).toEqual([true, false]);
  });

  it('range on exact-text columns: TIMESTAMP(12) compares as ISO text, DECFLOAT as a number', async () => {
    const ts = rule({ kind: 'range', column: 'TS12', max: '2030-01-01' });
    expect(await failing(ts, 'TS12', [`'2029-12-31 23:59:59.000000000001'`, `'2030-01-01 00:00:00.000000000001'`])).toEqual([false, true]);
    await db.run('DELETE FROM t');
    const df = rule({ kind: 'range', column: 'DF', min: -1, max: 10 });
    expect(await failing(df, 'DF', [`'9.999999999999999999'`, `'1E+1'`, `'10.0000001'`, `'-2'`, `'not a number'`])).toEqual([false, false, true, true, false]);
  });

  it('format email', async () => {
    const r = rule({ kind: 'format', column: 'EMAIL', format: 'email' });
    const values = [`'anna.berg@example.org'`, `'o''brien+tag@mail.co.uk'`, `'no-at-sign.example.org'`, `'a@b'`, `'a b@example.org'`, `'x@example.org trailing'`, 'NULL'];
    expect(await failing(r, 'EMAIL', values)).toEqual([false, false, true, true, true, true, false]);
  });

  it('format phone_e164', async () => {
    const r = rule({ kind: 'format', column: 'PHONE', format: 'phone_e164' });
    const values = [`'+41791234567'`, `'+1'`, `'+12'`, `'+0123'`, `'0041791234567'`, `'+4179123456789012'`, `'+41 79 123'`];
    expect(await failing(r, 'PHONE', values)).toEqual([false, true, false, true, true, true, true]);
  });

  it('format iso_country and iso_currency check the ISO lists, case-sensitively', async () => {
    expect(isoCountryCodes).toHaveLength(249);
    const country = rule({ kind: 'format', column: 'COUNTRY', format: 'iso_country' });
    expect(await failing(country, 'COUNTRY', [`'CH'`, `'GB'`, `'UK'`, `'ch'`, `'XX'`, 'NULL'])).toEqual([false, false, true, true, true, false]);
    await db.run('DELETE FROM t');
    expect(isoCurrencyCodes).toContain('EUR');
    const currency = rule({ kind: 'format', column: 'CURRENCY', format: 'iso_currency' });
    expect(await failing(currency, 'CURRENCY', [`'EUR'`, `'CHF'`, `'EU '`, `'EURO'`, `'DEM'`])).toEqual([false, false, true, true, true]);
  });

  it('format regex matches in full, on CHAR without padding and on numbers as text', async () => {
    const ref = rule({ kind: 'format', column: 'STATUS', format: 'regex', pattern: '[A-Z]{2}' });
    expect(await failing(ref, 'STATUS', [`'AB'`, `'AB '`, `'ABC'`, `'A'`, `'ab'`])).toEqual([false, false, true, true, true]);
    await db.run('DELETE FROM t');
    const digits = rule({ kind: 'format', column: 'QTY', format: 'regex', pattern: '[0-9]{2}' });
    expect(await failing(digits, 'QTY', ['12', '7', '-12'])).toEqual([false, true, true]);
    await db.run('DELETE FROM t');
    const quote = rule({ kind: 'format', column: 'NAME', format: 'regex', pattern: "[a-z']+" });
    expect(await failing(quote, 'NAME', [`'o''hara'`, `'O''Hara'`])).toEqual([false, true]);
  });

  it('names the rule, the column and the declared columns when a column does not exist', () => {
    expect(() => rowFailurePredicate(rule({ kind: 'not_null', columns: ['NOPE'] }), table, 'duckdb'))
      .toThrow(/quality rule 'r' names column NOPE, which table t does not declare \(declared: ID, STATUS,/);
  });
});

describe('rowFailureReasonSql', () => {
  it('yields the id of the first failing rule in declaration order, NULL for a valid row', async () => {
    const rules = [
      qualityRuleSchema.parse({ id: 'name_present', kind: 'not_null', columns: ['NAME'] }) as RowRule,
      qualityRuleSchema.parse({ id: 'qty_positive', kind: 'range', column: 'QTY', min: 1 }) as RowRule,
    ];
    await db.run(`INSERT INTO t ("ID", "NAME", "QTY") VALUES (1, 'a', 1), (2, NULL, 0), (3, 'a', 0), (4, 'a', NULL)`);
    const rows = (await db.runAndReadAll(`SELECT ${rowFailureReasonSql(rules, table, 'duckdb')} FROM t ORDER BY "ID"`)).getRowsJS();
    expect(rows.map(([reason]) => reason)).toEqual([null, 'name_present', 'qty_positive', null]);
  });

  it('is a typed NULL without rules', async () => {
    await db.run(`INSERT INTO t ("ID") VALUES (1)`);
    const rows = (await db.runAndReadAll(`SELECT typeof(${rowFailureReasonSql([], table, 'duckdb')}) FROM t`)).getRowsJS();
    expect(rows).toEqual([['VARCHAR']]);
    expect(rowFailureReasonSql([], table, 'bigquery')).toBe('CAST(NULL AS STRING)');
  });
});

describe('rowFailurePredicate for BigQuery (SQL text)', () => {
  const bq = (r: Record<string, unknown>) => rowFailurePredicate(rule(r), table, 'bigquery');

  it('backquotes columns and tests NULL', () => {
    expect(bq({ kind: 'not_null', columns: ['NAME', 'QTY'] })).toBe('(`NAME` IS NULL OR `QTY` IS NULL)');
  });

  it('compares CHAR values right-trimmed, with BigQuery string literals', () => {
    expect(bq({ kind: 'accepted_values', column: 'STATUS', values: ['O', "it's", 'C  '] }))
      .toBe("coalesce(RTRIM(`STATUS`, ' ') NOT IN ('O', 'it\\'s', 'C'), false)");
    expect(bq({ kind: 'accepted_values', column: 'QTY', values: [1, '2'] })).toBe("coalesce(`QTY` NOT IN (1, CAST('2' AS INT64)), false)");
  });

  it('casts text bounds to the BigQuery type and keeps decimal bounds exact', () => {
    expect(bq({ kind: 'range', column: 'DAY', min: '2000-01-01' })).toBe("coalesce(`DAY` < CAST('2000-01-01' AS DATE), false)");
    expect(bq({ kind: 'range', column: 'TS', max: '2030-01-01 00:00:00' })).toBe("coalesce(`TS` > CAST('2030-01-01 00:00:00' AS DATETIME), false)");
    expect(bq({ kind: 'range', column: 'AMOUNT', min: 0, max: 0.5 })).toBe("coalesce(`AMOUNT` < 0 OR `AMOUNT` > BIGNUMERIC '0.5', false)");
    expect(bq({ kind: 'range', column: 'DF', max: 10 })).toBe('coalesce(SAFE_CAST(`DF` AS FLOAT64) > 10, false)');
  });

  it('matches formats with REGEXP_CONTAINS anchored to the whole value', () => {
    expect(bq({ kind: 'format', column: 'PHONE', format: 'phone_e164' }))
      .toBe("coalesce(NOT REGEXP_CONTAINS(`PHONE`, '^(?:\\\\+[1-9][0-9]{1,14})$'), false)");
    expect(bq({ kind: 'format', column: 'QTY', format: 'regex', pattern: '[0-9]+' }))
      .toBe("coalesce(NOT REGEXP_CONTAINS(CAST(`QTY` AS STRING), '^(?:[0-9]+)$'), false)");
    const country = bq({ kind: 'format', column: 'COUNTRY', format: 'iso_country' });
    expect(country).toMatch(/^coalesce\(RTRIM\(`COUNTRY`, ' '\) NOT IN \('AD', 'AE', .*'ZW'\), false\)$/);
  });
});
