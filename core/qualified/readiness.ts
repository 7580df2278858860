import type { TableContract } from '../../contracts/contract.js';
import { lineageKept, qualifiedDependencies } from './sql.js';

/**
 * Whether a table's qualified view can be built: its raw table and the raw tables its business
 * rules read must exist with the columns the view needs. Both warehouses answer with these words.
 */

/** Column names of the raw table of `domain.table`, or undefined when it does not exist. */
export type RawColumnsOf = (domain: string, table: string) => ReadonlySet<string> | undefined;

/** The raw tables a view of `table` reads: its own first, then those its rules read. */
export function viewSources(domain: string, table: TableContract): Array<{ domain: string; table: string }> {
  return [{ domain, table: table.name }, ...qualifiedDependencies(table).map((d) => ({ domain: d.domain, table: d.table }))];
}

function missing(columnsOf: RawColumnsOf, domain: string, table: string, needed: readonly string[]): string | undefined {
  const name = `raw_${domain}.${table}`;
  const have = columnsOf(domain, table);
  if (have === undefined) return `raw table ${name} does not exist (not backfilled or captured yet)`;
  const absent = needed.filter((c) => !have.has(c));
  if (absent.length > 0) return `raw table ${name} lacks column(s) ${absent.join(', ')} of the contract (backfill it again)`;
  return undefined;
}

/** Why the view of `domain.table` cannot be built yet, or undefined when it can. */
export function viewBlocker(columnsOf: RawColumnsOf, domain: string, table: TableContract): string | undefined {
  const own = missing(columnsOf, domain, table.name, [...table.columns.map((c) => c.name), ...lineageKept]);
  if (own !== undefined) return own;
  for (const dependency of qualifiedDependencies(table)) {
    const reason = missing(columnsOf, dependency.domain, dependency.table, dependency.columns);
    if (reason !== undefined) return `its business rules read ${dependency.domain}.${dependency.table}: ${reason}`;
  }
  return undefined;
}

/** The column count a view of `table` has: contract columns, derived columns, lineage. */
export function viewColumnCount(table: TableContract): number {
  return table.columns.length + table.businessRules.filter((r) => r.kind !== 'trim').length + lineageKept.length;
}
