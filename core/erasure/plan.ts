import { tableKey, type TableContract } from '../../contracts/contract.js';
import type { DataSubject, ErasureAction } from '../../contracts/data-subjects.js';
import { qualifiedColumns } from '../qualified/columns.js';

/**
 * What an erasure of one subject does, table by table, derived from the data-subject declaration
 * and the contracts (the declaration is validated first: domains/data-subjects-checks.ts). Tables come
 * in reach order: every table whose key another table is reached through comes before that table, so
 * the warehouse collects the reaching values (a subject's BOOKING_IDs, CASE_IDs…) before it modifies
 * anything.
 */

export interface ErasureVia {
  /** The column of the table that holds the reaching value. */
  column: string;
  /** The key it holds: the subject key or another reached table's key, '<domain>.<table>.<COLUMN>'. */
  from: string;
}

export interface ErasureTablePlan {
  domain: string;
  table: string;
  action: ErasureAction;
  reason?: string;
  vias: ErasureVia[];
  /** Contract columns set to NULL when the action is 'anonymise' (PII class other than none). */
  nulled: string[];
  /** Published snapshot columns set to NULL: the qualified columns with a PII class, derived ones included. */
  nulledPublished: string[];
  /** The table's key column another reached table is reached through: its values are collected. */
  collects?: string;
}

export interface ErasurePlan {
  subject: string;
  /** '<domain>.<table>.<COLUMN>'. */
  key: string;
  approvingDomain: string;
  tables: ErasureTablePlan[];
}

type TableOf = (qualified: string) => TableContract;

/** The single-column key of a table, or undefined when its key has several columns (nothing can reach through part of it). */
export function singleKey(table: TableContract): string | undefined {
  const key = tableKey(table);
  return key.length === 1 ? key[0] : undefined;
}

/** The key a via column holds: the subject key for the key table's own column, else what it references. */
export function viaSource(subject: Pick<DataSubject, 'key'>, tableRef: string, column: TableContract['columns'][number]): string | undefined {
  if (`${tableRef}.${column.name}` === subject.key) return subject.key;
  return column.references;
}

export function erasurePlan(subject: DataSubject, tableOf: TableOf): ErasurePlan {
  const byTable = new Map<string, ErasureTablePlan>();
  for (const reach of subject.reach) {
    const contract = tableOf(reach.table);
    const [domain, table] = reach.table.split('.') as [string, string];
    const column = contract.columns.find((c) => c.name === reach.via)!;
    const from = viaSource(subject, reach.table, column)!;
    const entry = byTable.get(reach.table) ?? {
      domain, table, action: reach.action, ...(reach.reason ? { reason: reach.reason } : {}), vias: [],
      nulled: contract.columns.filter((c) => c.pii !== 'none').map((c) => c.name),
      nulledPublished: qualifiedColumns(contract, tableOf).filter((c) => c.pii !== 'none').map((c) => c.name),
    };
    entry.vias.push({ column: reach.via, from });
    byTable.set(reach.table, entry);
  }
  const sources = new Set([...byTable.values()].flatMap((t) => t.vias.map((v) => v.from)));
  for (const [ref, entry] of byTable) {
    const key = singleKey(tableOf(ref));
    if (key !== undefined && sources.has(`${ref}.${key}`) && `${ref}.${key}` !== subject.key) entry.collects = key;
  }
  return { subject: subject.name, key: subject.key, approvingDomain: subject.approvingDomain, tables: reachOrder(subject.key, [...byTable.values()]) };
}

/** Tables in an order where every key a via holds is collected before the table is read. */
function reachOrder(subjectKey: string, tables: ErasureTablePlan[]): ErasureTablePlan[] {
  const known = new Set([subjectKey]);
  const ordered: ErasureTablePlan[] = [];
  let rest = tables;
  while (rest.length > 0) {
    const ready = rest.filter((t) => t.vias.every((v) => known.has(v.from)));
    // The checks refuse a via whose key no reached table collects, so a round always makes progress.
    if (ready.length === 0) throw new Error(`erasure plan: ${rest.map((t) => `${t.domain}.${t.table}`).join(', ')} reached through keys no reached table holds`);
    for (const t of ready) {
      ordered.push(t);
      if (t.collects) known.add(`${t.domain}.${t.table}.${t.collects}`);
    }
    rest = rest.filter((t) => !ready.includes(t));
  }
  return ordered;
}
