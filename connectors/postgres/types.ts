import type { SourceType } from '../../contracts/source-types.js';
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
