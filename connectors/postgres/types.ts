import type { SourceType } from '../../contracts/source-types.js';
import type { ChecksumColumn } from '../../core/checksum.js';
import { UnsupportedColumnTypeError } from '../../core/errors.js';

/**
 * PostgreSQL column types (as `format_type()` spells them) mapped to the DB2-style source types the
 * contracts use. Pure, so the mapping is unit-tested without a database.
 */

/** PostgreSQL's largest field (1 GB) stands in for the length of unbounded text and bytea. */
export const PG_UNBOUNDED_LENGTH = 1_073_741_823;

/** Permanent: the column keeps its type however often the read is retried. */
function unsupportedPostgresType(where: string, column: string, pgType: string, reason = 'no DB2-style equivalent is mapped'): UnsupportedColumnTypeError {
  return new UnsupportedColumnTypeError(`${where} column ${column}: PostgreSQL type '${pgType}' is not supported (${reason}; supported: smallint, integer, bigint, numeric(p<=31,s), numeric, real, double precision, character(n), character varying[(n)], text, uuid, json, jsonb, bytea, date, time, timestamp[(p)], timestamp with time zone, boolean)`);
}

export interface PgMappedType {
  type: SourceType;
  /** True for timestamptz: exported as UTC wall-clock time so the staged file carries no offset. */
  utcFromTimestamptz: boolean;
}

/** Maps one `format_type(atttypid, atttypmod)` text; `where` is 'schema.table' for error messages. */
export function mapPostgresType(formatted: string, where: string, column: string): PgMappedType {
  const text = formatted.trim().toLowerCase();
  const plain = (type: SourceType): PgMappedType => ({ type, utcFromTimestamptz: false });
  const args = /\((\d+)(?:,\s*(\d+))?\)/.exec(text);
  const a = args ? Number(args[1]) : undefined;
  const b = args?.[2] !== undefined ? Number(args[2]) : undefined;
  const base = text.replace(/\([^)]*\)/, '').replace(/\s+/g, ' ').trim();
  switch (base) {
    case 'smallint': return plain({ kind: 'SMALLINT' });
    case 'integer': return plain({ kind: 'INTEGER' });
    case 'bigint': return plain({ kind: 'BIGINT' });
    case 'real': return plain({ kind: 'REAL' });
    case 'double precision': return plain({ kind: 'DOUBLE' });
    case 'boolean': return plain({ kind: 'BOOLEAN' });
    case 'date': return plain({ kind: 'DATE' });
    case 'time without time zone': return plain({ kind: 'TIME' });
    case 'timestamp without time zone': return plain({ kind: 'TIMESTAMP', fractionDigits: a ?? 6 });
    case 'timestamp with time zone': return { type: { kind: 'TIMESTAMP', fractionDigits: a ?? 6 }, utcFromTimestamptz: true };
    case 'numeric':
      if (a === undefined) {
        // Unconstrained numeric: DECFLOAT(34) is the closest DB2 type without a fixed scale.
        return plain({ kind: 'DECFLOAT', precision: 34 });
      }
      if (a > 31) throw unsupportedPostgresType(where, column, formatted, 'DB2 DECIMAL holds at most 31 digits');
      return plain({ kind: 'DECIMAL', precision: a, scale: b ?? 0 });
    case 'character': case 'bpchar': return plain({ kind: 'CHAR', length: a ?? 1 });
    case 'character varying':
      return plain(a === undefined ? { kind: 'CLOB', length: PG_UNBOUNDED_LENGTH } : { kind: 'VARCHAR', length: a });
    case 'text': case 'json': case 'jsonb': return plain({ kind: 'CLOB', length: PG_UNBOUNDED_LENGTH });
    case 'uuid': return plain({ kind: 'CHAR', length: 36 });
    case 'bytea': return plain({ kind: 'BLOB', length: PG_UNBOUNDED_LENGTH });
    default: throw unsupportedPostgresType(where, column, formatted);
  }
}

/** A column as the PostgreSQL catalog describes it (format_type text, NOT NULL or not). */
export interface CatalogColumnFacts { name: string; formatted: string; nullable: boolean }

const integerKinds = new Set(['SMALLINT', 'INTEGER', 'BIGINT']);
const textKinds = new Set(['VARCHAR', 'CLOB']);

