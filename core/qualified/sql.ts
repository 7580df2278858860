import { exchangeRates, ruleDependency, type BusinessRule, type CurrencyRule, type LookupRule } from '../../contracts/business-rules.js';
import type { ColumnContract, TableContract } from '../../contracts/contract.js';
import { typedColumn } from '../quality/dialect.js';
import { codeOf, col, dayOf, decodeYyyymmdd, liveRows, money, q, rtrimBlanks, scaleOf, str } from './expressions.js';
import type { WarehouseDialect } from '../sql/index.js';

/**
 * The qualified view of a table: `qualified_<domain>.<table>` over `raw_<domain>.<table>`, with the
 * table's business rules applied. It keeps every contract column (CHAR codes trimmed where a trim
 * rule says so), then one column per derived value in rule order, then `_source_position` and
 * `_loaded_at` so a value can be traced back to its source change. Rows deleted at the source
 * (change capture keeps them in raw as `_deleted`) are left out. Lookups and rates are left joins
 * onto tables of at most one row per code (or per day), so the view has exactly the raw live rows.
 */

export type Layer = 'raw' | 'qualified';

export interface QualifiedViewInput {
  domain: string;
  table: TableContract;
  dialect: WarehouseDialect;
  /** The quoted name of a table or view, e.g. "raw_booking"."booking" (DuckDB), `project.raw_booking.booking` (BigQuery). */
  resolve: (domain: string, table: string, layer: Layer) => string;
  /** Whether a raw table has the `_deleted` column (change capture adds it; a backfilled-only table may not have it yet). */
  tombstones: (domain: string, table: string) => boolean;
}

/** Columns of the raw table kept for lineage. */
export const lineageKept = ['_source_position', '_loaded_at'] as const;

const T = 't';

interface Built {
  /** `expr AS "NAME"` per output column. */
  select: string[];
  joins: string[];
  /** BigQuery common table expressions (exchange-rate calendars), shared by the currency rules. */
  ctes: Map<string, string>;
}

function column(table: TableContract, name: string): ColumnContract {
  const found = table.columns.find((c) => c.name === name);
  // Contracts are checked at load; reaching this means a contract was built around the loader.
  if (found === undefined) throw new Error(`table ${table.name}: business rule names column "${name}", which is not declared`);
  return found;
}

function isText(dialect: WarehouseDialect, c: ColumnContract): boolean {
  return typedColumn(dialect, c).isText;
}

/** The raw table of `domain.table`, restricted to live rows when it carries tombstones. */
function liveSource(input: QualifiedViewInput, domain: string, table: string): { from: string; where: string } {
  const from = input.resolve(domain, table, 'raw');
  return { from, where: input.tombstones(domain, table) ? ` WHERE ${liveRows(input.dialect)}` : '' };
}

function lookupExpr(input: QualifiedViewInput, rule: LookupRule, index: number, built: Built): string {
  const { dialect, table } = input;
  const own = column(table, rule.column);
  const code = isText(dialect, own) ? codeOf(col(dialect, T, own.name)) : col(dialect, T, own.name);
  const fallback = rule.default === undefined ? 'NULL' : str(dialect, rule.default);
  if (rule.values !== undefined) {
    const whens = Object.entries(rule.values).map(([k, v]) => `WHEN ${code} = ${str(dialect, k)} THEN ${str(dialect, v)}`).join(' ');
    return `CASE WHEN ${code} IS NULL THEN NULL ${whens} ELSE ${fallback} END`;
  }
  const [domain = '', name = ''] = rule.from!.split('.');
  const alias = `lookup_${index}`;
  const { from, where } = liveSource(input, domain, name);
  const key = isText(dialect, own) ? codeOf(q(dialect, rule.key!)) : q(dialect, rule.key!);
  // Grouped by code, so a code table can never repeat a row of this table.
  built.joins.push(`LEFT JOIN (SELECT ${key} AS ${q(dialect, 'code')}, min(${q(dialect, rule.label!)}) AS ${q(dialect, 'label')} FROM ${from}${where} GROUP BY 1) AS ${q(dialect, alias)}`
    + ` ON ${col(dialect, alias, 'code')} = ${code}`);
  return `CASE WHEN ${code} IS NULL THEN NULL WHEN ${col(dialect, alias, 'code')} IS NULL THEN ${fallback} ELSE ${col(dialect, alias, 'label')} END`;
}

