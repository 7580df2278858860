import { describe, expect, it } from 'vitest';
import { qualifiedDependencies, qualifiedViewSql, type QualifiedViewInput } from './sql.js';
import { qualifiedFixture } from '../../test/support/qualified-fixture.js';

// The text of the views for both dialects. What the DuckDB text does with edge values is tested by
// running it (sql-duckdb.test.ts); the BigQuery text has no engine here yet, so its shape is pinned.

const registry = qualifiedFixture();

function view(dialect: QualifiedViewInput['dialect'], table: string, tombstones = true): string {
  return qualifiedViewSql({
    domain: 'shop',
    table: registry.table(`shop.${table}`),
    dialect,
    resolve: (domain, name, layer) => (dialect === 'duckdb' ? `"${layer}_${domain}"."${name}"` : `\`proj.${layer}_${domain}.${name}\``),
    tombstones: () => tombstones,
  });
}

describe('qualifiedViewSql: the whole view', () => {
  it('DuckDB: contract columns, trimmed codes, lineage, live rows only', () => {
    expect(view('duckdb', 'note')).toBe([
      'CREATE OR REPLACE VIEW "qualified_shop"."note" AS',
      'SELECT',
      '  "t"."NOTE_ID",',
      `  rtrim("t"."KIND_CODE", ' ') AS "KIND_CODE",`,
      '  "t"."_source_position",',
      '  "t"."_loaded_at"',
      'FROM "raw_shop"."note" AS "t"',
      'WHERE NOT coalesce("t"."_deleted", false)',
    ].join('\n'));
  });

  it('BigQuery: the same view in its quoting and spelling', () => {
    expect(view('bigquery', 'note')).toBe([
      'CREATE OR REPLACE VIEW `proj.qualified_shop.note` AS',
      'SELECT',
      '  `t`.`NOTE_ID`,',
      "  rtrim(`t`.`KIND_CODE`, ' ') AS `KIND_CODE`,",
      '  `t`.`_source_position`,',
      '  `t`.`_loaded_at`',
      'FROM `proj.raw_shop.note` AS `t`',
      'WHERE NOT COALESCE(`t`.`_deleted`, FALSE)',
    ].join('\n'));
  });

  it('leaves the tombstone filter out where the raw table has no _deleted column yet', () => {
    expect(view('duckdb', 'note', false)).not.toContain('_deleted');
    expect(view('bigquery', 'sale', false)).not.toContain('_deleted');
  });

  it('adds derived columns after the contract columns, in rule order', () => {
    const select = `${view('duckdb', 'sale').split('\nFROM ')[0]!}\n`;
    const names = [...select.matchAll(/(?:AS "([A-Z_]+)"|"t"\."([A-Z_a-z]+)"),?\n/g)].map((m) => m[1] ?? m[2]);
    expect(names).toEqual([
      'SALE_ID', 'STATUS_CODE', 'SALE_DATE_NUM', 'VALID_TO_NUM', 'CURRENCY_CODE', 'AMOUNT', 'SOLD_TS',
      'SALE_DATE', 'VALID_TO', 'STATUS_LABEL', 'CURRENCY_NAME', 'AMOUNT_EUR', 'AMOUNT_EUR_SOLD', '_source_position', '_loaded_at',
    ]);
  });
});

