import { parseSourceType, type SourceType } from '../contracts/source-types.js';

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

export type SchemaChangeKind = 'added' | 'removed' | 'retyped' | 'nullability';

export interface SchemaChangeEntry {
  table: string;
  column: string;
  change: SchemaChangeKind;
  from?: string;
  to?: string;
  breaking: boolean;
}

export interface SchemaDiffResult {
  changes: SchemaChangeEntry[];
  breaking: boolean;
}

/** Changes from `published` (null: never published, every column is added) to `candidate`. */
export function diffSchemas(published: DiffDataset[] | null, candidate: DiffDataset[]): SchemaDiffResult {
  const changes: SchemaChangeEntry[] = [];
  const before = new Map((published ?? []).map((d) => [d.table, new Map(d.columns.map((c) => [c.name, c]))]));
  for (const dataset of candidate) {
    const old = before.get(dataset.table);
    for (const column of dataset.columns) {
      const was = old?.get(column.name);
      if (!was) {
        changes.push({ table: dataset.table, column: column.name, change: 'added', to: column.type, breaking: false });
        continue;
      }
      if (normalType(was.type) !== normalType(column.type)) {
        changes.push({ table: dataset.table, column: column.name, change: 'retyped', from: was.type, to: column.type, breaking: !isWidening(was.type, column.type) });
      }
      if (was.nullable !== column.nullable) {
        changes.push({
          table: dataset.table, column: column.name, change: 'nullability',
          from: nullability(was.nullable), to: nullability(column.nullable), breaking: column.nullable,
        });
      }
    }
  }
  const kept = new Map(candidate.map((d) => [d.table, new Set(d.columns.map((c) => c.name))]));
  for (const dataset of published ?? []) {
    for (const column of dataset.columns) {
      if (!kept.get(dataset.table)?.has(column.name)) {
        changes.push({ table: dataset.table, column: column.name, change: 'removed', from: column.type, breaking: true });
      }
    }
  }
  return { changes, breaking: changes.some((c) => c.breaking) };
}

const nullability = (nullable: boolean): string => (nullable ? 'nullable' : 'not null');

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
