import { describe, expect, it } from 'vitest';
import { bigquery } from '../sql/bigquery.js';
import { duckdb } from '../sql/duckdb.js';
import { filterSql, kpiQuerySql, measureSql, periodSql } from './sql.js';

const ratio = {
  name: 'cancellation_rate', product: 'bookings', table: 'booking',
  measure: { kind: 'ratio' as const, numerator: { kind: 'count' as const, where: [{ column: 'STATUS_CODE', op: '=' as const, value: 'X' }] }, denominator: { kind: 'count' as const, where: [] } },
  grain: { time: 'week' as const, column: 'BOOK_DATE', by: 'RESORT_CODE' },
};

describe('KPI SQL', () => {
  it('reads the published relation, one row per period and dimension, the latest periods only (DuckDB)', () => {
    expect(kpiQuerySql(duckdb, { domain: 'booking', kpi: ratio, periods: 8 })).toBe([
      `WITH v AS (SELECT CAST(date_trunc('week', CAST("BOOK_DATE" AS DATE)) AS DATE) AS period, COALESCE(CAST("RESORT_CODE" AS VARCHAR), '') AS dimension,`,
      `  CAST(COUNT(CASE WHEN ("STATUS_CODE" = 'X') THEN 1 END) AS DOUBLE) AS numerator, CAST(COUNT(1) AS DOUBLE) AS denominator`,
      `  FROM "published_booking"."bookings__booking" WHERE "BOOK_DATE" IS NOT NULL GROUP BY 1, 2),`,
      'latest AS (SELECT DISTINCT period FROM v ORDER BY period DESC LIMIT 8)',
      'SELECT CAST(v.period AS VARCHAR) AS PERIOD, v.dimension AS DIMENSION, v.numerator AS NUMERATOR, v.denominator AS DENOMINATOR',
      'FROM v JOIN latest ON v.period = latest.period ORDER BY 1, 2',
    ].join('\n'));
  });

  it('writes BigQuery periods with DATE_TRUNC, weeks from their Monday, and FLOAT64 measures', () => {
    const sql = kpiQuerySql(bigquery, { domain: 'booking', kpi: { ...ratio, grain: { time: 'month', column: 'OPENED_TS' } }, periods: 30 });
    expect(sql).toContain('SELECT DATE_TRUNC(DATE(`OPENED_TS`), MONTH) AS period, \'\' AS dimension');
    expect(sql).toContain('FROM `published_booking`.`bookings__booking` WHERE `OPENED_TS` IS NOT NULL');
    expect(sql).toContain('CAST(COUNT(1) AS FLOAT64) AS denominator');
    expect(periodSql(bigquery, 'week', 'D')).toBe('DATE_SUB(DATE(`D`), INTERVAL MOD(EXTRACT(DAYOFWEEK FROM DATE(`D`)) + 5, 7) DAY)');
    expect(periodSql(duckdb, 'day', 'D')).toBe(`CAST(date_trunc('day', CAST("D" AS DATE)) AS DATE)`);
  });

  it('compiles filters and measures, quoting strings per dialect', () => {
    expect(filterSql(duckdb, { column: 'S', op: 'in', value: ['open', "o'k"] })).toBe(`"S" IN ('open', 'o''k')`);
    expect(filterSql(bigquery, { column: 'S', op: 'not_in', value: ["o'k", 2] })).toBe("`S` NOT IN ('o\\'k', 2)");
    expect(filterSql(duckdb, { column: 'A', op: 'is_null' })).toBe('"A" IS NULL');
    expect(filterSql(duckdb, { column: 'F', op: '<>', value: true })).toBe('"F" <> TRUE');
    expect(measureSql(duckdb, { kind: 'sum', column: 'AMT', where: [{ column: 'S', op: '<>', value: 'X' }, { column: 'N', op: '>', value: 2 }] }))
      .toBe(`CAST(COALESCE(SUM(CASE WHEN ("S" <> 'X') AND ("N" > 2) THEN "AMT" END), 0) AS DOUBLE)`);
    expect(measureSql(bigquery, { kind: 'count_distinct', column: 'C', where: [] })).toBe('CAST(COUNT(DISTINCT `C`) AS FLOAT64)');
  });

  it('refuses a period count outside 1..366 and a filter op without its value', () => {
    expect(() => kpiQuerySql(duckdb, { domain: 'booking', kpi: ratio, periods: 0 })).toThrow('KPI booking.cancellation_rate: periods 0, expected a whole number from 1 to 366');
    expect(() => filterSql(duckdb, { column: 'S', op: '=' })).toThrow("KPI filter on S: op '=' expects one value");
  });
});
