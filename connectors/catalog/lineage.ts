import type { DomainContract, TableContract } from '../../contracts/contract.js';
import type { ColumnMapping } from './port.js';

/**
 * Lineage known from the contracts alone, before any run: a source table is copied to
 * `raw_<domain>.<table>` (backfill and change capture, column for column), the qualified view
 * `qualified_<domain>.<table>` applies the table's business rules, and a data product reads qualified
 * tables. Column-level mappings are recorded where a rule maps one column to one column (trim, a
 * yyyymmdd decode, a lookup in a code list declared in the contract); a rule that joins another table
 * (a lookup table, exchange rates) adds a table-level edge from that table instead, because its output
 * depends on more than one column.
 */

export interface StaticLineageEdge {
  from: string;
  to: string;
  domain: string;
  ownerTable: string | null;
  ownerProduct: string | null;
  kind: 'copy' | 'rules' | 'lookup' | 'currency' | 'product';
  columns: ColumnMapping[] | null;
}

/** The fields lineage reads from a business rule; kept loose so each rule kind's own fields stay in domains/. */
interface RuleShape {
  id: string;
  kind: string;
  column?: string;
  columns?: string[];
  output?: string;
  from?: string;
  values?: unknown;
}

export const sourceNode = (table: TableContract) => `${table.source.system}:${table.source.schema}.${table.source.table}`;
export const rawNode = (domain: string, table: string) => `raw_${domain}.${table}`;
export const qualifiedNode = (domain: string, table: string) => `qualified_${domain}.${table}`;
/** A product as a lineage node: its qualified name; the published tables of a version add their own edges. */
export const productNode = (domain: string, product: string) => `${domain}.${product}`;

export function tableLineage(domain: string, table: TableContract): StaticLineageEdge[] {
  const owned = { domain, ownerTable: table.name, ownerProduct: null };
  const edges: StaticLineageEdge[] = [
    { from: sourceNode(table), to: rawNode(domain, table.name), kind: 'copy', columns: null, ...owned },
  ];
  const mappings: ColumnMapping[] = [];
  const joined = new Map<string, StaticLineageEdge>();
  for (const rule of table.businessRules as readonly RuleShape[]) {
    if (rule.kind === 'trim') {
      for (const column of rule.columns ?? []) mappings.push({ from: column, to: column, rule: rule.id });
    } else if (rule.kind === 'yyyymmdd_date' || (rule.kind === 'lookup' && rule.from === undefined)) {
      if (rule.column && rule.output) mappings.push({ from: rule.column, to: rule.output, rule: rule.id });
    } else if (rule.kind === 'lookup' && rule.from) {
      const [d, t] = rule.from.split('.') as [string, string];
      joined.set(rule.from, { from: qualifiedNode(d, t), to: qualifiedNode(domain, table.name), kind: 'lookup', columns: null, ...owned });
    } else if (rule.kind === 'currency') {
      joined.set('currency', { from: qualifiedNode('reference', 'exchange_rate'), to: qualifiedNode(domain, table.name), kind: 'currency', columns: null, ...owned });
    }
  }
  edges.push({ from: rawNode(domain, table.name), to: qualifiedNode(domain, table.name), kind: 'rules', columns: mappings.length ? mappings : null, ...owned });
  // A table that looks itself up (a parent code in the same table) would be an edge to itself: leave it out.
  return [...edges, ...[...joined.values()].filter((e) => e.from !== e.to)];
}

export function productLineage(domain: string, product: string, tables: readonly string[]): StaticLineageEdge[] {
  return tables.map((qualifiedTable) => {
    const [d, t] = qualifiedTable.split('.') as [string, string];
    return { from: qualifiedNode(d, t), to: productNode(domain, product), domain, ownerTable: null, ownerProduct: product, kind: 'product', columns: null };
  });
}

/** A product's table entries ('<table>' of its own domain or '<domain>.<table>'), qualified. */
export function qualifiedProductTables(domain: string, entries: readonly string[]): string[] {
  return entries.map((entry) => (entry.includes('.') ? entry : `${domain}.${entry}`));
}

export function domainLineage(domain: DomainContract): StaticLineageEdge[] {
  return [
    ...domain.tables.flatMap((t) => tableLineage(domain.name, t)),
    ...domain.products.flatMap((p) => productLineage(domain.name, p.name, qualifiedProductTables(domain.name, p.tables))),
  ];
}
