import type { KpiContract, KpiFilter, KpiTimeGrain, SimpleKpiMeasure } from '../../contracts/kpis.js';
import { publishedRelation } from '../access/plan.js';
import type { SqlDialect } from '../sql/dialect.js';

/**
 * A KPI as one SELECT over its product's published relation (`published_<domain>.<product>__<table>`),
 * for DuckDB and BigQuery. The query returns one row per period (and dimension value) with the
 * measure's numerator and, for a ratio, its denominator — the division happens in TypeScript
 * (core/kpi/values.ts), so both warehouses divide the same way and a zero denominator is no error.
 * Only the last `periods` periods that have data are returned: the result travels as an activity
 * result, so it stays bounded whatever the history of the table.
 */

export interface KpiQueryInput {
  /** The KPI's domain: the product's. */
  domain: string;
  kpi: Pick<KpiContract, 'name' | 'product' | 'table' | 'measure' | 'grain'>;
  /** How many of the latest periods with data to return (1..366). */
  periods: number;
}

/** The query's columns: PERIOD 'YYYY-MM-DD' (the period's first day), DIMENSION ('' without one), NUMERATOR, DENOMINATOR (null unless a ratio). */
export const kpiQueryColumns = ['PERIOD', 'DIMENSION', 'NUMERATOR', 'DENOMINATOR'] as const;

const number = (d: SqlDialect) => (d.name === 'bigquery' ? 'FLOAT64' : 'DOUBLE');

function value(d: SqlDialect, v: string | number | boolean): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RangeError(`KPI filter value ${v}: expected a finite number`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  return d.literal(v);
}

/** One filter as a condition (load-time checks made sure op and value agree). */
export function filterSql(d: SqlDialect, f: KpiFilter): string {
  const column = d.ident(f.column);
  switch (f.op) {
    case 'is_null': return `${column} IS NULL`;
    case 'is_not_null': return `${column} IS NOT NULL`;
    case 'in': case 'not_in': {
      const values = (Array.isArray(f.value) ? f.value : [f.value!]).map((v) => value(d, v));
      return `${column} ${f.op === 'in' ? 'IN' : 'NOT IN'} (${values.join(', ')})`;
    }
    default: {
      if (f.value === undefined || Array.isArray(f.value)) throw new RangeError(`KPI filter on ${f.column}: op '${f.op}' expects one value`);
      return `${column} ${f.op} ${value(d, f.value)}`;
    }
  }
}

/** A simple measure as an aggregate; its filters become a CASE inside it, so a ratio's two parts share one scan. */
export function measureSql(d: SqlDialect, m: SimpleKpiMeasure): string {
  const when = m.where.length ? m.where.map((f) => `(${filterSql(d, f)})`).join(' AND ') : undefined;
  const guarded = (expr: string) => (when ? `CASE WHEN ${when} THEN ${expr} END` : expr);
  switch (m.kind) {
    case 'count': return `CAST(COUNT(${guarded('1')}) AS ${number(d)})`;
    case 'count_distinct': return `CAST(COUNT(DISTINCT ${guarded(d.ident(m.column))}) AS ${number(d)})`;
    case 'sum': return `CAST(COALESCE(SUM(${guarded(d.ident(m.column))}), 0) AS ${number(d)})`;
  }
}

/** The first day of a row's period, as a DATE: ISO weeks start on Monday in both warehouses. */
export function periodSql(d: SqlDialect, grain: KpiTimeGrain, column: string): string {
  const c = d.ident(column);
  if (d.name === 'bigquery') {
    // Weeks by arithmetic (DAYOFWEEK: Sunday 1 … Saturday 7) rather than WEEK(MONDAY), which the
    // emulator reads as Sunday weeks: the same Monday on BigQuery and on the emulator.
    if (grain === 'week') return `DATE_SUB(DATE(${c}), INTERVAL MOD(EXTRACT(DAYOFWEEK FROM DATE(${c})) + 5, 7) DAY)`;
    return `DATE_TRUNC(DATE(${c}), ${grain === 'day' ? 'DAY' : 'MONTH'})`;
  }
  return `CAST(date_trunc('${grain}', CAST(${c} AS DATE)) AS DATE)`;
}

export function kpiQuerySql(d: SqlDialect, { domain, kpi, periods }: KpiQueryInput): string {
  if (!Number.isInteger(periods) || periods < 1 || periods > 366) throw new RangeError(`KPI ${domain}.${kpi.name}: periods ${periods}, expected a whole number from 1 to 366`);
  const [schema, name] = publishedRelation(`${domain}.${kpi.product}`, `${domain}.${kpi.table}`);
  const text = d.textType;
  const dimension = kpi.grain.by ? `COALESCE(CAST(${d.ident(kpi.grain.by)} AS ${text}), '')` : `''`;
  const [numerator, denominator] = kpi.measure.kind === 'ratio'
    ? [measureSql(d, kpi.measure.numerator), measureSql(d, kpi.measure.denominator)]
    : [measureSql(d, kpi.measure), `CAST(NULL AS ${number(d)})`];
  return [
    `WITH v AS (SELECT ${periodSql(d, kpi.grain.time, kpi.grain.column)} AS period, ${dimension} AS dimension,`,
    `  ${numerator} AS numerator, ${denominator} AS denominator`,
    `  FROM ${d.ident(schema)}.${d.ident(name)} WHERE ${d.ident(kpi.grain.column)} IS NOT NULL GROUP BY 1, 2),`,
    `latest AS (SELECT DISTINCT period FROM v ORDER BY period DESC LIMIT ${periods})`,
    `SELECT CAST(v.period AS ${text}) AS PERIOD, v.dimension AS DIMENSION, v.numerator AS NUMERATOR, v.denominator AS DENOMINATOR`,
    'FROM v JOIN latest ON v.period = latest.period ORDER BY 1, 2',
  ].join('\n');
}
