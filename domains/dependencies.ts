import type { DomainContract, TableContract } from '../contracts/contract.js';

/**
 * The graph of column `references` between tables. The contracts keep it acyclic (the registry
 * rejects a cycle), so seeders and backfills can load every referenced table before its referrers:
 * reference → product / customer / distribution → pricing / inventory → booking → transport /
 * payment / loyalty / marketing / customer_service.
 */

export interface TableEntry {
  domain: DomainContract;
  table: TableContract;
}

/** One foreign key: `from`.`column` references `to` (qualified '<domain>.<table>' names). */
export interface ReferenceEdge {
  from: string;
  column: string;
  to: string;
}

export function qualifiedName(entry: TableEntry): string {
  return `${entry.domain.name}.${entry.table.name}`;
}

/** Edges whose target table exists; unresolvable references are reported elsewhere. */
export function referenceEdges(entries: readonly TableEntry[]): ReferenceEdge[] {
  const known = new Set(entries.map(qualifiedName));
  const edges: ReferenceEdge[] = [];
  for (const entry of entries) {
    for (const column of entry.table.columns) {
      if (column.references === undefined) continue;
      const [domain, table] = column.references.split('.');
      const to = `${domain}.${table}`;
      if (known.has(to)) edges.push({ from: qualifiedName(entry), column: column.name, to });
    }
  }
  return edges;
}

/** The first cycle found, as the edges that form it, in declaration order; undefined when acyclic. */
export function findReferenceCycle(entries: readonly TableEntry[]): ReferenceEdge[] | undefined {
  const edges = referenceEdges(entries);
  const state = new Map<string, 'open' | 'done'>();
  const path: ReferenceEdge[] = [];

  const visit = (node: string): ReferenceEdge[] | undefined => {
    state.set(node, 'open');
    for (const edge of edges.filter((e) => e.from === node)) {
      if (state.get(edge.to) === 'open') {
        const start = path.findIndex((e) => e.from === edge.to);
        return [...(start === -1 ? [] : path.slice(start)), edge];
      }
      if (state.get(edge.to) === 'done') continue;
      path.push(edge);
      const cycle = visit(edge.to);
      if (cycle) return cycle;
      path.pop();
    }
    state.set(node, 'done');
    return undefined;
  };

  for (const entry of entries) {
    const node = qualifiedName(entry);
    if (state.has(node)) continue;
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/** 'booking.booking.LAST_PAYMENT_ID → payment.payment.BOOKING_ID → booking.booking' */
export function formatCycle(cycle: readonly ReferenceEdge[]): string {
  return [...cycle.map((e) => `${e.from}.${e.column}`), cycle[cycle.length - 1]!.to].join(' → ');
}

/**
 * Tables ordered so that every referenced table comes before the tables that reference it. Among
 * tables that are ready at the same time, declaration order wins, so the order is stable.
 */
export function tablesInDependencyOrder(registry: { allTables(): TableEntry[] }): TableEntry[] {
  const entries = registry.allTables();
  const edges = referenceEdges(entries);
  const placed = new Set<string>();
  const ordered: TableEntry[] = [];
  while (ordered.length < entries.length) {
    const next = entries.find((entry) => {
      const name = qualifiedName(entry);
      return !placed.has(name) && edges.every((e) => e.from !== name || placed.has(e.to));
    });
    if (next === undefined) {
      const cycle = findReferenceCycle(entries);
      throw new Error(`reference cycle ${cycle ? formatCycle(cycle) : '(unknown)'} — expected acyclic references between tables`);
    }
    placed.add(qualifiedName(next));
    ordered.push(next);
  }
  return ordered;
}
