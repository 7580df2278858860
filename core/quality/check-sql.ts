import { checksumColumnsOf, checksumQuery } from '../checksum.js';
import { tableKey, type TableContract } from '../../contracts/contract.js';
import { isRowRule, type QualityRule } from '../../contracts/quality-rules.js';
import { sqlDialect, type WarehouseDialect } from '../sql/index.js';
import { typedColumn, type TypedColumn } from './dialect.js';
import { rowFailurePredicate } from './row-sql.js';
import type { CheckQueryInput, CheckQueryResult, CheckTarget } from './types.js';

/**
 * Dataset-level checks as one SQL query per rule, run inside the warehouse (no rows come to Node):
 * counts, a few sample keys, or named metrics. The same rule gives DuckDB and BigQuery text; the
 * two differ in quoting, string literals, conditional aggregates (FILTER vs COUNTIF/IF) and the
 * bounded sample aggregate (min_by(…, 20) vs ARRAY_AGG(… LIMIT 20)).
 */

export const SAMPLE_LIMIT = 20;

/** The lineage column freshness falls back on: when each row landed in the warehouse. */
export const LOADED_AT_COLUMN = '_loaded_at';

export function checkQuery(input: CheckQueryInput): CheckQueryResult {
  const { rule, table, dialect } = input;
  if (isRowRule(rule)) {
    return { shape: 'failures', sql: failuresSql(dialect, relation(input), rowFailurePredicate(rule, table, dialect), keysOf(dialect, table, tableKey(table))) };
  }
  switch (rule.kind) {
    case 'unique': return { shape: 'failures', sql: uniqueSql(input, rule.columns) };
    case 'references': return { shape: 'failures', sql: referencesSql(input, rule) };
    case 'sql': return { shape: 'failures', sql: assertionSql(input, rule.sql) };
    case 'freshness': return { shape: 'metric', sql: freshnessSql(input, rule.column) };
    case 'volume': return { shape: 'metric', sql: `SELECT ${count(dialect)} AS row_count FROM ${relation(input)}` };
    case 'distribution': return { shape: 'metric', sql: distributionSql(input, rule.column, rule.metric) };
    case 'reconciliation':
      return { shape: 'metric', sql: checksumQuery(dialect, checksumColumnsOf(table), reconciledRelation(input)) };
  }
}

/** The table with its live filter, as a FROM item. */
function relation({ target, liveFilter }: CheckTarget): string {
  return liveFilter ? `${target} WHERE ${liveFilter}` : target;
}

/** What reconciles with the source: live rows, plus the newest open quarantined row of each key. */
function reconciledRelation(input: CheckQueryInput): string {
  if (!input.quarantine) return relation(input);
  const { dialect, table } = input;
  const q = (name: string) => sqlDialect(dialect).ident(name);
  const columns = table.columns.map((c) => q(c.name)).join(', ');
  const key = tableKey(table).map(q).join(', ');
  const newest = key ? ` QUALIFY row_number() OVER (PARTITION BY ${key} ORDER BY ${q('_source_position')} DESC) = 1` : '';
  return `(SELECT ${columns} FROM ${relation(input)} UNION ALL SELECT ${columns} FROM ${input.quarantine} WHERE ${q('_status')} = 'open'${newest}) AS reconciled`;
}

/** The table as a subquery-able relation, for places that need a plain table expression. */
function tableExpression({ target, liveFilter }: CheckTarget): string {
  return liveFilter ? `(SELECT * FROM ${target} WHERE ${liveFilter})` : target;
}

function count(dialect: WarehouseDialect): string {
  return dialect === 'bigquery' ? 'COUNT(*)' : 'count(*)';
}

/** Key columns, how one key renders as sample text ('|' between columns), and how keys sort. */
interface Keys {
  columns: TypedColumn[];
  text: string;
}

function keysOf(dialect: WarehouseDialect, table: TableContract, names: readonly string[]): Keys | undefined {
  if (names.length === 0) return undefined;
  return keysFrom(dialect, names.map((name) => {
    const column = table.columns.find((c) => c.name === name);
    if (!column) throw new Error(`table ${table.name} has no column ${name} (declared: ${table.columns.map((c) => c.name).join(', ')})`);
    return typedColumn(dialect, column);
  }));
}

function keysFrom(dialect: WarehouseDialect, columns: TypedColumn[]): Keys {
  const parts = columns.map((c) => `coalesce(${comparable(dialect, c, true)}, 'NULL')`);
  return { columns, text: parts.join(` || '|' || `) };
}

/** A column as compared: CHAR without trailing blanks; `asText` casts other types to text. */
function comparable(dialect: WarehouseDialect, column: TypedColumn, asText = false): string {
  const id = sqlDialect(dialect).ident(column.name);
  if (column.isFixedChar) return dialect === 'bigquery' ? `RTRIM(${id}, ' ')` : `rtrim(${id}, ' ')`;
  if (asText && !column.isText) return `CAST(${id} AS ${sqlDialect(dialect).textType})`;
  return id;
}

function emptySamples(dialect: WarehouseDialect): string {
  return dialect === 'bigquery' ? 'ARRAY<STRING>[]' : 'CAST([] AS VARCHAR[])';
}

