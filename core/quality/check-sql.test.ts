import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksumColumnsOf, checksumQuery, checksumSelectList, canonicalRowText, rowHash } from '../checksum.js';
import { tableSchema, type TableContract } from '../../contracts/contract.js';
import { qualityRuleSchema, type QualityRule } from '../../contracts/quality-rules.js';
import { duckDbColumnType } from '../warehouse-types.js';
import { checkQuery } from './check-sql.js';
import { sqlDialect } from '../sql/index.js';
import { evaluateCheck } from './evaluate.js';
import type { CheckMetrics, CheckTarget, RuleResult } from './types.js';

/**
 * Every rule kind, run as generated SQL in an in-memory DuckDB against a table that passes it and
 * one that fails it, then evaluated. Both tables also hold a row change capture deleted, which
 * would fail every rule: it must be ignored.
 */

const booking: TableContract = tableSchema.parse({
  name: 'booking', description: 'Bookings.', source: { system: 'db2', schema: 'BOOK', table: 'BOOKING' }, primaryKey: ['BOOKING_ID'],
  columns: [
    { name: 'BOOKING_ID', type: 'BIGINT' },
    { name: 'CUSTOMER_ID', type: 'BIGINT', nullable: true },
    { name: 'STATUS_CODE', type: 'CHAR(1)' },
    { name: 'CURRENCY_CODE', type: 'CHAR(3)' },
    { name: 'TOTAL_AMOUNT', type: 'DECIMAL(13,2)' },
    { name: 'ARRIVAL_DATE', type: 'DATE' },
    { name: 'EMAIL', type: 'VARCHAR(254)', nullable: true },
    { name: 'UPDATED_TS', type: 'TIMESTAMP(6)' },
  ],
});
const customer: TableContract = tableSchema.parse({
  name: 'customer', description: 'Customers.', source: { system: 'db2', schema: 'CUST', table: 'CUSTOMER' }, primaryKey: ['CUSTOMER_ID'],
  columns: [{ name: 'CUSTOMER_ID', type: 'BIGINT' }, { name: 'COUNTRY_CODE', type: 'CHAR(2)' }],
});

type Row = [id: number, customer: number | null, status: string | null, currency: string, amount: string, arrival: string, email: string | null, updated: string];
const goodRows: Row[] = [
  [1, 10, 'C', 'EUR', '100.00', '2024-07-01', 'anna@example.org', '2024-06-01 11:00:00'],
  [2, 11, 'O', 'CHF', '0.00', '2024-07-02', null, '2024-06-01 11:30:00'],
  [3, null, 'X', 'GBP', '0.00', '2024-07-03', 'b.c@example.co.uk', '2024-05-30 08:00:00'],
  [4, 12, 'T', 'EUR', '2500.50', '2024-02-01', 'd@example.org', '2024-05-01 00:00:00'],
  [5, 10, 'C', 'USD', '75.25', '2024-08-15', 'e@example.org', '2024-06-01 10:00:00'],
];
const badExtra: Row[] = [
  [1, 10, 'C', 'EUR', '50.00', '2024-07-01', 'anna@example.org', '2024-06-01 11:00:00'],
  [8, 99, 'Z', 'EU', '-5.00', '1999-01-01', 'not-an-email', '2024-06-01 09:00:00'],
  [9, 13, null, 'EUR', '10.00', '2024-07-01', 'f@example.org', '2024-06-01 09:00:00'],
];
/** Deleted by change capture: fails every rule (duplicate key, bad values, newest timestamp, missing customer). */
const deleted: Row = [2, 77, 'Q', 'XYZ', '-1.00', '1900-01-01', 'bad', '2024-06-01 11:59:59'];
const NOW = '2024-06-01T12:00:00.000Z';

let db: DuckDBConnection;
const live = 'NOT coalesce("_deleted", false)';
const target = (name: string): CheckTarget => ({ target: sqlDialect('duckdb').path(['w', name]), liveFilter: live });
const resolve = (domain: string, table: string): CheckTarget => {
  if (`${domain}.${table}` !== 'customer.customer') throw new Error(`unexpected table ${domain}.${table}`);
  return target('customer');
};

const literal = (v: string | number | boolean | null) => (v === null ? 'NULL' : typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : String(v));

