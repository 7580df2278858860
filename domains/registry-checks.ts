import { formatSourceType, parseSourceType } from '../contracts/source-types.js';
import { checkBusinessRuleTargets } from './business-rule-checks.js';
import { sourceLabel } from './checks.js';
import type { ColumnContract, DomainContract, TableContract } from '../contracts/contract.js';
import { findReferenceCycle, formatCycle, type TableEntry } from './dependencies.js';
import type { ContractIssue } from './errors.js';
import { checkQualityRuleTargets } from './quality-rule-checks.js';
import { checkServedProducts } from './serving-checks.js';

/** Rules that need every domain at once: unique names and sources, references, products, cycles. */

function checkDuplicateDomains(contracts: readonly DomainContract[]): ContractIssue[] {
  const issues: ContractIssue[] = [];
  contracts.forEach((contract, i) => {
    const first = contracts.findIndex((c) => c.name === contract.name);
    if (first !== i) issues.push({ domain: contract.name, field: 'name', message: `declared twice (declarations[${first}] and declarations[${i}])` });
  });
  return issues;
}

function checkSharedSources(entries: readonly TableEntry[]): ContractIssue[] {
  const issues: ContractIssue[] = [];
  const owner = new Map<string, TableEntry>();
  for (const entry of entries) {
    const label = sourceLabel(entry.table);
    const first = owner.get(label);
    if (first === undefined) owner.set(label, entry);
    // Within one domain the domain check already reported it.
    else if (first.domain !== entry.domain) {
      issues.push({
        domain: entry.domain.name, table: entry.table.name, field: 'source',
        message: `source table ${label} is already declared by table "${first.domain.name}.${first.table.name}"`,
      });
    }
  }
  return issues;
}

type Lookup = (domain: string, table: string) => TableContract | undefined;

/** Why '<domain>.<table>' does not resolve, or undefined when it does. */
function unresolvedTable(contracts: readonly DomainContract[], domain: string, table: string): string | undefined {
  const target = contracts.find((c) => c.name === domain);
  if (target === undefined) return `domain "${domain}" is not declared (declared: ${contracts.map((c) => c.name).join(', ')})`;
  if (!target.tables.some((t) => t.name === table)) return `table "${table}" is not declared in domain "${domain}" (declared: ${target.tables.map((t) => t.name).join(', ')})`;
  return undefined;
}

function checkReference(contracts: readonly DomainContract[], lookup: Lookup, entry: TableEntry, column: ColumnContract): ContractIssue | undefined {
  const reference = column.references!;
  const at = { domain: entry.domain.name, table: entry.table.name, column: column.name, field: 'references' };
  const [domain = '', table = '', name = ''] = reference.split('.');
  const unresolved = unresolvedTable(contracts, domain, table);
  if (unresolved !== undefined) return { ...at, message: `"${reference}": ${unresolved}` };
  const target = lookup(domain, table)!;
  const targetColumn = target.columns.find((c) => c.name === name);
  if (targetColumn === undefined) {
    return { ...at, message: `"${reference}": column "${name}" is not declared in table "${domain}.${table}" (declared: ${target.columns.map((c) => c.name).join(', ')})` };
  }
  // Types that do not parse are reported by the domain check; compare only well-formed ones.
  let mine: string;
  let theirs: string;
  try {
    mine = formatSourceType(parseSourceType(column.type));
    theirs = formatSourceType(parseSourceType(targetColumn.type));
  } catch {
    return undefined;
  }
  if (mine !== theirs) return { ...at, message: `"${reference}" is ${theirs}, this column is ${mine} — expected the same type on both sides` };
  return undefined;
}

function checkProducts(contracts: readonly DomainContract[]): ContractIssue[] {
  const issues: ContractIssue[] = [];
  for (const contract of contracts) {
    for (const product of contract.products) {
      product.tables.forEach((entry, j) => {
        const [domain = '', table = ''] = entry.split('.');
        if (!entry.includes('.') || domain === contract.name) return;
        const unresolved = unresolvedTable(contracts, domain, table);
        if (unresolved !== undefined) issues.push({ domain: contract.name, product: product.name, field: `tables[${j}]`, message: `"${entry}": ${unresolved}` });
      });
    }
  }
  return issues;
}

function checkCycles(entries: readonly TableEntry[]): ContractIssue[] {
  const cycle = findReferenceCycle(entries);
  if (cycle === undefined) return [];
  const [first] = cycle;
  const [domain = '', table = ''] = first!.from.split('.');
  return [{
    domain, table, column: first!.column, field: 'references',
    message: `reference cycle ${formatCycle(cycle)} — expected acyclic references so tables can be loaded in dependency order`,
  }];
}

/** All cross-domain problems; each domain on its own is assumed to have passed its checks. */
export function checkRegistry(declared: readonly DomainContract[]): ContractIssue[] {
  // A repeated domain is reported once; checking its tables again would only repeat the news.
  const contracts = declared.filter((c, i) => declared.findIndex((d) => d.name === c.name) === i);
  const entries: TableEntry[] = contracts.flatMap((domain) => domain.tables.map((table) => ({ domain, table })));
  const lookup: Lookup = (domain, table) => contracts.find((c) => c.name === domain)?.tables.find((t) => t.name === table);
  const references: ContractIssue[] = [];
  for (const entry of entries) {
    for (const column of entry.table.columns) {
      if (column.references === undefined) continue;
      const issue = checkReference(contracts, lookup, entry, column);
      if (issue) references.push(issue);
    }
  }
  return [
    ...checkDuplicateDomains(declared),
    ...checkSharedSources(entries),
    ...references,
    ...checkProducts(contracts),
    ...checkServedProducts(contracts),
    ...checkQualityRuleTargets(contracts),
    ...checkBusinessRuleTargets(contracts),
    ...checkCycles(entries),
  ];
}
