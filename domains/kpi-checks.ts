import { formatSourceType, tryParseSourceType, type SourceType } from '../contracts/source-types.js';
import type { DomainContract } from '../contracts/contract.js';
import type { KpiContract, KpiFilter, SimpleKpiMeasure } from '../contracts/kpis.js';
import { qualifiedColumns, type QualifiedColumn } from '../core/qualified/columns.js';
import type { ContractIssue } from './errors.js';
import { family, misfit } from './quality-rule-checks.js';

/**
 * KPIs checked against their domain (called by checks.ts): what passes here compiles to SQL for
 * every warehouse (core/kpi/sql.ts) without surprises at run time. A KPI reads one table of one of
 * the domain's own products, as published: the contract's columns and the columns its business
 * rules derive (a decoded date, an amount in EUR), so those are the columns it may name.
 */

interface KpiAt {
  domain: string;
  kpi: KpiContract;
  index: number;
}

const issue = ({ domain, kpi, index }: KpiAt, field: string, message: string, table?: string): ContractIssue =>
  ({ domain, kpi: kpi.name, ...(table ? { table } : {}), field: `kpis[${index}]${field === '' ? '' : `.${field}`}`, message });

/** Grain columns: a day is cut from a DATE or a TIMESTAMP both warehouses hold as one (0..6 fraction digits). */
function isPeriodType(t: SourceType | undefined): boolean {
  return t !== undefined && (t.kind === 'DATE' || (t.kind === 'TIMESTAMP' && (t.fractionDigits ?? 6) <= 6));
}

function checkFilter(at: KpiAt, field: string, filter: KpiFilter, column: (field: string, name: string) => QualifiedColumn | undefined): ContractIssue[] {
  const found = column(`${field}.column`, filter.column);
  const issues: ContractIssue[] = [];
  const nullTest = filter.op === 'is_null' || filter.op === 'is_not_null';
  const list = filter.op === 'in' || filter.op === 'not_in';
  if (nullTest) {
    if (filter.value !== undefined) issues.push(issue(at, `${field}.value`, `op '${filter.op}' takes no value`));
    return issues;
  }
  if (filter.value === undefined) return [issue(at, `${field}.value`, `required for op '${filter.op}' — expected ${list ? 'a list of values' : 'a value'}`)];
  if (list !== Array.isArray(filter.value)) {
    return [issue(at, `${field}.value`, list ? `op '${filter.op}' expects a list of values` : `op '${filter.op}' expects one value, got a list — expected op 'in' for a list`)];
  }
  const type = found ? tryParseSourceType(found.type) : undefined;
  if (!type) return issues;
  const values = Array.isArray(filter.value) ? filter.value : [filter.value];
  values.forEach((value, j) => {
    const where = `${field}.value${Array.isArray(filter.value) ? `[${j}]` : ''}`;
    if (typeof value === 'boolean') {
      if (family(type) !== 'boolean') issues.push(issue(at, where, `got ${value} — a ${formatSourceType(type)} column "${filter.column}" is not a BOOLEAN`));
      return;
    }
    if (family(type) === 'boolean') {
      issues.push(issue(at, where, `got ${JSON.stringify(value)} — expected true or false for the BOOLEAN column "${filter.column}"`));
      return;
    }
    const wrong = misfit(value, type);
    if (wrong) issues.push(issue(at, where, `column "${filter.column}": ${wrong}`));
  });
  if (!['=', '<>', 'in', 'not_in'].includes(filter.op) && family(type) === 'boolean') {
    issues.push(issue(at, `${field}.op`, `op '${filter.op}' does not order BOOLEAN values — expected =, <>, in or not_in`));
  }
  return issues;
}