/**
 * One row (failing, total, samples) over `from`, where `failed` marks a failing row. With `weight`,
 * each input row stands for that many table rows (groups of duplicates).
 */
function failuresSql(dialect: WarehouseDialect, from: string, failed: string, keys: Keys | undefined, weight?: string): string {
  const inner = [`${failed} AS _failed`, ...(weight ? [`${weight} AS _rows`] : [])];
  if (keys) inner.push(`${keys.text} AS _sample`, ...keys.columns.map((c) => sqlDialect(dialect).ident(c.name)));
  const checked = `(SELECT ${inner.join(', ')} FROM ${from}) AS checked`;
  if (dialect === 'bigquery') {
    const failing = weight ? 'COALESCE(SUM(IF(_failed, _rows, 0)), 0)' : 'COUNTIF(_failed)';
    const total = weight ? 'COALESCE(SUM(_rows), 0)' : 'COUNT(*)';
    if (!keys) return `SELECT ${failing} AS failing, ${total} AS total, ${emptySamples(dialect)} AS samples FROM ${checked}`;
    // Failing rows sort first, so the bounded ARRAY_AGG keeps failing keys; the NULLs of passing rows
    // (fewer than 20 failures) are dropped outside. Not IGNORE NULLS with LIMIT: the emulator
    // answers that combination with no row at all.
    const order = ['_failed DESC', ...keys.columns.map((c) => sqlDialect(dialect).ident(c.name))].join(', ');
    const counted = `SELECT ${failing} AS failing, ${total} AS total, ARRAY_AGG(IF(_failed, _sample, NULL) ORDER BY ${order} LIMIT ${SAMPLE_LIMIT}) AS samples FROM ${checked}`;
    return `SELECT failing, total, ARRAY(SELECT s FROM UNNEST(samples) AS s WITH OFFSET AS o WHERE s IS NOT NULL ORDER BY o) AS samples FROM (${counted}) AS counted`;
  }
  const failing = weight ? 'CAST(coalesce(sum(_rows) FILTER (WHERE _failed), 0) AS BIGINT)' : 'count(*) FILTER (WHERE _failed)';
  const total = weight ? 'CAST(coalesce(sum(_rows), 0) AS BIGINT)' : 'count(*)';
  // min_by keeps the smallest keys in a bounded heap: memory stays flat however many rows fail.
  const order = keys ? (keys.columns.length === 1 ? sqlDialect(dialect).ident(keys.columns[0]!.name) : `(${keys.columns.map((c) => sqlDialect(dialect).ident(c.name)).join(', ')})`) : '';
  const samples = keys ? `coalesce(min_by(_sample, ${order}, ${SAMPLE_LIMIT}) FILTER (WHERE _failed), ${emptySamples(dialect)})` : emptySamples(dialect);
  return `SELECT ${failing} AS failing, ${total} AS total, ${samples} AS samples FROM ${checked}`;
}

/**
 * Rows whose value of `columns` occurs more than once fail (every row of a duplicated key counts);
 * a key with a NULL part is never a duplicate, as in a SQL UNIQUE constraint. Samples are the keys.
 */
function uniqueSql(input: CheckQueryInput, names: string[]): string {
  const { dialect, table } = input;
  const keys = keysOf(dialect, table, names)!;
  const ids = keys.columns.map((c) => sqlDialect(dialect).ident(c.name));
  const normalised = `(SELECT ${keys.columns.map((c) => `${comparable(dialect, c)} AS ${sqlDialect(dialect).ident(c.name)}`).join(', ')} FROM ${relation(input)}) AS keyed`;
  const noNull = ids.map((id) => `${id} IS NOT NULL`).join(' AND ');
  const grouped = `(SELECT ${count(dialect)} AS _n, ${ids.join(', ')} FROM ${normalised} GROUP BY ${ids.join(', ')}) AS grouped`;
  // The grouped keys are already trimmed: render them as they are.
  const trimmed = keysFrom(dialect, keys.columns.map((c) => ({ ...c, isFixedChar: false })));
  return failuresSql(dialect, grouped, `(_n > 1 AND ${noNull})`, trimmed, '_n');
}

/**
 * Every non-NULL foreign key must exist in the referenced table (live rows only). A left join on
 * the distinct referenced keys, so a duplicated parent cannot multiply child rows.
 */
