import { parseSourceType, type SourceType } from '../contracts/source-types.js';
import { compareSchemas } from './schema-compare.js';

/**
 * The schema diff of a data product's candidate version against its published version, classified
 * from the point of view of the product's readers (consumers query the published layer; nobody
 * writes to it):
 *
 * - added column: not breaking (queries naming their columns are unaffected);
 * - removed column: breaking;
 * - retyped: not breaking when every old value fits the new type unchanged and reads back with the
 *   same meaning — VARCHAR/VARGRAPHIC/CLOB/BLOB lengthened, SMALLINT → INTEGER → BIGINT, DECIMAL
 *   with at least as many integer and fraction digits, REAL → DOUBLE, TIMESTAMP with more fraction
 *   digits. Anything else is breaking: narrowing, a change of type family, and CHAR/GRAPHIC length
 *   changes (the padding, so the values, change);
 * - nullability: NOT NULL → nullable is breaking (readers relying on a value now meet NULLs);
 *   nullable → NOT NULL is a stronger guarantee and not breaking.
 *
 * Types are compared as the contracts spell them (DB2 types), not as one warehouse maps them: the
 * warehouse type of VARCHAR(60) and VARCHAR(120) is the same VARCHAR, which would hide a narrowing.
 */

export interface DiffColumn {
  name: string;
  type: string;
  nullable: boolean;
}

export interface DiffDataset {
  /** '<domain>.<table>'. */
  table: string;
  columns: DiffColumn[];
}

/** One column's change in a publication, as the catalog stores it (catalog.product_versions.changes). */
export type ColumnChangeKind = 'added' | 'removed' | 'retyped' | 'nullability';

export interface ColumnChange {
  /** '<domain>.<table>'. */
  table: string;
  column: string;
  change: ColumnChangeKind;
  /** Type (retyped, removed) or 'nullable'/'not null' (nullability) before and after. */
  from?: string;
  to?: string;
  breaking: boolean;
}

export interface SchemaDiffResult {
  changes: ColumnChange[];
  breaking: boolean;
}

/**
 * Changes from `published` (null: never published, every column is added) to `candidate`, table by
 * table with the shared comparison (names matched exactly), listed in the candidate's column order
 * and then the removed columns in the published order.
 */
export function diffSchemas(published: DiffDataset[] | null, candidate: DiffDataset[]): SchemaDiffResult {
  const changes: ColumnChange[] = [];
  const before = new Map((published ?? []).map((d) => [d.table, d.columns]));
  const dropped = new Map<string, Set<string>>();
  for (const dataset of candidate) {
    const { table } = dataset;
    const change = compareSchemas(before.get(table) ?? [], dataset.columns, {
      retyped: (was, now) => (normalType(was.type) === normalType(now.type) ? null : { contract: was.type, event: now.type }),
      nullable: (c) => c.nullable,
    });
    const added = new Set(change.added);
    const retyped = new Map(change.retyped.map((r) => [r.column, r]));
    const renulled = new Map((change.nullability ?? []).map((n) => [n.column, n]));
    dropped.set(table, new Set(change.dropped));
    for (const column of dataset.columns) {
      if (added.has(column.name)) {
        changes.push({ table, column: column.name, change: 'added', to: column.type, breaking: false });
        continue;
      }
      const r = retyped.get(column.name);
      if (r) changes.push({ table, column: column.name, change: 'retyped', from: r.contract, to: r.event, breaking: !isWidening(r.contract, r.event) });
      const n = renulled.get(column.name);
      if (n) changes.push({ table, column: column.name, change: 'nullability', from: n.contract, to: n.event, breaking: column.nullable });
    }
  }
  for (const dataset of published ?? []) {
    const gone = dropped.get(dataset.table);
    for (const column of dataset.columns) {
      if (!gone || gone.has(column.name)) {
        changes.push({ table: dataset.table, column: column.name, change: 'removed', from: column.type, breaking: true });
      }
    }
  }
  return { changes, breaking: changes.some((c) => c.breaking) };
}

function parsed(type: string): SourceType | undefined {
  try {
    return parseSourceType(type);
  } catch {
    return undefined;
  }
}

/** 'varchar( 60 )' and 'VARCHAR(60)' are the same type; unparseable text compares as written. */
function normalType(type: string): string {
  const t = parsed(type);
  return t ? JSON.stringify(t) : type.trim().toUpperCase();
}

const integerRank: Partial<Record<SourceType['kind'], number>> = { SMALLINT: 1, INTEGER: 2, BIGINT: 3 };
const lengthened = new Set<SourceType['kind']>(['VARCHAR', 'VARGRAPHIC', 'CLOB', 'DBCLOB', 'BLOB']);

/** True when every value of `from` fits `to` unchanged. */
export function isWidening(from: string, to: string): boolean {
  const a = parsed(from);
  const b = parsed(to);
  if (!a || !b) return false;
  if (integerRank[a.kind] && integerRank[b.kind]) return integerRank[b.kind]! >= integerRank[a.kind]!;
  if (a.kind === 'REAL' && b.kind === 'DOUBLE') return true;
  if (a.kind !== b.kind) return false;
  if (lengthened.has(a.kind)) return (b.length ?? 0) >= (a.length ?? 0);
  if (a.kind === 'DECIMAL') {
    const intDigits = (t: SourceType) => (t.precision ?? 5) - (t.scale ?? 0);
    return intDigits(b) >= intDigits(a) && (b.scale ?? 0) >= (a.scale ?? 0);
  }
  if (a.kind === 'TIMESTAMP') return (b.fractionDigits ?? 6) >= (a.fractionDigits ?? 6);
  return JSON.stringify(a) === JSON.stringify(b);
}
