import { formatSourceType, parseSourceType, UnsupportedSourceTypeError } from '../contracts/source-types.js';
import { checkBusinessRules } from './business-rule-checks.js';
import type { ColumnContract, DomainContract, TableContract } from '../contracts/contract.js';
import type { ContractIssue } from './errors.js';
import { checkKpis } from './kpi-checks.js';
import { checkQualityRules } from './quality-rule-checks.js';

/**
 * Rules within one domain that zod cannot see field by field. References and data products that
 * name other domains are checked by the registry (registry-checks.ts), which sees all domains.
 */

function firstIndexes<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, number> {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    if (!first.has(keyOf(item))) first.set(keyOf(item), i);
  });
  return first;
}

/** The source table as people say it: "db2 BOOK.BOOKING". */
export function sourceLabel(table: TableContract): string {
  return `${table.source.system} ${table.source.schema}.${table.source.table}`;
}

function checkColumn(domain: string, table: TableContract, column: ColumnContract): ContractIssue[] {
  const at = { domain, table: table.name, column: column.name };
  let parsed;
  try {
    parsed = parseSourceType(column.type);
  } catch (error) {
    if (error instanceof UnsupportedSourceTypeError) return [{ ...at, field: 'type', message: error.message }];
    throw error;
  }
  if (column.encoding === 'yyyymmdd') {
    const fits = parsed.kind === 'INTEGER' || (parsed.kind === 'DECIMAL' && parsed.precision === 8 && parsed.scale === 0);
    if (!fits) {
      return [{ ...at, field: 'encoding', message: `'yyyymmdd' expects a DECIMAL(8,0) or INTEGER column, this one is ${formatSourceType(parsed)}` }];
    }
  }
  return [];
}

function checkKey(domain: string, table: TableContract, field: 'primaryKey' | 'uniqueKey', key: readonly string[]): ContractIssue[] {
  const issues: ContractIssue[] = [];
  const declared = table.columns.map((c) => c.name);
  key.forEach((name, i) => {
    const at = { domain, table: table.name, field: `${field}[${i}]` };
    const column = table.columns.find((c) => c.name === name);
    if (column === undefined) {
      issues.push({ ...at, message: `column "${name}" is not declared in the table (declared: ${declared.join(', ')})` });
    } else if (key.indexOf(name) !== i) {
      issues.push({ ...at, message: `column "${name}" is listed twice in the key (${field}[${key.indexOf(name)}] and ${field}[${i}])` });
    } else if (column.nullable) {
      // Raw current-state tables are merged by key; a NULL key never matches and would duplicate rows.
      issues.push({ ...at, message: `column "${name}" is nullable — expected key columns to be NOT NULL (rows are merged by key)` });
    }
  });
  return issues;
}

function checkTable(domain: string, table: TableContract): ContractIssue[] {
  const issues: ContractIssue[] = [];
  const firstColumn = firstIndexes(table.columns, (c) => c.name);
  table.columns.forEach((column, i) => {
    const first = firstColumn.get(column.name)!;
    if (first !== i) {
      issues.push({ domain, table: table.name, column: column.name, field: 'name', message: `column "${column.name}" is declared twice in the table (columns[${first}] and columns[${i}])` });
    }
    issues.push(...checkColumn(domain, table, column));
  });
  if (table.primaryKey === undefined && table.uniqueKey === undefined) {
    issues.push({ domain, table: table.name, field: 'primaryKey', message: 'required — declare primaryKey, or uniqueKey for a table without a primary key' });
  }
  if (table.primaryKey !== undefined) issues.push(...checkKey(domain, table, 'primaryKey', table.primaryKey));
  if (table.uniqueKey !== undefined) issues.push(...checkKey(domain, table, 'uniqueKey', table.uniqueKey));
  for (const [kind, rules] of [['qualityRules', table.qualityRules], ['businessRules', table.businessRules]] as const) {
    const firstRule = firstIndexes<{ id: string }>(rules, (r) => r.id);
    rules.forEach((rule, i) => {
      const first = firstRule.get(rule.id)!;
      if (first !== i) issues.push({ domain, table: table.name, field: `${kind}[${i}].id`, message: `rule id "${rule.id}" is already used by ${kind}[${first}] — expected unique rule ids within the table` });
    });
  }
  issues.push(...checkQualityRules(domain, table));
  issues.push(...checkBusinessRules(domain, table));
  return issues;
}

function checkTables(contract: DomainContract): ContractIssue[] {
  const issues: ContractIssue[] = [];
  const firstName = firstIndexes(contract.tables, (t) => t.name);
  const firstSource = firstIndexes(contract.tables, sourceLabel);
  contract.tables.forEach((table, i) => {
    const sameName = firstName.get(table.name)!;
    if (sameName !== i) {
      issues.push({ domain: contract.name, table: table.name, field: 'name', message: `table "${table.name}" is declared twice in the domain (tables[${sameName}] and tables[${i}])` });
      return;
    }
    const sameSource = firstSource.get(sourceLabel(table))!;
    if (sameSource !== i) {
      const owner = contract.tables[sameSource]!;
      issues.push({ domain: contract.name, table: table.name, field: 'source', message: `source table ${sourceLabel(table)} is already declared by table "${contract.name}.${owner.name}"` });
    }
    issues.push(...checkTable(contract.name, table));
  });
  return issues;
}

function checkPeople(contract: DomainContract): ContractIssue[] {
  const issues: ContractIssue[] = [];
  contract.deputies.forEach((deputy, i) => {
    const field = `deputies[${i}].id`;
    if (deputy.id === contract.dpo.id) issues.push({ domain: contract.name, field, message: `"${deputy.id}" is the DPO — expected a deputy to be someone else` });
    const first = contract.deputies.findIndex((d) => d.id === deputy.id);
    if (first !== i) issues.push({ domain: contract.name, field, message: `"${deputy.id}" is already deputies[${first}]` });
  });
  return issues;
}

function checkProducts(contract: DomainContract): ContractIssue[] {
  const issues: ContractIssue[] = [];
  const firstName = firstIndexes(contract.products, (p) => p.name);
  const tableNames = contract.tables.map((t) => t.name);
  contract.products.forEach((product, i) => {
    const at = { domain: contract.name, product: product.name };
    const sameName = firstName.get(product.name)!;
    if (sameName !== i) issues.push({ ...at, field: 'name', message: `product "${product.name}" is declared twice in the domain (products[${sameName}] and products[${i}])` });
    product.tables.forEach((entry, j) => {
      // '<domain>.<table>' of another domain is resolved by the registry.
      const local = entry.startsWith(`${contract.name}.`) ? entry.slice(contract.name.length + 1) : entry.includes('.') ? undefined : entry;
      if (local !== undefined && !tableNames.includes(local)) {
        issues.push({ ...at, field: `tables[${j}]`, message: `table "${local}" is not declared in the domain (declared: ${tableNames.join(', ')})` });
      }
    });
  });
  return issues;
}

/** All problems of one parsed domain, in declaration order. */
export function checkDomain(contract: DomainContract): ContractIssue[] {
  return [...checkPeople(contract), ...checkTables(contract), ...checkProducts(contract), ...checkKpis(contract)];
}