function checkMeasure(at: KpiAt, field: string, measure: SimpleKpiMeasure, column: (field: string, name: string) => QualifiedColumn | undefined): ContractIssue[] {
  const issues: ContractIssue[] = [];
  if (measure.kind === 'sum') {
    const found = column(`${field}.column`, measure.column);
    const type = found ? tryParseSourceType(found.type) : undefined;
    if (found && (type === undefined || family(type) !== 'number')) {
      issues.push(issue(at, `${field}.column`, `column "${measure.column}" is ${found.type} — a sum expects a numeric column (INTEGER, DECIMAL, DOUBLE…)`));
    }
  } else if (measure.kind === 'count_distinct') {
    column(`${field}.column`, measure.column);
  }
  measure.where.forEach((f, j) => issues.push(...checkFilter(at, `${field}.where[${j}]`, f, column)));
  return issues;
}

function checkKpi(contract: DomainContract, at: KpiAt): ContractIssue[] {
  const { kpi } = at;
  const issues: ContractIssue[] = [];
  const people = [contract.dpo.id, ...contract.deputies.map((d) => d.id)];
  if (!people.includes(kpi.owner)) {
    issues.push(issue(at, 'owner', `"${kpi.owner}" is not a person of the domain — expected the DPO or a deputy (${people.join(', ')})`));
  }
  const product = contract.products.find((p) => p.name === kpi.product);
  if (!product) {
    const declared = contract.products.map((p) => p.name).join(', ') || 'none';
    return [...issues, issue(at, 'product', `product "${kpi.product}" is not a data product of domain "${contract.name}" (declared: ${declared})`)];
  }
  const own = product.tables.flatMap((e) => (e.includes('.') ? (e.startsWith(`${contract.name}.`) ? [e.slice(contract.name.length + 1)] : []) : [e]));
  if (!own.includes(kpi.table)) {
    return [...issues, issue(at, 'table', `table "${kpi.table}" is not one of this domain's tables in product "${kpi.product}" (expected one of: ${own.join(', ')})`)];
  }
  const table = contract.tables.find((t) => t.name === kpi.table);
  // checks.ts reports a product table that is not declared.
  if (!table) return issues;
  // Lookups into other domains are not at hand here: their labels count as text, which is what matters.
  const columns = qualifiedColumns(table, () => undefined);
  const column = (field: string, name: string): QualifiedColumn | undefined => {
    const found = columns.find((c) => c.name === name);
    if (!found) issues.push(issue(at, field, `column "${name}" is not published by table "${table.name}" (columns: ${columns.map((c) => c.name).join(', ')})`, table.name));
    return found;
  };
  const grain = column('grain.column', kpi.grain.column);
  if (grain && !isPeriodType(tryParseSourceType(grain.type))) {
    issues.push(issue(at, 'grain.column', `column "${grain.name}" is ${grain.type} — expected a DATE or TIMESTAMP(0..6) column to cut periods from`, table.name));
  }
  if (kpi.grain.by !== undefined) {
    const by = column('grain.by', kpi.grain.by);
    const type = by ? tryParseSourceType(by.type) : undefined;
    if (by && type && family(type) === 'bytes') issues.push(issue(at, 'grain.by', `column "${by.name}" is ${by.type} — expected a column whose values name a group`, table.name));
  }
  if (kpi.measure.kind === 'ratio') {
    issues.push(...checkMeasure(at, 'measure.numerator', kpi.measure.numerator, column), ...checkMeasure(at, 'measure.denominator', kpi.measure.denominator, column));
  } else {
    issues.push(...checkMeasure(at, 'measure', kpi.measure, column));
  }
  // Everything after the owner is about the table: say which.
  return issues.map((i, n) => (n === 0 && i.field?.endsWith('.owner') ? i : { ...i, table: table.name }));
}

/** Problems of a domain's KPIs: unique names, owner, product, table, columns and their types. */
export function checkKpis(contract: DomainContract): ContractIssue[] {
  const kpis = contract.kpis ?? [];
  const issues: ContractIssue[] = [];
  kpis.forEach((kpi, index) => {
    const at = { domain: contract.name, kpi, index };
    const first = kpis.findIndex((k) => k.name === kpi.name);
    if (first !== index) issues.push(issue(at, 'name', `KPI "${kpi.name}" is declared twice in the domain (kpis[${first}] and kpis[${index}])`));
    issues.push(...checkKpi(contract, at));
  });
  return issues;
}
