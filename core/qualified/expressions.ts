import { sqlDialect, type WarehouseDialect } from '../sql/index.js';
import { parseSourceType } from '../../contracts/source-types.js';

/**
 * SQL expressions of the business rules, per dialect. Each one is NULL-safe and never raises on a
 * bad value: a legacy date that is not a date decodes to NULL, a missing rate gives a NULL amount.
 */

export const q = (dialect: WarehouseDialect, name: string): string => sqlDialect(dialect).ident(name);
export const str = (dialect: WarehouseDialect, text: string): string => sqlDialect(dialect).literal(text);

/** `alias.column`, quoted. */
export const col = (dialect: WarehouseDialect, alias: string, name: string): string => `${q(dialect, alias)}.${q(dialect, name)}`;

/** Trailing blanks off (CHAR padding); leading blanks are data. */
export const rtrimBlanks = (expr: string): string => `rtrim(${expr}, ' ')`;

/** A code as compared in lookups: trimmed, and a blank code is no code (NULL). */
export const codeOf = (expr: string): string => `NULLIF(${rtrimBlanks(expr)}, '')`;

/** The tombstone filter of change capture: a deleted row stays in raw as `_deleted`. */
export function liveRows(dialect: WarehouseDialect, alias?: string): string {
  const column = alias === undefined ? q(dialect, '_deleted') : col(dialect, alias, '_deleted');
  return dialect === 'bigquery' ? `NOT COALESCE(${column}, FALSE)` : `NOT coalesce(${column}, false)`;
}

/**
 * A yyyymmdd number to DATE. Only eight-digit values are parsed (the parsers accept '2023123' as
 * 2023-12-03 otherwise); 0 and impossible dates (20230230) give NULL; 99999999 gives `openEnd`.
 */
export function decodeYyyymmdd(dialect: WarehouseDialect, expr: string, openEnd?: string): string {
  const open = openEnd === undefined ? 'CAST(NULL AS DATE)' : `DATE ${str(dialect, openEnd)}`;
  const parsed = dialect === 'bigquery'
    ? `SAFE.PARSE_DATE('%Y%m%d', CAST(CAST(${expr} AS INT64) AS STRING))`
    : `CAST(try_strptime(CAST(CAST(${expr} AS BIGINT) AS VARCHAR), '%Y%m%d') AS DATE)`;
  return `CASE WHEN ${expr} = 99999999 THEN ${open} WHEN ${expr} BETWEEN 10000101 AND 99991231 THEN ${parsed} END`;
}

/** The day of a DATE, a TIMESTAMP or a yyyymmdd number: what picks an exchange rate. */
export function dayOf(dialect: WarehouseDialect, expr: string, column: { type: string; encoding?: string | undefined }): string {
  if (column.encoding === 'yyyymmdd') return decodeYyyymmdd(dialect, expr);
  return parseSourceType(column.type).kind === 'DATE' ? expr : `CAST(${expr} AS DATE)`;
}

/** Decimal places of an amount column: its DECIMAL scale, 0 for integers. */
export function scaleOf(type: string): number {
  const parsed = parseSourceType(type);
  return parsed.kind === 'DECIMAL' ? parsed.scale ?? 0 : 0;
}

/**
 * An amount rounded half away from zero (both warehouses' ROUND) to `scale` places. BigQuery
 * multiplies in BIGNUMERIC: NUMERIC keeps 9 decimals, so amount (2) × rate (8) would be rounded
 * twice and could differ from DuckDB's exact product by a cent.
 */
export function money(dialect: WarehouseDialect, amount: string, rate: string | undefined, scale: number): string {
  if (dialect === 'bigquery') {
    const product = rate === undefined ? amount : `CAST(${amount} AS BIGNUMERIC) * CAST(${rate} AS BIGNUMERIC)`;
    return `CAST(ROUND(${product}, ${scale}) AS ${scale <= 9 ? 'NUMERIC' : 'BIGNUMERIC'})`;
  }
  const product = rate === undefined ? amount : `${amount} * ${rate}`;
  return `CAST(round(${product}, ${scale}) AS DECIMAL(38, ${scale}))`;
}