/** The rate of `currency` on `day`: the newest rate dated on or before that day. */
function rateExpr(input: QualifiedViewInput, index: number, currency: string, day: string, built: Built): string {
  const { dialect } = input;
  const { from, where } = liveSource(input, exchangeRates.domain, exchangeRates.table);
  const rateCode = codeOf(q(dialect, exchangeRates.currency));
  const [c, d, r] = [q(dialect, 'currency'), q(dialect, 'rate_date'), q(dialect, 'rate')];
  const alias = `rate_${index}`;
  if (dialect === 'duckdb') {
    built.joins.push(`ASOF LEFT JOIN (SELECT ${rateCode} AS ${c}, ${q(dialect, exchangeRates.date)} AS ${d}, ${q(dialect, exchangeRates.rate)} AS ${r} FROM ${from}${where}) AS ${q(dialect, alias)}`
      + ` ON ${col(dialect, alias, 'currency')} = ${currency} AND ${day} >= ${col(dialect, alias, 'rate_date')}`);
    return col(dialect, alias, 'rate');
  }
  // BigQuery has no ASOF join, and an inequality join would compare every row with every rate of its
  // currency. Instead each rate is spread over the days until the next one (a small calendar), joined
  // on (currency, day); days after the newest rate take the newest rate.
  built.ctes.set('rate_spans', `SELECT ${rateCode} AS ${c}, ${q(dialect, exchangeRates.date)} AS ${d}, ${q(dialect, exchangeRates.rate)} AS ${r}, `
    + `LEAD(${q(dialect, exchangeRates.date)}) OVER (PARTITION BY ${rateCode} ORDER BY ${q(dialect, exchangeRates.date)}) AS ${q(dialect, 'next_date')} FROM ${from}${where}`);
  built.ctes.set('rate_days', `SELECT ${c}, ${q(dialect, 'day')}, ${r} FROM ${q(dialect, 'rate_spans')}, `
    + `UNNEST(GENERATE_DATE_ARRAY(${d}, DATE_SUB(${q(dialect, 'next_date')}, INTERVAL 1 DAY))) AS ${q(dialect, 'day')}`);
  built.ctes.set('rate_newest', `SELECT ${c}, ${d}, ${r} FROM ${q(dialect, 'rate_spans')} WHERE ${q(dialect, 'next_date')} IS NULL`);
  const newest = `${alias}_newest`;
  built.joins.push(`LEFT JOIN ${q(dialect, 'rate_days')} AS ${q(dialect, alias)} ON ${col(dialect, alias, 'currency')} = ${currency} AND ${col(dialect, alias, 'day')} = ${day}`);
  built.joins.push(`LEFT JOIN ${q(dialect, 'rate_newest')} AS ${q(dialect, newest)} ON ${col(dialect, newest, 'currency')} = ${currency}`);
  return `COALESCE(${col(dialect, alias, 'rate')}, IF(${day} >= ${col(dialect, newest, 'rate_date')}, ${col(dialect, newest, 'rate')}, NULL))`;
}

function currencyExpr(input: QualifiedViewInput, rule: CurrencyRule, index: number, built: Built): string {
  const { dialect, table } = input;
  const amount = col(dialect, T, rule.amount);
  const currency = codeOf(col(dialect, T, rule.currency));
  const date = column(table, rule.date!);
  const rate = rateExpr(input, index, currency, dayOf(dialect, col(dialect, T, date.name), date), built);
  const scale = scaleOf(column(table, rule.amount).type);
  return `CASE WHEN ${amount} IS NULL THEN NULL WHEN ${currency} = ${str(dialect, rule.to)} THEN ${money(dialect, amount, undefined, scale)} `
    + `ELSE ${money(dialect, amount, rate, scale)} END`;
}

function derivedExpr(input: QualifiedViewInput, rule: Exclude<BusinessRule, { kind: 'trim' }>, index: number, built: Built): string {
  const { dialect, table } = input;
  switch (rule.kind) {
    case 'yyyymmdd_date': return decodeYyyymmdd(dialect, col(dialect, T, column(table, rule.column).name), rule.openEnd);
    case 'lookup': return lookupExpr(input, rule, index, built);
    case 'currency': return currencyExpr(input, rule, index, built);
  }
}

/** The SELECT of the qualified view (without CREATE VIEW). */
export function qualifiedSelectSql(input: QualifiedViewInput): string {
  const { dialect, table, domain } = input;
  const trims = new Map<string, boolean>();
  for (const rule of table.businessRules) {
    if (rule.kind === 'trim') for (const name of rule.columns) trims.set(name, (trims.get(name) ?? false) || rule.emptyAsNull);
  }
  const built: Built = { select: [], joins: [], ctes: new Map() };
  for (const c of table.columns) {
    const value = col(dialect, T, c.name);
    const emptyAsNull = trims.get(c.name);
    const expr = emptyAsNull === undefined ? value : emptyAsNull ? codeOf(value) : rtrimBlanks(value);
    built.select.push(expr === value ? value : `${expr} AS ${q(dialect, c.name)}`);
  }
  table.businessRules.forEach((rule, index) => {
    if (rule.kind !== 'trim') built.select.push(`${derivedExpr(input, rule, index, built)} AS ${q(dialect, rule.output)}`);
  });
  for (const name of lineageKept) built.select.push(col(dialect, T, name));
  const where = input.tombstones(domain, table.name) ? `\nWHERE ${liveRows(dialect, T)}` : '';
  const ctes = built.ctes.size === 0 ? '' : `WITH ${[...built.ctes].map(([name, sql]) => `${q(dialect, name)} AS (${sql})`).join(',\n')}\n`;
  return `${ctes}SELECT\n  ${built.select.join(',\n  ')}\nFROM ${input.resolve(domain, table.name, 'raw')} AS ${q(dialect, T)}`
    + `${built.joins.map((j) => `\n${j}`).join('')}${where}`;
}

/** CREATE OR REPLACE VIEW of the qualified layer for one table. */
export function qualifiedViewSql(input: QualifiedViewInput): string {
  return `CREATE OR REPLACE VIEW ${input.resolve(input.domain, input.table.name, 'qualified')} AS\n${qualifiedSelectSql(input)}`;
}

export interface QualifiedDependency {
  domain: string;
  table: string;
  /** The columns the view reads from it. */
  columns: string[];
}

/** The raw tables a qualified view reads besides its own, and which of their columns. */
export function qualifiedDependencies(table: TableContract): QualifiedDependency[] {
  const found = new Map<string, QualifiedDependency>();
  for (const rule of table.businessRules) {
    const dependency = ruleDependency(rule);
    if (dependency === undefined) continue;
    const [domain, name] = dependency;
    const columns = rule.kind === 'lookup' ? [rule.key!, rule.label!] : [exchangeRates.currency, exchangeRates.date, exchangeRates.rate];
    const entry = found.get(`${domain}.${name}`) ?? { domain, table: name, columns: [] };
    entry.columns = [...new Set([...entry.columns, ...columns])];
    found.set(`${domain}.${name}`, entry);
  }
  return [...found.values()];
}
