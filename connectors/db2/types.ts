import type { SourceType } from '../../contracts/source-types.js';
import { UnsupportedColumnTypeError } from '../../core/errors.js';

/**
 * DB2 catalog column descriptions mapped to source types. The catalog queries (sql.ts) bring every
 * dialect's catalog (SYSCAT on LUW, SYSIBM on z/OS, QSYS2 on IBM i) into this one row shape.
 */
export interface Db2CatalogColumn {
  COLNAME: string;
  /** LUW TYPENAME, z/OS COLTYPE or IBM i DATA_TYPE (e.g. 'CHARACTER', 'TIMESTMP', 'VARG'). */
  TYPENAME: string;
  /** Length in characters/bytes; the precision for DECIMAL; bytes (8/16) for DECFLOAT and FLOAT. */
  LENGTH: number;
  /** Decimal scale, or fractional-second digits for TIMESTAMP. */
  SCALE: number;
  NULLABLE: string;
  /** 1 for FOR BIT DATA character columns. */
  BITDATA: number;
  /** Name of a user-defined (distinct/structured) type, null for built-ins. */
  USERTYPE: string | null;
}

/** Permanent: the column keeps its type however often the read is retried. */
function unsupportedDb2Type(where: string, column: string, typeText: string): UnsupportedColumnTypeError {
  return new UnsupportedColumnTypeError(`${where} column ${column}: DB2 type ${typeText} is not supported (supported: SMALLINT, INTEGER, BIGINT, DECIMAL/NUMERIC(p<=31), DECFLOAT(16|34), REAL, DOUBLE, CHAR, VARCHAR, GRAPHIC, VARGRAPHIC, LONG VARCHAR/VARGRAPHIC, FOR BIT DATA, BINARY, VARBINARY, DATE, TIME, TIMESTAMP(0..12), BLOB, CLOB, DBCLOB, BOOLEAN)`);
}

/** Catalog spellings of the three platforms, folded to one name. */
const aliases: Record<string, string> = {
  CHARACTER: 'CHAR', 'CHARACTER VARYING': 'VARCHAR', TIMESTMP: 'TIMESTAMP', VARG: 'VARGRAPHIC', LONGVAR: 'LONG VARCHAR',
  LONGVARG: 'LONG VARGRAPHIC', VARBIN: 'VARBINARY', NUMERIC: 'DECIMAL', INT: 'INTEGER', 'DOUBLE PRECISION': 'DOUBLE',
};

/** Maps one catalog row; `where` is 'SCHEMA.TABLE' for error messages. */
export function mapDb2Column(row: Db2CatalogColumn, where: string): SourceType {
  const raw = row.TYPENAME.trim().toUpperCase().replace(/\s+/g, ' ');
  const name = aliases[raw] ?? raw;
  const length = Number(row.LENGTH);
  const scale = Number(row.SCALE);
  const refuse = (): never => {
    throw unsupportedDb2Type(where, row.COLNAME, row.USERTYPE ? `${row.USERTYPE.trim()} (user-defined)` : `${raw}${length ? `(${length})` : ''}`);
  };
  if (row.USERTYPE) return refuse();
  const bitData = Number(row.BITDATA) === 1;
  switch (name) {
    case 'SMALLINT': case 'INTEGER': case 'BIGINT': case 'REAL': case 'DOUBLE': case 'DATE': case 'TIME': case 'BOOLEAN':
      return { kind: name };
    case 'FLOAT':
      // z/OS and IBM i record REAL as FLOAT(4 bytes) and DOUBLE as FLOAT(8 bytes).
      return length === 4 ? { kind: 'REAL' } : length === 8 ? { kind: 'DOUBLE' } : refuse();
    case 'DECIMAL':
      return length >= 1 && length <= 31 && scale >= 0 && scale <= length ? { kind: 'DECIMAL', precision: length, scale } : refuse();
    case 'DECFLOAT':
      return length === 8 ? { kind: 'DECFLOAT', precision: 16 } : length === 16 ? { kind: 'DECFLOAT', precision: 34 } : refuse();
    case 'TIMESTAMP':
      return scale >= 0 && scale <= 12 ? { kind: 'TIMESTAMP', fractionDigits: scale } : refuse();
    case 'CHAR': case 'VARCHAR': case 'LONG VARCHAR':
      // FOR BIT DATA holds bytes, not text: it travels as binary.
      if (bitData) return { kind: 'BLOB', length };
      return name === 'LONG VARCHAR' ? { kind: 'CLOB', length } : { kind: name, length };
    case 'GRAPHIC': case 'VARGRAPHIC': return { kind: name, length };
    case 'LONG VARGRAPHIC': return { kind: 'DBCLOB', length };
    case 'BINARY': case 'VARBINARY': case 'BLOB': return { kind: 'BLOB', length };
    case 'CLOB': case 'DBCLOB': return { kind: name, length };
    default: return refuse();
  }
}