async function createTable(name: string, table: TableContract, rows: (readonly (string | number | null)[])[], deletedRows: (readonly (string | number | null)[])[] = []) {
  const columns = table.columns.map((c) => `"${c.name}" ${duckDbColumnType(c)}`).join(', ');
  await db.run(`CREATE TABLE w.${name} (${columns}, "_loaded_at" TIMESTAMP, "_deleted" BOOLEAN)`);
  const values = [...rows.map((r) => [...r, '2024-06-01 11:45:00', false]), ...deletedRows.map((r) => [...r, '2024-06-01 11:59:00', true])];
  if (values.length > 0) await db.run(`INSERT INTO w.${name} VALUES ${values.map((r) => `(${r.map(literal).join(', ')})`).join(', ')}`);
}

beforeAll(async () => {
  db = await (await DuckDBInstance.create(':memory:')).connect();
  await db.run('CREATE SCHEMA w');
  await createTable('good', booking, goodRows, [deleted]);
  await createTable('bad', booking, [...goodRows, ...badExtra], [deleted]);
  await createTable('empty', booking, []);
  await createTable('customer', customer, [[10, 'CH'], [11, 'DE'], [12, 'FR']], [[13, 'IT']]);
});
afterAll(() => db.closeSync());

interface RunOptions { table?: TableContract; baseline?: CheckMetrics; source?: { rows: number; checksum: string } }

async function run(ruleFields: Record<string, unknown>, tableName: string, options: RunOptions = {}): Promise<RuleResult> {
  const rule: QualityRule = qualityRuleSchema.parse({ id: 'rule_under_test', severity: 'block', ...ruleFields });
  const { sql } = checkQuery({ rule, table: options.table ?? booking, dialect: 'duckdb', ...target(tableName), resolve, now: NOW });
  const rows = (await db.runAndReadAll(sql)).getRowObjectsJS();
  expect(rows).toHaveLength(1);
  return evaluateCheck({ rule, row: rows[0]!, baseline: options.baseline, source: options.source });
}