function referencesSql(input: CheckQueryInput, rule: Extract<QualityRule, { kind: 'references' }>): string {
  const { dialect, table } = input;
  const [domain, tableName, columnList] = rule.to.split('.') as [string, string, string];
  const parentColumns = columnList.split(',');
  if (parentColumns.length !== rule.columns.length) {
    throw new Error(`quality rule '${rule.id}' on table ${table.name}: ${rule.columns.length} column(s) reference ${parentColumns.length} in ${rule.to}`);
  }
  const parent = input.resolve(domain, tableName);
  const children = keysOf(dialect, table, rule.columns)!.columns;
  const trimParent = (i: number, id: string) => (children[i]!.isFixedChar ? (dialect === 'bigquery' ? `RTRIM(${id}, ' ')` : `rtrim(${id}, ' ')`) : id);
  const referenced = parentColumns.map((c, i) => `${trimParent(i, sqlDialect(dialect).ident(c))} AS _ref_${i}`).join(', ');
  const found = dialect === 'bigquery' ? 'TRUE' : 'true';
  const joined = `${input.target} LEFT JOIN (SELECT DISTINCT ${referenced}, ${found} AS _found FROM ${relation(parent)}) AS referenced ON `
    + children.map((c, i) => `${comparable(dialect, c)} = referenced._ref_${i}`).join(' AND ')
    + (input.liveFilter ? ` WHERE ${input.liveFilter}` : '');
  const failed = `(${children.map((c) => `${sqlDialect(dialect).ident(c.name)} IS NOT NULL`).join(' AND ')} AND referenced._found IS NULL)`;
  return failuresSql(dialect, joined, failed, keysOf(dialect, table, tableKey(table)));
}

/**
 * A custom assertion: the user's SELECT returns the failing rows, `{table}` standing for the live
 * table. Its rows are counted, not sampled: what it selects is the author's choice and may be
 * personal data, which must not travel into reports.
 */
function assertionSql(input: CheckQueryInput, userSql: string): string {
  const { dialect } = input;
  const body = userSql.trim().replace(/;\s*$/, '').replace(/\{table\}/g, () => tableExpression(input));
  return `SELECT (SELECT ${count(dialect)} FROM (${body}) AS assertion) AS failing, `
    + `(SELECT ${count(dialect)} FROM ${relation(input)}) AS total, ${emptySamples(dialect)} AS samples`;
}

/** Age in seconds of the newest value of `column` (or of the landing time), against `now`. */
function freshnessSql(input: CheckQueryInput, columnName: string | undefined): string {
  const { dialect, table, now } = input;
  const column = columnName ? table.columns.find((c) => c.name === columnName) : undefined;
  if (columnName && !column) throw new Error(`table ${table.name} has no column ${columnName}`);
  const typed = column ? typedColumn(dialect, column) : undefined;
  const id = sqlDialect(dialect).ident(columnName ?? LOADED_AT_COLUMN);
  const nowText = now === undefined ? undefined : new Date(now).toISOString().replace('T', ' ').replace('Z', '');
  if (dialect === 'bigquery') {
    // Lineage columns are TIMESTAMP (an instant); contract timestamps are DATETIME (no zone, UTC by convention).
    if (!typed) {
      const current = nowText ? `TIMESTAMP ${sqlDialect(dialect).literal(`${nowText}+00`)}` : 'CURRENT_TIMESTAMP()';
      return `SELECT COUNT(*) AS row_count, TIMESTAMP_DIFF(${current}, MAX(${id}), SECOND) AS age_seconds FROM ${relation(input)}`;
    }
    const current = nowText ? `DATETIME ${sqlDialect(dialect).literal(nowText)}` : "CURRENT_DATETIME('UTC')";
    const newest = typed.warehouseType === 'DATE' ? `DATETIME(MAX(${id}))`
      : typed.isText ? `MAX(SAFE_CAST(SUBSTR(${id}, 1, 26) AS DATETIME))` : `MAX(${id})`;
    return `SELECT COUNT(*) AS row_count, DATETIME_DIFF(${current}, ${newest}, SECOND) AS age_seconds FROM ${relation(input)}`;
  }
  // epoch() of a TIMESTAMP reads it as UTC, and of now() (TIMESTAMPTZ) gives the instant: no session zone leaks in.
  const current = nowText ? `epoch(TIMESTAMP ${sqlDialect(dialect).literal(nowText)})` : 'epoch(now())';
  const value = typed?.isText ? `TRY_CAST(left(${id}, 26) AS TIMESTAMP)` : typed?.warehouseType === 'DATE' ? `CAST(${id} AS TIMESTAMP)` : id;
  return `SELECT count(*) AS row_count, ${current} - epoch(max(${value})) AS age_seconds FROM ${relation(input)}`;
}

function distributionSql(input: CheckQueryInput, columnName: string, metric: 'null_rate' | 'distinct_count'): string {
  const { dialect, table } = input;
  const column = table.columns.find((c) => c.name === columnName);
  if (!column) throw new Error(`table ${table.name} has no column ${columnName}`);
  const typed = typedColumn(dialect, column);
  const id = sqlDialect(dialect).ident(columnName);
  const from = relation(input);
  if (metric === 'distinct_count') {
    return `SELECT ${count(dialect)} AS row_count, ${dialect === 'bigquery' ? 'COUNT' : 'count'}(DISTINCT ${comparable(dialect, typed)}) AS distinct_count FROM ${from}`;
  }
  return dialect === 'bigquery'
    ? `SELECT COUNT(*) AS row_count, COALESCE(SAFE_DIVIDE(COUNTIF(${id} IS NULL), COUNT(*)), 0) AS null_rate FROM ${from}`
    : `SELECT count(*) AS row_count, coalesce(CAST(count(*) FILTER (WHERE ${id} IS NULL) AS DOUBLE) / nullif(count(*), 0), 0) AS null_rate FROM ${from}`;
}
