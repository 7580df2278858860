import { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalRowText, checksumColumnsOf, rowHash } from '../core/checksum.js';
import { checkQuery } from '../core/quality/check-sql.js';
import { sqlDialect } from '../core/sql/index.js';
import { evaluateCheck } from '../core/quality/evaluate.js';
import { rowFailureReasonSql } from '../core/quality/row-sql.js';
import type { CheckMetrics, RuleResult } from '../core/quality/types.js';
import { bigQueryColumnType } from '../core/warehouse-types.js';
import { tableSchema, type TableContract } from '../contracts/contract.js';
import { qualityRuleSchema, type RowRule } from '../contracts/quality-rules.js';

/**
 * The BigQuery text of every rule kind, run on the local BigQuery emulator (`stack.sh up --with
 * bigquery`) against a small table with known failures. Skipped, with the reason printed, only
 * when no emulator answers at BIGQUERY_API_ENDPOINT (default 127.0.0.1:9050).
 */

const endpoint = process.env.BIGQUERY_API_ENDPOINT ?? 'http://127.0.0.1:9050';
const reachable = await fetch(`${endpoint}/readyz`).then((r) => r.ok, () => false);
if (!reachable) console.warn(`test/quality-checks-bigquery.test.ts skipped: no BigQuery emulator at ${endpoint} (start it: bash stack/stack.sh up --with bigquery)`);

const project = process.env.BIGQUERY_PROJECT ?? 'factory-local';
const dataset = `qchecks_${Date.now().toString(36)}`;
const booking: TableContract = tableSchema.parse({
  name: 'booking', description: 'Bookings.', source: { system: 'db2', schema: 'BOOK', table: 'BOOKING' }, primaryKey: ['BOOKING_ID'],
  columns: [
    { name: 'BOOKING_ID', type: 'BIGINT' }, { name: 'CUSTOMER_ID', type: 'BIGINT', nullable: true }, { name: 'STATUS_CODE', type: 'CHAR(1)', nullable: true },
    { name: 'CURRENCY_CODE', type: 'CHAR(3)' }, { name: 'TOTAL_AMOUNT', type: 'DECIMAL(13,2)' }, { name: 'ARRIVAL_DATE', type: 'DATE' },
    { name: 'EMAIL', type: 'VARCHAR(254)', nullable: true }, { name: 'UPDATED_TS', type: 'TIMESTAMP(6)' },
  ],
});
const target = sqlDialect('bigquery').path([project, dataset, 'booking']);
const customers = sqlDialect('bigquery').path([project, dataset, 'customer']);
const NOW = '2024-06-01T12:00:00.000Z';

// The emulator takes anonymous requests; no credential lookup.
const anonymous = { getRequestHeaders: async () => new Headers() } as unknown as NonNullable<ConstructorParameters<typeof BigQuery>[0]>['authClient'];
const bq = new BigQuery({ projectId: project, location: 'EU', apiEndpoint: endpoint, authClient: anonymous, autoRetry: false });
const query = async (sql: string) => (await bq.query({ query: sql, location: 'EU' }))[0] as Record<string, unknown>[];

async function run(fields: Record<string, unknown>, options: { baseline?: CheckMetrics; source?: { rows: number; checksum: string } } = {}): Promise<RuleResult> {
  const rule = qualityRuleSchema.parse({ id: 'rule_under_test', severity: 'block', ...fields });
  const { sql } = checkQuery({ rule, table: booking, dialect: 'bigquery', target, now: NOW, resolve: () => ({ target: customers }) });
  const rows = await query(sql);
  expect(rows, sql).toHaveLength(1);
  return evaluateCheck({ rule, row: rows[0]!, baseline: options.baseline, source: options.source ?? { rows: 4, checksum: '0' } });
}

/** The four rows below as staged text, for the JavaScript checksum reconciliation must equal. */
const stagedRows = [
  [1, 10, 'C', 'EUR', '100.00', '2024-07-01', 'anna@example.org', '2024-06-01 11:00:00'],
  [2, 11, 'O', 'CHF', '0.00', '2024-07-02', null, '2024-06-01 11:30:00'],
  [1, 99, 'Z', 'EU ', '-5.00', '1999-01-01', 'not-an-email', '2024-06-01 09:00:00'],
  [4, null, null, 'GBP', '5.00', '2024-07-03', 'b@example.org', '2024-06-01 09:00:00'],
];