describe('dataset checks on DuckDB, every rule kind passing and failing', () => {
  it('not_null', async () => {
    const rule = { kind: 'not_null', columns: ['STATUS_CODE', 'CURRENCY_CODE'] };
    expect(await run(rule, 'good')).toMatchObject({ status: 'pass', failing: 0, total: 5, metric: 0, sampleKeys: [] });
    const bad = await run(rule, 'bad');
    expect(bad).toMatchObject({ ruleId: 'rule_under_test', kind: 'not_null', status: 'block', failing: 1, total: 8, sampleKeys: ['9'] });
    expect(bad.detail).toBe('1 of 8 rows have NULL in STATUS_CODE, CURRENCY_CODE (12.5%), at most 0% allowed');
  });

  it('unique counts every row of a duplicated key and samples the key', async () => {
    expect(await run({ kind: 'unique', columns: ['BOOKING_ID'] }, 'good')).toMatchObject({ status: 'pass', failing: 0, total: 5 });
    expect(await run({ kind: 'unique', columns: ['BOOKING_ID'] }, 'bad')).toMatchObject({ status: 'block', failing: 2, total: 8, sampleKeys: ['1'] });
    // Several columns, CHAR compared without padding; NULL parts never duplicate.
    const pair = await run({ kind: 'unique', columns: ['CUSTOMER_ID', 'STATUS_CODE'] }, 'bad');
    expect(pair).toMatchObject({ failing: 3, sampleKeys: ['10|C'] });
  });

  it('accepted_values', async () => {
    const rule = { kind: 'accepted_values', column: 'STATUS_CODE', values: ['O', 'C', 'X', 'T'] };
    expect(await run(rule, 'good')).toMatchObject({ status: 'pass', failing: 0 });
    expect(await run(rule, 'bad')).toMatchObject({ status: 'block', failing: 1, sampleKeys: ['8'] });
  });

  it('range on amounts and dates', async () => {
    const amount = { kind: 'range', column: 'TOTAL_AMOUNT', min: 0, max: 1_000_000 };
    expect(await run(amount, 'good')).toMatchObject({ status: 'pass', failing: 0 });
    expect(await run(amount, 'bad')).toMatchObject({ status: 'block', failing: 1, sampleKeys: ['8'] });
    const arrival = { kind: 'range', column: 'ARRIVAL_DATE', min: '2000-01-01', max: '2099-12-31' };
    expect(await run(arrival, 'good')).toMatchObject({ status: 'pass' });
    expect(await run(arrival, 'bad')).toMatchObject({ status: 'block', failing: 1 });
  });

  it('format: iso_currency and email', async () => {
    expect(await run({ kind: 'format', column: 'CURRENCY_CODE', format: 'iso_currency' }, 'good')).toMatchObject({ status: 'pass' });
    expect(await run({ kind: 'format', column: 'CURRENCY_CODE', format: 'iso_currency' }, 'bad')).toMatchObject({ status: 'block', failing: 1, sampleKeys: ['8'] });
    expect(await run({ kind: 'format', column: 'EMAIL', format: 'email' }, 'good')).toMatchObject({ status: 'pass' });
    expect(await run({ kind: 'format', column: 'EMAIL', format: 'email' }, 'bad')).toMatchObject({ status: 'block', failing: 1 });
  });

  it('a threshold lets a small share fail, and severity warn warns', async () => {
    const rule = { kind: 'format', column: 'CURRENCY_CODE', format: 'iso_currency' };
    expect(await run({ ...rule, threshold: 0.2 }, 'bad')).toMatchObject({ status: 'pass', failing: 1, metric: 0.125, threshold: 0.2 });
    expect(await run({ ...rule, threshold: 0.1, severity: 'warn' }, 'bad')).toMatchObject({ status: 'warn', severity: 'warn' });
  });

  it('references: missing and deleted parents fail, NULL foreign keys pass', async () => {
    const rule = { kind: 'references', columns: ['CUSTOMER_ID'], to: 'customer.customer.CUSTOMER_ID' };
    expect(await run(rule, 'good')).toMatchObject({ status: 'pass', failing: 0, total: 5 });
    const bad = await run(rule, 'bad');
    expect(bad).toMatchObject({ status: 'block', failing: 2, total: 8, sampleKeys: ['8', '9'] });
    expect(bad.detail).toBe('2 of 8 rows reference a missing customer.customer.CUSTOMER_ID (25%), at most 0% allowed');
  });

  it('sql assertion counts the rows the SELECT returns, over live rows only', async () => {
    const rule = { kind: 'sql', sql: 'SELECT b."BOOKING_ID" FROM {table} AS b WHERE b."TOTAL_AMOUNT" < 0;' };
    expect(await run(rule, 'good')).toMatchObject({ status: 'pass', failing: 0, total: 5, sampleKeys: [] });
    expect(await run(rule, 'bad')).toMatchObject({ status: 'block', failing: 1, total: 8, sampleKeys: [] });
  });

  it('freshness of a column and of the landing time, measured in SQL', async () => {
    // The live newest UPDATED_TS is 11:30 against 12:00; the deleted row's 11:59:59 must not count.
    const fresh = await run({ kind: 'freshness', column: 'UPDATED_TS', maxAgeMinutes: 45 }, 'good');
    expect(fresh).toMatchObject({ status: 'pass', metric: 1800, threshold: 2700 });
    expect(fresh.detail).toBe('newest value is 30 min old, at most 45 min allowed');
    expect(await run({ kind: 'freshness', column: 'UPDATED_TS', maxAgeMinutes: 20 }, 'good')).toMatchObject({ status: 'block', metric: 1800 });
    expect(await run({ kind: 'freshness', maxAgeMinutes: 20 }, 'good')).toMatchObject({ status: 'pass', metric: 900 });
    expect(await run({ kind: 'freshness', maxAgeMinutes: 10 }, 'good')).toMatchObject({ status: 'block', metric: 900 });
    expect(await run({ kind: 'freshness', column: 'ARRIVAL_DATE', maxAgeMinutes: 60 }, 'good')).toMatchObject({ status: 'pass' });
    const empty = await run({ kind: 'freshness', maxAgeMinutes: 10 }, 'empty');
    expect(empty).toMatchObject({ status: 'block', metric: null });
    expect(empty.detail).toMatch(/^no rows/);
  });

  it('volume against the last run; the first run passes and says so', async () => {
    const rule = { kind: 'volume', maxChangePercent: 20 };
    const first = await run(rule, 'good');
    expect(first).toMatchObject({ status: 'pass', metric: null, measured: { row_count: 5 } });
    expect(first.detail).toBe('first run: 5 rows, kept as the baseline for the next run');
    expect(await run(rule, 'good', { baseline: first.measured })).toMatchObject({ status: 'pass', metric: 0 });
    expect(await run(rule, 'bad', { baseline: first.measured })).toMatchObject({ status: 'block', metric: 60 });
  });

  it('distribution: null rate in percentage points, distinct count in percent', async () => {
    const nullRate = { kind: 'distribution', column: 'EMAIL', metric: 'null_rate', maxChangePercent: 5 };
    const first = await run(nullRate, 'good');
    expect(first).toMatchObject({ status: 'pass', metric: null, measured: { null_rate: 0.2 } });
    expect(await run(nullRate, 'good', { baseline: { null_rate: 0.18 } })).toMatchObject({ status: 'pass' });
    expect(await run(nullRate, 'good', { baseline: { null_rate: 0 } })).toMatchObject({ status: 'block', metric: 20 });
    const distinct = { kind: 'distribution', column: 'STATUS_CODE', metric: 'distinct_count', maxChangePercent: 25 };
    expect(await run(distinct, 'good', { baseline: { distinct_count: 4 } })).toMatchObject({ status: 'pass', metric: 0, measured: { distinct_count: 4 } });
    expect(await run(distinct, 'good', { baseline: { distinct_count: 8 } })).toMatchObject({ status: 'block', metric: 50 });
  });

  it('reconciliation against the source count and a checksum computed in JS', async () => {
    const columns = checksumColumnsOf(booking);
    const sum = goodRows.reduce((acc, row) => acc + rowHash(canonicalRowText(columns, row)), 0n);
    const source = { rows: goodRows.length, checksum: sum.toString() };
    const rule = { kind: 'reconciliation' };
    const good = await run(rule, 'good', { source });
    expect(good).toMatchObject({ status: 'pass', metric: 0, measured: { row_count: 5, checksum: source.checksum } });
    expect(good.detail).toBe('warehouse 5 rows, source 5 rows, checksums match');
    expect(await run(rule, 'bad', { source })).toMatchObject({ status: 'block', metric: 0.6 });
    // Same count, different content.
    const changed = await run(rule, 'good', { source: { rows: 5, checksum: (sum + 1n).toString() } });
    expect(changed).toMatchObject({ status: 'block', metric: 0 });
    expect(changed.detail).toBe('warehouse 5 rows, source 5 rows, checksums differ');
    expect(await run(rule, 'good')).toMatchObject({ status: 'block', detail: 'no source row count and checksum to reconcile with' });
  });

  it('reconciliation counts live rows plus the newest open quarantined row of each key', async () => {
    // Live: rows 1, 2, 4, 5; row 3 is a quarantine tombstone; the quarantine holds row 3 (an older
    // open version and the newest), and closed rows that no longer count.
    const live = goodRows.filter((r) => r[0] !== 3);
    await createTable('held', booking, live, [deleted]);
    const columns = booking.columns.map((c) => `"${c.name}" ${duckDbColumnType(c)}`).join(', ');
    await db.run(`CREATE TABLE w.held__quarantine (${columns}, "_source_position" VARCHAR, "_status" VARCHAR)`);
    const row3 = goodRows.find((r) => r[0] === 3)!;
    const older: Row = [3, null, 'X', 'GBP', '9.99', '2024-07-03', 'old@example.org', '2024-05-29 08:00:00'];
    const held = [[...row3, 'pos-2', 'open'], [...older, 'pos-1', 'open'], [...badExtra[1]!, 'pos-1', 'replayed'], [...badExtra[2]!, 'pos-1', 'superseded']];
    await db.run(`INSERT INTO w.held__quarantine VALUES ${held.map((r) => `(${r.map(literal).join(', ')})`).join(', ')}`);
    const columnsOf = checksumColumnsOf(booking);
    const source = { rows: goodRows.length, checksum: goodRows.reduce((acc, row) => acc + rowHash(canonicalRowText(columnsOf, row)), 0n).toString() };
    const rule = qualityRuleSchema.parse({ id: 'rule_under_test', severity: 'block', kind: 'reconciliation' });
    const check = async (quarantine?: string) => {
      const { sql } = checkQuery({ rule, table: booking, dialect: 'duckdb', ...target('held'), quarantine, resolve, now: NOW });
      return evaluateCheck({ rule, row: (await db.runAndReadAll(sql)).getRowObjectsJS()[0]!, source });
    };
    expect(await check(sqlDialect('duckdb').path(['w', 'held__quarantine']))).toMatchObject({ status: 'pass', measured: { row_count: 5, checksum: source.checksum } });
    // Without its quarantine the table looks a row short.
    expect(await check()).toMatchObject({ status: 'block', measured: { row_count: 4 } });
  });

  it('samples at most 20 keys, the smallest first', async () => {
    await db.run(`CREATE TABLE w.many AS SELECT * FROM w.good WHERE false`);
    await db.run(`INSERT INTO w.many SELECT range, NULL, 'Z', 'EUR', 1, DATE '2024-01-01', NULL, TIMESTAMP '2024-01-01', TIMESTAMP '2024-01-01', false FROM range(100, 0, -1)`);
    const result = await run({ kind: 'accepted_values', column: 'STATUS_CODE', values: ['C'] }, 'many');
    expect(result.failing).toBe(100);
    expect(result.sampleKeys).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1)));
  });
});