/**
 * Marks the checksum columns PostgreSQL may hash as they are (ChecksumColumn.plainText): NOT NULL in
 * the catalog, and of a type whose output function already writes core/checksum.ts's canonical text
 * for the contract's type — integers as integers, text as text, dates (our sessions use DateStyle
 * ISO), CHAR with its padding kept, numerics whose declared scale is the contract's. Everything else
 * keeps the rendering with a NULL test and a cast.
 */
export function plainTextColumns(columns: ChecksumColumn[], catalog: ReadonlyArray<CatalogColumnFacts>): ChecksumColumn[] {
  const byName = new Map(catalog.map((c) => [c.name, c]));
  return columns.map((column) => {
    const facts = byName.get(column.name);
    const mapped = facts && !facts.nullable ? mappedOrUndefined(column, facts) : undefined;
    return mapped && outputIsCanonical(column, mapped) ? { ...column, plainText: true } : column;
  });
}

/**
 * Whether a COPY of the `exported` columns writes every row's canonical text field by field, so the
 * checksum can be taken from the staged bytes (core/staged/csv-checksum.ts): the checksum's columns
 * in the same order, each of a type whose output is its canonical text. NULL may occur: COPY writes
 * it as an empty unquoted field, which the staged checksum hashes as the NULL marker.
 */
export function copiesCanonicalText(exported: readonly string[], hashed: readonly ChecksumColumn[], catalog: ReadonlyArray<CatalogColumnFacts>): boolean {
  const byName = new Map(catalog.map((c) => [c.name, c]));
  return exported.length === hashed.length && hashed.every((column, i) => {
    const facts = byName.get(column.name);
    const mapped = facts && mappedOrUndefined(column, facts);
    return column.name === exported[i] && mapped !== undefined && exportIsCanonical(column, mapped);
  });
}

/**
 * What the export's COPY selects for a column. A timestamp (timestamptz as UTC wall-clock time) is
 * written with all six fraction digits — its text output drops trailing zeros — so its staged text is
 * the checksum's canonical text too (the staged format allows 0 to 6 digits).
 */
export function exportExpression(quoted: string, { type, utcFromTimestamptz }: PgMappedType): string {
  if (type.kind !== 'TIMESTAMP') return quoted;
  const text = `(${utcFromTimestamptz ? `(${quoted} AT TIME ZONE 'UTC')` : quoted})::text`;
  return `(CASE WHEN length(${text}) = 19 THEN ${text} || '.000000' ELSE rpad(${text}, 26, '0') END)`;
}

/** Whether the export's text of the column (exportExpression) is its canonical text. */
function exportIsCanonical(column: ChecksumColumn, mapped: PgMappedType): boolean {
  // PostgreSQL keeps microseconds at most: a contract's TIMESTAMP(7..12) is compared zero-filled,
  // which the staged text (six digits) is not.
  if (column.type.kind === 'TIMESTAMP') return mapped.type.kind === 'TIMESTAMP' && (column.type.fractionDigits ?? 6) <= 6;
  return outputIsCanonical(column, mapped);
}

function mappedOrUndefined(column: ChecksumColumn, facts: CatalogColumnFacts): PgMappedType | undefined {
  try {
    return mapPostgresType(facts.formatted, '', column.name);
  } catch {
    return undefined;
  }
}

function outputIsCanonical(column: ChecksumColumn, { type: source, utcFromTimestamptz }: PgMappedType): boolean {
  const wanted = column.type;
  if (utcFromTimestamptz) return false;
  if (integerKinds.has(wanted.kind)) return integerKinds.has(source.kind);
  if (textKinds.has(wanted.kind)) return textKinds.has(source.kind);
  switch (wanted.kind) {
    case 'DATE': return source.kind === 'DATE';
    case 'CHAR': return source.kind === 'CHAR' && column.padding !== 'trim';
    // A stored numeric(p,s) always prints s fraction digits; a wider source precision than the
    // contract's keeps the cast, whose overflow error names the value that does not fit.
    case 'DECIMAL': return source.kind === 'DECIMAL' && source.scale === (wanted.scale ?? 0) && (source.precision ?? 5) <= (wanted.precision ?? 5);
    default: return false;
  }
}