describe.skipIf(!reachable)('quality checks on the BigQuery emulator', () => {
  beforeAll(async () => {
    await bq.createDataset(dataset, { location: 'EU' });
    const columns = booking.columns.map((c) => `${c.name} ${bigQueryColumnType(c).replace(/\(.*\)$/, '')}`);
    await query(`CREATE TABLE ${target} (${columns.join(', ')}, _loaded_at TIMESTAMP)`);
    await query(`CREATE TABLE ${customers} (CUSTOMER_ID INT64)`);
    await query(`INSERT INTO ${customers} VALUES (10), (11)`);
    await query(`INSERT INTO ${target} VALUES
      (1, 10, 'C', 'EUR', 100.00, DATE '2024-07-01', 'anna@example.org', DATETIME '2024-06-01 11:00:00', TIMESTAMP '2024-06-01 11:45:00+00'),
      (2, 11, 'O', 'CHF', 0.00, DATE '2024-07-02', NULL, DATETIME '2024-06-01 11:30:00', TIMESTAMP '2024-06-01 11:45:00+00'),
      (1, 99, 'Z', 'EU ', -5.00, DATE '1999-01-01', 'not-an-email', DATETIME '2024-06-01 09:00:00', TIMESTAMP '2024-06-01 11:45:00+00'),
      (4, NULL, NULL, 'GBP', 5.00, DATE '2024-07-03', 'b@example.org', DATETIME '2024-06-01 09:00:00', TIMESTAMP '2024-06-01 11:45:00+00')`);
  });
  afterAll(async () => {
    await bq.dataset(dataset).delete({ force: true });
  });

  it('row rules count failures and sample keys, failing rows only', async () => {
    expect(await run({ kind: 'not_null', columns: ['STATUS_CODE'] })).toMatchObject({ status: 'block', failing: 1, total: 4, sampleKeys: ['4'] });
    expect(await run({ kind: 'accepted_values', column: 'STATUS_CODE', values: ['O', 'C'] })).toMatchObject({ failing: 1, sampleKeys: ['1'] });
    expect(await run({ kind: 'range', column: 'TOTAL_AMOUNT', min: 0, max: 0.5e6 })).toMatchObject({ failing: 1 });
    expect(await run({ kind: 'range', column: 'ARRIVAL_DATE', min: '2000-01-01' })).toMatchObject({ failing: 1 });
    expect(await run({ kind: 'range', column: 'UPDATED_TS', max: '2024-06-01 10:00:00' })).toMatchObject({ failing: 2, sampleKeys: ['1', '2'] });
    expect(await run({ kind: 'format', column: 'CURRENCY_CODE', format: 'iso_currency' })).toMatchObject({ failing: 1 });
    expect(await run({ kind: 'format', column: 'EMAIL', format: 'email' })).toMatchObject({ failing: 1 });
    expect(await run({ kind: 'format', column: 'BOOKING_ID', format: 'regex', pattern: '[0-3]' })).toMatchObject({ failing: 1, sampleKeys: ['4'] });
    expect(await run({ kind: 'format', column: 'CURRENCY_CODE', format: 'regex', pattern: '[A-Z]{2,3}' })).toMatchObject({ status: 'pass', failing: 0, sampleKeys: [] });
  });

  it('dataset rules: unique, references, sql', async () => {
    expect(await run({ kind: 'unique', columns: ['BOOKING_ID'] })).toMatchObject({ failing: 2, sampleKeys: ['1'] });
    expect(await run({ kind: 'references', columns: ['CUSTOMER_ID'], to: 'customer.customer.CUSTOMER_ID' })).toMatchObject({ failing: 1, sampleKeys: ['1'] });
    expect(await run({ kind: 'sql', sql: 'SELECT BOOKING_ID FROM {table} WHERE TOTAL_AMOUNT < 0' })).toMatchObject({ failing: 1, total: 4 });
  });

  it('metric rules: freshness, volume, distribution, reconciliation', async () => {
    expect(await run({ kind: 'freshness', column: 'UPDATED_TS', maxAgeMinutes: 45 })).toMatchObject({ status: 'pass', metric: 1800 });
    expect(await run({ kind: 'freshness', maxAgeMinutes: 10 })).toMatchObject({ status: 'block', metric: 900 });
    expect(await run({ kind: 'volume', maxChangePercent: 10 })).toMatchObject({ status: 'pass', measured: { row_count: 4 } });
    expect(await run({ kind: 'distribution', column: 'EMAIL', metric: 'null_rate', maxChangePercent: 1 })).toMatchObject({ measured: { null_rate: 0.25 } });
    expect(await run({ kind: 'distribution', column: 'STATUS_CODE', metric: 'distinct_count', maxChangePercent: 1 })).toMatchObject({ measured: { distinct_count: 3 } });
    expect((await run({ kind: 'reconciliation' })).measured.checksum).toMatch(/^\d+$/);
  });

  it('every kind also passes on the same data when the data satisfies it, and metric rules fail against their reference', async () => {
    // Row and dataset rules that hold (thresholds allow the one known bad row where a rule would otherwise fail).
    expect(await run({ kind: 'not_null', columns: ['BOOKING_ID', 'CURRENCY_CODE'] })).toMatchObject({ status: 'pass', failing: 0, total: 4 });
    expect(await run({ kind: 'accepted_values', column: 'STATUS_CODE', values: ['O', 'C', 'Z'] })).toMatchObject({ status: 'pass', failing: 0 });
    expect(await run({ kind: 'range', column: 'TOTAL_AMOUNT', min: -10, max: 1000 })).toMatchObject({ status: 'pass', failing: 0 });
    expect(await run({ kind: 'format', column: 'EMAIL', format: 'email', threshold: 0.5 })).toMatchObject({ status: 'pass', failing: 1 });
    expect(await run({ kind: 'format', column: 'CURRENCY_CODE', format: 'iso_currency', threshold: 0.5 })).toMatchObject({ status: 'pass', failing: 1 });
    expect(await run({ kind: 'unique', columns: ['BOOKING_ID', 'CUSTOMER_ID'] })).toMatchObject({ status: 'pass', failing: 0 });
    expect(await run({ kind: 'references', columns: ['CUSTOMER_ID'], to: 'customer.customer.CUSTOMER_ID', threshold: 0.5 })).toMatchObject({ status: 'pass', failing: 1 });
    expect(await run({ kind: 'sql', sql: 'SELECT BOOKING_ID FROM {table} WHERE TOTAL_AMOUNT > 1000' })).toMatchObject({ status: 'pass', failing: 0 });
    // Metric rules against a baseline or the source.
    expect(await run({ kind: 'volume', maxChangePercent: 10 }, { baseline: { row_count: 2 } })).toMatchObject({ status: 'block' });
    expect(await run({ kind: 'volume', maxChangePercent: 10 }, { baseline: { row_count: 4 } })).toMatchObject({ status: 'pass' });
    expect(await run({ kind: 'distribution', column: 'EMAIL', metric: 'null_rate', maxChangePercent: 1 }, { baseline: { null_rate: 0 } })).toMatchObject({ status: 'block' });
    expect(await run({ kind: 'distribution', column: 'STATUS_CODE', metric: 'distinct_count', maxChangePercent: 1 }, { baseline: { distinct_count: 3 } })).toMatchObject({ status: 'pass' });
    const columns = checksumColumnsOf(booking);
    const checksum = stagedRows.reduce((sum, row) => sum + rowHash(canonicalRowText(columns, row)), 0n).toString();
    expect(await run({ kind: 'reconciliation' }, { source: { rows: 4, checksum } })).toMatchObject({ status: 'pass', measured: { row_count: 4, checksum } });
    expect(await run({ kind: 'reconciliation' }, { source: { rows: 5, checksum } })).toMatchObject({ status: 'block' });
  });

  it('the quarantine reason names the first failing rule', async () => {
    const rules = [qualityRuleSchema.parse({ id: 'status_known', kind: 'accepted_values', column: 'STATUS_CODE', values: ['O', 'C'] }) as RowRule];
    const rows = await query(`SELECT ${rowFailureReasonSql(rules, booking, 'bigquery')} AS why FROM ${target} ORDER BY BOOKING_ID, TOTAL_AMOUNT`);
    expect(rows.map((r) => r.why)).toEqual(['status_known', null, null, null]);
  });
});