describe('qualifiedViewSql: rule expressions per dialect', () => {
  it('decodes yyyymmdd only from eight digits, with the open end where declared', () => {
    expect(view('duckdb', 'sale')).toContain(
      `CASE WHEN "t"."VALID_TO_NUM" = 99999999 THEN DATE '9999-12-31' WHEN "t"."VALID_TO_NUM" BETWEEN 10000101 AND 99991231 `
      + `THEN CAST(try_strptime(CAST(CAST("t"."VALID_TO_NUM" AS BIGINT) AS VARCHAR), '%Y%m%d') AS DATE) END AS "VALID_TO"`);
    expect(view('bigquery', 'sale')).toContain(
      "CASE WHEN `t`.`SALE_DATE_NUM` = 99999999 THEN CAST(NULL AS DATE) WHEN `t`.`SALE_DATE_NUM` BETWEEN 10000101 AND 99991231 "
      + "THEN SAFE.PARSE_DATE('%Y%m%d', CAST(CAST(`t`.`SALE_DATE_NUM` AS INT64) AS STRING)) END AS `SALE_DATE`");
  });

  it('quotes labels of a code list for each dialect', () => {
    expect(view('duckdb', 'sale')).toContain(`WHEN NULLIF(rtrim("t"."STATUS_CODE", ' '), '') = 'CL' THEN 'it''s closed' ELSE 'UNKNOWN' END AS "STATUS_LABEL"`);
    expect(view('bigquery', 'sale')).toContain("WHEN NULLIF(rtrim(`t`.`STATUS_CODE`, ' '), '') = 'CL' THEN 'it\\'s closed' ELSE 'UNKNOWN' END AS `STATUS_LABEL`");
  });

  it('looks labels up in the live rows of the code table, one row per code', () => {
    const lookup = `LEFT JOIN (SELECT NULLIF(rtrim("CURRENCY_CODE", ' '), '') AS "code", min("CURRENCY_NAME") AS "label" FROM "raw_reference"."currency" `
      + `WHERE NOT coalesce("_deleted", false) GROUP BY 1) AS "lookup_4" ON "lookup_4"."code" = NULLIF(rtrim("t"."CURRENCY_CODE", ' '), '')`;
    expect(view('duckdb', 'sale')).toContain(lookup);
  });

  it('DuckDB: takes the rate of the day with an ASOF join, the day of a timestamp by a cast', () => {
    const sql = view('duckdb', 'sale');
    expect(sql).toContain(`ASOF LEFT JOIN (SELECT NULLIF(rtrim("CURRENCY_CODE", ' '), '') AS "currency", "RATE_DATE" AS "rate_date", "RATE_TO_EUR" AS "rate" `
      + `FROM "raw_reference"."exchange_rate" WHERE NOT coalesce("_deleted", false)) AS "rate_6" ON "rate_6"."currency" = NULLIF(rtrim("t"."CURRENCY_CODE", ' '), '') `
      + `AND CAST("t"."SOLD_TS" AS DATE) >= "rate_6"."rate_date"`);
    expect(sql).toContain(`CASE WHEN "t"."AMOUNT" IS NULL THEN NULL WHEN NULLIF(rtrim("t"."CURRENCY_CODE", ' '), '') = 'EUR' THEN CAST(round("t"."AMOUNT", 2) AS DECIMAL(38, 2)) `
      + `ELSE CAST(round("t"."AMOUNT" * "rate_6"."rate", 2) AS DECIMAL(38, 2)) END AS "AMOUNT_EUR_SOLD"`);
  });

  it('BigQuery: spreads each rate over the days to the next one, and multiplies in BIGNUMERIC', () => {
    const sql = view('bigquery', 'sale');
    expect(sql.split('\nSELECT\n')[0]).toBe([
      'CREATE OR REPLACE VIEW `proj.qualified_shop.sale` AS',
      "WITH `rate_spans` AS (SELECT NULLIF(rtrim(`CURRENCY_CODE`, ' '), '') AS `currency`, `RATE_DATE` AS `rate_date`, `RATE_TO_EUR` AS `rate`, "
        + "LEAD(`RATE_DATE`) OVER (PARTITION BY NULLIF(rtrim(`CURRENCY_CODE`, ' '), '') ORDER BY `RATE_DATE`) AS `next_date` "
        + 'FROM `proj.raw_reference.exchange_rate` WHERE NOT COALESCE(`_deleted`, FALSE)),',
      '`rate_days` AS (SELECT `currency`, `day`, `rate` FROM `rate_spans`, UNNEST(GENERATE_DATE_ARRAY(`rate_date`, DATE_SUB(`next_date`, INTERVAL 1 DAY))) AS `day`),',
      '`rate_newest` AS (SELECT `currency`, `rate_date`, `rate` FROM `rate_spans` WHERE `next_date` IS NULL)',
    ].join('\n'));
    expect(sql).toContain("LEFT JOIN `rate_days` AS `rate_6` ON `rate_6`.`currency` = NULLIF(rtrim(`t`.`CURRENCY_CODE`, ' '), '') AND `rate_6`.`day` = CAST(`t`.`SOLD_TS` AS DATE)");
    expect(sql).toContain("LEFT JOIN `rate_newest` AS `rate_6_newest` ON `rate_6_newest`.`currency` = NULLIF(rtrim(`t`.`CURRENCY_CODE`, ' '), '')");
    expect(sql).toContain('ELSE CAST(ROUND(CAST(`t`.`AMOUNT` AS BIGNUMERIC) * CAST(COALESCE(`rate_6`.`rate`, IF(CAST(`t`.`SOLD_TS` AS DATE) >= `rate_6_newest`.`rate_date`, '
      + '`rate_6_newest`.`rate`, NULL)) AS BIGNUMERIC), 2) AS NUMERIC) END AS `AMOUNT_EUR_SOLD`');
    expect(sql).not.toContain('ASOF');
  });

  it('lists the tables a view reads besides its own', () => {
    expect(qualifiedDependencies(registry.table('shop.sale'))).toEqual([
      { domain: 'reference', table: 'currency', columns: ['CURRENCY_CODE', 'CURRENCY_NAME'] },
      { domain: 'reference', table: 'exchange_rate', columns: ['CURRENCY_CODE', 'RATE_DATE', 'RATE_TO_EUR'] },
    ]);
    expect(qualifiedDependencies(registry.table('shop.note'))).toEqual([]);
  });
});
