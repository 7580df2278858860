import type { TableContract } from '../../contracts/contract.js';
import type { RowRule } from '../../contracts/quality-rules.js';
import { sqlDialect, type WarehouseDialect } from '../sql/index.js';
import { typedColumn, type TypedColumn } from './dialect.js';
import { isoCountryCodes, isoCurrencyCodes } from './iso-codes.js';

/**
 * Row rules compiled to one SQL boolean per rule: TRUE exactly when a row fails it, never NULL
 * (a NULL would drop the row from both the valid and the quarantined side of an ingestion split).
 * Columns are unqualified, so the same text serves a WHERE clause, a CASE in a SELECT list and a
 * COUNTIF over the table. DuckDB and BigQuery both evaluate regular expressions with RE2, so one
 * pattern means the same in both.
 */

/** Full-match patterns of the built-in formats (RE2 syntax, anchored when applied). */
export const formatPatterns = {
  // Deliberately practical, not RFC 5322: a local part, an @, and a dotted domain with a TLD.
  email: "[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\\.[A-Za-z]{2,}",
  phone_e164: '\\+[1-9][0-9]{1,14}',
} as const;

export function rowFailurePredicate(rule: RowRule, table: TableContract, dialect: WarehouseDialect): string {
  switch (rule.kind) {
    case 'not_null':
      return `(${rule.columns.map((name) => `${sqlDialect(dialect).ident(columnOf(rule, table, name).name)} IS NULL`).join(' OR ')})`;
    case 'accepted_values': {
      const column = typedColumn(dialect, columnOf(rule, table, rule.column));
      const values = rule.values.map((v) => valueLiteral(dialect, column, v, true));
      return `coalesce(${comparable(dialect, column)} NOT IN (${values.join(', ')}), false)`;
    }
    case 'range': {
      const column = typedColumn(dialect, columnOf(rule, table, rule.column));
      const value = rangeValue(dialect, column);
      const tests: string[] = [];
      if (rule.min !== undefined) tests.push(`${value} < ${boundLiteral(dialect, column, rule.min)}`);
      if (rule.max !== undefined) tests.push(`${value} > ${boundLiteral(dialect, column, rule.max)}`);
      if (tests.length === 0) throw new Error(`quality rule '${rule.id}': a range needs min, max or both`);
      return `coalesce(${tests.join(' OR ')}, false)`;
    }
    case 'format': {
      const column = typedColumn(dialect, columnOf(rule, table, rule.column));
      const text = asText(dialect, column);
      switch (rule.format) {
        case 'iso_country': return notInList(dialect, text, isoCountryCodes);
        case 'iso_currency': return notInList(dialect, text, isoCurrencyCodes);
        case 'regex':
          if (!rule.pattern) throw new Error(`quality rule '${rule.id}': format 'regex' needs a pattern`);
          return notFullMatch(dialect, text, rule.pattern);
        default: return notFullMatch(dialect, text, formatPatterns[rule.format]);
      }
    }
  }
}

/**
 * The id of the first failing rule, in declaration order, or NULL when the row passes them all:
 * what ingestion writes next to a quarantined row.
 */
export function rowFailureReasonSql(rules: readonly RowRule[], table: TableContract, dialect: WarehouseDialect): string {
  if (rules.length === 0) return `CAST(NULL AS ${sqlDialect(dialect).textType})`;
  const branches = rules.map((rule) => `WHEN ${rowFailurePredicate(rule, table, dialect)} THEN ${sqlDialect(dialect).literal(rule.id)}`);
  return `(CASE ${branches.join(' ')} ELSE NULL END)`;
}

function columnOf(rule: RowRule, table: TableContract, name: string): TableContract['columns'][number] {
  const column = table.columns.find((c) => c.name === name);
  if (!column) {
    throw new Error(`quality rule '${rule.id}' names column ${name}, which table ${table.name} does not declare `
      + `(declared: ${table.columns.map((c) => c.name).join(', ')})`);
  }
  return column;
}

function rtrim(dialect: WarehouseDialect, expr: string): string {
  return dialect === 'bigquery' ? `RTRIM(${expr}, ' ')` : `rtrim(${expr}, ' ')`;
}

/** The column as compared with literals: CHAR values without their trailing blanks. */
function comparable(dialect: WarehouseDialect, column: TypedColumn): string {
  const id = sqlDialect(dialect).ident(column.name);
  return column.isFixedChar ? rtrim(dialect, id) : id;
}

/** The column as text, for pattern and code-list checks. */
function asText(dialect: WarehouseDialect, column: TypedColumn): string {
  if (column.isText) return comparable(dialect, column);
  return `CAST(${sqlDialect(dialect).ident(column.name)} AS ${sqlDialect(dialect).textType})`;
}

/**
 * The value a range compares. DECFLOAT is held as its exact text, so it is compared as a number
 * (a text that does not convert cannot be judged by a range and passes it).
 */
function rangeValue(dialect: WarehouseDialect, column: TypedColumn): string {
  const id = sqlDialect(dialect).ident(column.name);
  if (column.source.kind !== 'DECFLOAT' || !column.isText) return id;
  return dialect === 'bigquery' ? `SAFE_CAST(${id} AS FLOAT64)` : `TRY_CAST(${id} AS DOUBLE)`;
}

function boundLiteral(dialect: WarehouseDialect, column: TypedColumn, bound: string | number): string {
  if (column.source.kind === 'DECFLOAT' && column.isText) return numberLiteral(dialect, column, Number(bound));
  return valueLiteral(dialect, column, bound, false);
}

/** A literal of the column's warehouse type; dates, timestamps and numbers given as text are cast. */
function valueLiteral(dialect: WarehouseDialect, column: TypedColumn, value: string | number, trimChar: boolean): string {
  if (column.isText) {
    const text = String(value);
    return sqlDialect(dialect).literal(trimChar && column.isFixedChar ? text.replace(/ +$/, '') : text);
  }
  if (typeof value === 'number') return numberLiteral(dialect, column, value);
  return `CAST(${sqlDialect(dialect).literal(value)} AS ${column.warehouseType})`;
}

function numberLiteral(dialect: WarehouseDialect, column: TypedColumn, value: number): string {
  if (!Number.isFinite(value)) throw new Error(`column ${column.name}: bound ${value} is not a finite number`);
  // BigQuery reads 0.5 as FLOAT64; comparing a NUMERIC column with it would go through a float.
  if (dialect === 'bigquery' && /^(BIG)?NUMERIC\b/i.test(column.warehouseType) && !Number.isInteger(value)) {
    return `BIGNUMERIC '${value}'`;
  }
  return String(value);
}

function notInList(dialect: WarehouseDialect, text: string, codes: readonly string[]): string {
  return `coalesce(${text} NOT IN (${codes.map((c) => sqlDialect(dialect).literal(c)).join(', ')}), false)`;
}

function notFullMatch(dialect: WarehouseDialect, text: string, pattern: string): string {
  return dialect === 'bigquery'
    ? `coalesce(NOT REGEXP_CONTAINS(${text}, ${sqlDialect(dialect).literal(`^(?:${pattern})$`)}), false)`
    : `coalesce(NOT regexp_full_match(${text}, ${sqlDialect(dialect).literal(pattern)}), false)`;
}
