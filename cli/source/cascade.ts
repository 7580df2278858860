import { qualifiedName, type TableEntry } from '../../domains/dependencies.js';
import { keyColumns } from './ddl.js';

/**
 * What deleting rows of one table means for the tables that reference it, as the source
 * application does it (there are no foreign-key constraints to do it for us): rows that must have
 * a parent are deleted with it (recursively), optional references are set to NULL.
 *
 * Only references to a table's whole key are followed. A reference to one part of a composite key
 * (flight_reservation.GUEST_SEQ → booking_guest.GUEST_SEQ) names a value that other parents still
 * have, so following it would delete unrelated rows.
 */

export interface CascadeStep {
  /** The referencing table and column. */
  entry: TableEntry;
  column: string;
  /** NULL the column (optional reference) instead of deleting the row. */
  setNull: boolean;
  /** The referenced table, '<domain>.<table>', and its key column. */
  target: string;
  targetColumn: string;
}

/** Steps into `target` (one level). */
export function stepsInto(registry: { allTables(): TableEntry[] }, target: string): CascadeStep[] {
  const [domainName, tableName] = target.split('.');
  const targetEntry = registry.allTables().find((e) => e.domain.name === domainName && e.table.name === tableName);
  if (!targetEntry) throw new Error(`table ${target} is not declared — expected '<domain>.<table>' of a contract`);
  const key = keyColumns(targetEntry.table);
  if (key.length !== 1) return [];
  const steps: CascadeStep[] = [];
  for (const entry of registry.allTables()) {
    for (const column of entry.table.columns) {
      if (column.references !== `${target}.${key[0]}`) continue;
      steps.push({ entry, column: column.name, setNull: column.nullable, target, targetColumn: key[0]! });
    }
  }
  return steps;
}

/** Every step reached from deleting rows of `root`, parents before children. */
export function cascadeFrom(registry: { allTables(): TableEntry[] }, root: string): CascadeStep[] {
  const all: CascadeStep[] = [];
  const visit = (target: string, path: readonly string[]) => {
    for (const step of stepsInto(registry, target)) {
      all.push(step);
      const child = qualifiedName(step.entry);
      if (!step.setNull && !path.includes(child)) visit(child, [...path, child]);
    }
  };
  visit(root, [root]);
  return all;
}

/** Columns the cascade looks rows up by that no key starts with: they need an index at the source. */
export function cascadeIndexColumns(registry: { allTables(): TableEntry[] }, root: string): { entry: TableEntry; column: string }[] {
  const seen = new Set<string>();
  return cascadeFrom(registry, root)
    .filter((s) => keyColumns(s.entry.table)[0] !== s.column)
    .filter((s) => {
      const id = `${qualifiedName(s.entry)}.${s.column}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    })
    .map((s) => ({ entry: s.entry, column: s.column }));
}
