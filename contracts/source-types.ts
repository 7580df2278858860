import { PermanentError } from './errors.js';

/**
 * Source column types as DB2 spells them, parsed into a structured form that type mapping
 * (warehouse DDL, decoders, checksums) works from. One parser for contracts and discovery alike.
 */

export type SourceTypeKind =
  | 'SMALLINT' | 'INTEGER' | 'BIGINT'
  | 'DECIMAL' | 'DECFLOAT' | 'REAL' | 'DOUBLE'
  | 'CHAR' | 'VARCHAR' | 'GRAPHIC' | 'VARGRAPHIC'
  | 'DATE' | 'TIME' | 'TIMESTAMP'
  | 'BLOB' | 'CLOB' | 'DBCLOB' | 'BOOLEAN';

export interface SourceType {
  kind: SourceTypeKind;
  /** CHAR/VARCHAR/GRAPHIC/VARGRAPHIC/LOB length. */
  length?: number;
  /** DECIMAL precision (1..31) and scale; DECFLOAT precision (16 or 34). */
  precision?: number;
  scale?: number;
  /** TIMESTAMP fractional digits (0..12); DB2's default is 6. */
  fractionDigits?: number;
}

const aliases: Record<string, SourceTypeKind> = {
  INT: 'INTEGER', NUMERIC: 'DECIMAL', DEC: 'DECIMAL', FLOAT: 'DOUBLE', 'DOUBLE PRECISION': 'DOUBLE',
  CHARACTER: 'CHAR', 'CHARACTER VARYING': 'VARCHAR', 'CHAR VARYING': 'VARCHAR', BOOL: 'BOOLEAN',
};

const kinds = new Set<string>([
  'SMALLINT', 'INTEGER', 'BIGINT', 'DECIMAL', 'DECFLOAT', 'REAL', 'DOUBLE', 'CHAR', 'VARCHAR', 'GRAPHIC',
  'VARGRAPHIC', 'DATE', 'TIME', 'TIMESTAMP', 'BLOB', 'CLOB', 'DBCLOB', 'BOOLEAN',
]);

export class UnsupportedSourceTypeError extends PermanentError {
  constructor(readonly typeText: string) {
    super(`unsupported source type '${typeText}' (expected one of ${[...kinds].join(', ')}, with DB2 arguments such as DECIMAL(31,8) or TIMESTAMP(6))`);
  }
}

/** Parses 'DECIMAL(31,8)', 'CHAR(3)', 'TIMESTAMP(6)', 'VARCHAR(120)'… Throws UnsupportedSourceTypeError. */
export function parseSourceType(text: string): SourceType {
  const match = /^\s*([A-Za-z ]+?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/.exec(text);
  if (!match) throw new UnsupportedSourceTypeError(text);
  const word = match[1]!.toUpperCase().replace(/\s+/g, ' ');
  const kind = (aliases[word] ?? word) as SourceTypeKind;
  if (!kinds.has(kind)) throw new UnsupportedSourceTypeError(text);
  const a = match[2] === undefined ? undefined : Number(match[2]);
  const b = match[3] === undefined ? undefined : Number(match[3]);
  switch (kind) {
    case 'DECIMAL': {
      const precision = a ?? 5;
      const scale = b ?? 0;
      if (precision < 1 || precision > 31 || scale > precision) throw new UnsupportedSourceTypeError(text);
      return { kind, precision, scale };
    }
    case 'DECFLOAT': {
      const precision = a ?? 34;
      if (precision !== 16 && precision !== 34) throw new UnsupportedSourceTypeError(text);
      return { kind, precision };
    }
    case 'TIMESTAMP': {
      const fractionDigits = a ?? 6;
      if (fractionDigits > 12 || b !== undefined) throw new UnsupportedSourceTypeError(text);
      return { kind, fractionDigits };
    }
    case 'CHAR': case 'GRAPHIC':
      if (b !== undefined) throw new UnsupportedSourceTypeError(text);
      return { kind, length: a ?? 1 };
    case 'VARCHAR': case 'VARGRAPHIC': case 'BLOB': case 'CLOB': case 'DBCLOB':
      if (a === undefined || b !== undefined) throw new UnsupportedSourceTypeError(text);
      return { kind, length: a };
    default:
      if (a !== undefined) throw new UnsupportedSourceTypeError(text);
      return { kind };
  }
}

/** Canonical spelling, e.g. for drift messages: { kind: 'DECIMAL', precision: 9, scale: 2 } → 'DECIMAL(9,2)'. */
/** The parsed type, or undefined when the text does not parse (for checks that report it elsewhere). */
export function tryParseSourceType(text: string): SourceType | undefined {
  try {
    return parseSourceType(text);
  } catch {
    return undefined;
  }
}

export function formatSourceType(t: SourceType): string {
  if (t.kind === 'DECIMAL') return `DECIMAL(${t.precision},${t.scale})`;
  if (t.kind === 'DECFLOAT') return `DECFLOAT(${t.precision})`;
  if (t.kind === 'TIMESTAMP') return `TIMESTAMP(${t.fractionDigits})`;
  if (t.length !== undefined) return `${t.kind}(${t.length})`;
  return t.kind;
}