describe('dataset checks for BigQuery (SQL text)', () => {
  const bq = (ruleFields: Record<string, unknown>, now?: string) => {
    const rule = qualityRuleSchema.parse({ id: 'r', ...ruleFields });
    return checkQuery({
      rule, table: booking, dialect: 'bigquery', target: sqlDialect('bigquery').path(['proj', 'raw_booking', 'booking']), now,
      resolve: () => ({ target: sqlDialect('bigquery').path(['proj', 'raw_customer', 'customer']) }),
    });
  };

  it('row rules: COUNTIF over the predicate, samples by ARRAY_AGG … LIMIT 20, failing rows first', () => {
    const { sql, shape } = bq({ kind: 'accepted_values', column: 'STATUS_CODE', values: ['C'] });
    expect(shape).toBe('failures');
    expect(sql).toBe('SELECT failing, total, ARRAY(SELECT s FROM UNNEST(samples) AS s WITH OFFSET AS o WHERE s IS NOT NULL ORDER BY o) AS samples FROM ('
      + 'SELECT COUNTIF(_failed) AS failing, COUNT(*) AS total, '
      + 'ARRAY_AGG(IF(_failed, _sample, NULL) ORDER BY _failed DESC, `BOOKING_ID` LIMIT 20) AS samples '
      + "FROM (SELECT coalesce(RTRIM(`STATUS_CODE`, ' ') NOT IN ('C'), false) AS _failed, coalesce(CAST(`BOOKING_ID` AS STRING), 'NULL') AS _sample, `BOOKING_ID` "
      + 'FROM `proj.raw_booking.booking`) AS checked) AS counted');
  });

  it('unique groups by the trimmed key and sums the rows of duplicated keys', () => {
    const { sql } = bq({ kind: 'unique', columns: ['BOOKING_ID', 'STATUS_CODE'] });
    expect(sql).toContain('COALESCE(SUM(IF(_failed, _rows, 0)), 0) AS failing, COALESCE(SUM(_rows), 0) AS total');
    expect(sql).toContain("(SELECT `BOOKING_ID` AS `BOOKING_ID`, RTRIM(`STATUS_CODE`, ' ') AS `STATUS_CODE` FROM `proj.raw_booking.booking`) AS keyed GROUP BY `BOOKING_ID`, `STATUS_CODE`");
    expect(sql).toContain('(_n > 1 AND `BOOKING_ID` IS NOT NULL AND `STATUS_CODE` IS NOT NULL) AS _failed');
  });

  it('references: anti-join on the distinct referenced keys', () => {
    const { sql } = bq({ kind: 'references', columns: ['CUSTOMER_ID'], to: 'customer.customer.CUSTOMER_ID' });
    expect(sql).toContain('FROM `proj.raw_booking.booking` LEFT JOIN (SELECT DISTINCT `CUSTOMER_ID` AS _ref_0, TRUE AS _found FROM `proj.raw_customer.customer`) AS referenced ON `CUSTOMER_ID` = referenced._ref_0');
    expect(sql).toContain('(`CUSTOMER_ID` IS NOT NULL AND referenced._found IS NULL) AS _failed');
  });

  it('sql assertion: {table} becomes the backquoted table', () => {
    const { sql } = bq({ kind: 'sql', sql: 'SELECT 1 FROM {table} WHERE TOTAL_AMOUNT < 0' });
    expect(sql).toBe('SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM `proj.raw_booking.booking` WHERE TOTAL_AMOUNT < 0) AS assertion) AS failing, '
      + '(SELECT COUNT(*) FROM `proj.raw_booking.booking`) AS total, ARRAY<STRING>[] AS samples');
  });

  it('freshness: DATETIME_DIFF on contract columns, TIMESTAMP_DIFF on the landing time', () => {
    expect(bq({ kind: 'freshness', column: 'UPDATED_TS', maxAgeMinutes: 60 }).sql)
      .toBe("SELECT COUNT(*) AS row_count, DATETIME_DIFF(CURRENT_DATETIME('UTC'), MAX(`UPDATED_TS`), SECOND) AS age_seconds FROM `proj.raw_booking.booking`");
    expect(bq({ kind: 'freshness', column: 'ARRIVAL_DATE', maxAgeMinutes: 60 }, NOW).sql)
      .toContain("DATETIME_DIFF(DATETIME '2024-06-01 12:00:00.000', DATETIME(MAX(`ARRIVAL_DATE`)), SECOND)");
    expect(bq({ kind: 'freshness', maxAgeMinutes: 60 }).sql).toContain('TIMESTAMP_DIFF(CURRENT_TIMESTAMP(), MAX(`_loaded_at`), SECOND) AS age_seconds');
  });

  it('volume, distribution and reconciliation are metric queries', () => {
    expect(bq({ kind: 'volume', maxChangePercent: 10 })).toEqual({ shape: 'metric', sql: 'SELECT COUNT(*) AS row_count FROM `proj.raw_booking.booking`' });
    expect(bq({ kind: 'distribution', column: 'EMAIL', metric: 'null_rate', maxChangePercent: 1 }).sql)
      .toBe('SELECT COUNT(*) AS row_count, COALESCE(SAFE_DIVIDE(COUNTIF(`EMAIL` IS NULL), COUNT(*)), 0) AS null_rate FROM `proj.raw_booking.booking`');
    expect(bq({ kind: 'distribution', column: 'STATUS_CODE', metric: 'distinct_count', maxChangePercent: 1 }).sql)
      .toContain("COUNT(DISTINCT RTRIM(`STATUS_CODE`, ' ')) AS distinct_count");
    // The checksum text is core/checksum.ts's, for every contract column (its own tests cover the canon).
    expect(bq({ kind: 'reconciliation' })).toEqual({
      shape: 'metric', sql: checksumQuery('bigquery', checksumColumnsOf(booking), '`proj.raw_booking.booking`'),
    });
    expect(checksumSelectList('bigquery', checksumColumnsOf(booking))).toContain('`TOTAL_AMOUNT`');
  });

  it('live filters apply to the table and to the referenced table', () => {
    const rule = qualityRuleSchema.parse({ id: 'r', kind: 'references', columns: ['CUSTOMER_ID'], to: 'customer.customer.CUSTOMER_ID' });
    const { sql } = checkQuery({
      rule, table: booking, dialect: 'bigquery', target: '`p.d.booking`', liveFilter: 'NOT COALESCE(`_deleted`, FALSE)',
      resolve: () => ({ target: '`p.d.customer`', liveFilter: 'NOT COALESCE(`_deleted`, FALSE)' }),
    });
    expect(sql).toContain('FROM `p.d.customer` WHERE NOT COALESCE(`_deleted`, FALSE)) AS referenced');
    expect(sql).toContain('= referenced._ref_0 WHERE NOT COALESCE(`_deleted`, FALSE)) AS checked');
  });
});
