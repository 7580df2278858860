import { formatSourceType, type SourceType } from '../../contracts/source-types.js';

/**
 * Writing values in the staged CSV format (format.ts) from JavaScript values, for exporters that
 * cannot have the database write CSV itself (DB2 through ibm_db). Pure functions, no I/O.
 */

export class CsvValueError extends Error {
  constructor(type: SourceType, value: unknown, expected: string, column?: string) {
    const shown = typeof value === 'string' ? `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'` : typeof value;
    super(`${column ? `column ${column} ` : ''}(${formatSourceType(type)}): cannot write ${shown} to staged CSV, expected ${expected}`);
    this.name = 'CsvValueError';
  }
}

const needsQuotes = /[",\n\r]/;

/** A text field: quoted when empty (so it differs from NULL) or when it holds a delimiter, quote or line break. */
export function quoteCsvText(text: string): string {
  if (text.length === 0) return '""';
  return needsQuotes.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Expands `1.5E+3` / `-2e-4` into plain digits; text without an exponent passes through (trimmed). */
export function expandExponent(text: string): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?[eE]([+-]?\d+)$/.exec(text.trim());
  if (!m) return text.trim();
  const [, sign, whole = '', frac = '', expText] = m;
  let digits = whole + frac;
  let point = whole.length + Number(expText);
  while (digits.length > 1 && digits.startsWith('0')) {
    digits = digits.slice(1);
    point--;
  }
  if (/^0*$/.test(digits)) return '0';
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return `${sign === '-' ? '-' : ''}${out}`;
}

/**
 * Plain decimal text with exactly `scale` fractional digits. Accepts DB2 renderings such as
 * '.5', '-000012.50 ', '12,50' (comma decimal point) and exponent forms. Refuses to drop non-zero
 * digits: rounding would silently change the data.
 */
export function normalizeDecimal(raw: string, scale: number): string | null {
  const plain = expandExponent(raw.trim().replace(',', '.'));
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(plain);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const [, sign, whole = '', frac = ''] = m;
  if (frac.length > scale && /[1-9]/.test(frac.slice(scale))) return null;
  const intPart = whole.replace(/^0+(?=\d)/, '') || '0';
  const fracPart = frac.slice(0, scale).padEnd(scale, '0');
  const negative = sign === '-' && /[1-9]/.test(intPart + fracPart);
  return `${negative ? '-' : ''}${intPart}${scale > 0 ? `.${fracPart}` : ''}`;
}

/** Shortest text that reads back to the same float32 (REAL) value. */
export function formatReal(value: number): string {
  if (!Number.isFinite(value)) return formatNonFinite(value);
  const f = Math.fround(value);
  for (let p = 1; p <= 9; p++) {
    const s = Number(f.toPrecision(p));
    if (Math.fround(s) === f) return String(s);
  }
  return String(f);
}

function formatNonFinite(value: number): string {
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** DB2 spells times 'HH.MM.SS' (ISO) or 'HH:MM:SS' (JIS); both become 'HH:MM:SS'. */
export function normalizeTime(raw: string): string | null {
  const m = /^(\d{2})[.:](\d{2})[.:](\d{2})(?:\.(\d+))?$/.exec(raw.trim());
  if (!m) return null;
  return `${m[1]}:${m[2]}:${m[3]}${fraction(m[4])}`;
}

/** Fractional seconds as given, cut to microseconds (see the staged format in format.ts). */
function fraction(digits: string | undefined): string {
  return digits ? `.${digits.slice(0, 6)}` : '';
}

/**
 * Accepts DB2's 'YYYY-MM-DD-HH.MM.SS.ffffffffffff', ISO 'YYYY-MM-DD HH:MM:SS.ffffff' and
 * 'YYYY-MM-DDTHH:MM:SS'; writes 'YYYY-MM-DD HH:MM:SS[.ffffff]', truncating beyond microseconds.
 */
export function normalizeTimestamp(raw: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})[- T](\d{2})[.:](\d{2})[.:](\d{2})(?:[.,](\d+))?$/.exec(raw.trim());
  if (!m) return null;
  return `${m[1]} ${m[2]}:${m[3]}:${m[4]}${fraction(m[5])}`;
}

function dateFromJs(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function timestampFromJs(d: Date): string {
  const ms = d.getUTCMilliseconds();
  return `${dateFromJs(d)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ''}`;
}

function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

/**
 * One field of the staged CSV format for a value of the given source type. NULL (null/undefined)
 * becomes an empty unquoted field. JavaScript Dates are read in UTC. Throws CsvValueError naming
 * the column when the value does not fit the type.
 */
export function formatCsvValue(type: SourceType, value: unknown, column?: string): string {
  if (value === null || value === undefined) return '';
  switch (type.kind) {
    case 'SMALLINT': case 'INTEGER': case 'BIGINT':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return String(BigInt(value.trim()));
      return cannotWrite(type, value, column, 'an integer');
    case 'DECIMAL': {
      const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? String(value) : cannotWrite(type, value, column, 'decimal text');
      return normalizeDecimal(text, type.scale ?? 0) ?? cannotWrite(type, value, column, `a decimal with at most ${type.scale ?? 0} fractional digits`);
    }
    case 'DECFLOAT': {
      if (typeof value === 'number') return Number.isFinite(value) ? expandExponent(String(value)) : formatNonFinite(value);
      if (typeof value !== 'string') return cannotWrite(type, value, column, 'decimal text');
      const t = value.trim();
      const special = /^([+-]?)s?(nan|inf|infinity)$/i.exec(t);
      if (special) return /nan/i.test(special[2]!) ? 'NaN' : special[1] === '-' ? '-Infinity' : 'Infinity';
      const plain = expandExponent(t.replace(',', '.'));
      return /^[+-]?\d+(\.\d+)?$/.test(plain) ? plain.replace(/^\+/, '') : cannotWrite(type, value, column, 'decimal text');
    }
    case 'REAL': case 'DOUBLE': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
      if (typeof value !== 'number' && Number.isNaN(n)) return cannotWrite(type, value, column, 'a number');
      if (!Number.isFinite(n)) return formatNonFinite(n);
      return type.kind === 'REAL' ? formatReal(n) : String(n);
    }
    case 'CHAR': case 'VARCHAR': case 'GRAPHIC': case 'VARGRAPHIC': case 'CLOB': case 'DBCLOB':
      return typeof value === 'string' ? quoteCsvText(value) : cannotWrite(type, value, column, 'text');
    case 'BLOB':
      return isBytes(value) ? `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}` : cannotWrite(type, value, column, 'bytes (Buffer)');
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value ? 't' : 'f';
      if (value === 1 || value === 0) return value === 1 ? 't' : 'f';
      if (typeof value === 'string') {
        const t = value.trim().toLowerCase();
        if (['1', 't', 'true', 'y', 'yes'].includes(t)) return 't';
        if (['0', 'f', 'false', 'n', 'no'].includes(t)) return 'f';
      }
      return cannotWrite(type, value, column, 'a boolean');
    case 'DATE':
      if (value instanceof Date) return dateFromJs(value);
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? value.trim() : cannotWrite(type, value, column, "a date 'YYYY-MM-DD'");
    case 'TIME':
      return (typeof value === 'string' ? normalizeTime(value) : null) ?? cannotWrite(type, value, column, "a time 'HH:MM:SS' or 'HH.MM.SS'");
    case 'TIMESTAMP':
      if (value instanceof Date) return timestampFromJs(value);
      return (typeof value === 'string' ? normalizeTimestamp(value) : null) ?? cannotWrite(type, value, column, "a timestamp 'YYYY-MM-DD-HH.MM.SS.ffffff'");
  }
}

// A plain function, not a closure per value: under tsx (esbuild keeps function names) every
// closure created costs a defineProperty call, which on the per-value path cost more than the work.
function cannotWrite(type: SourceType, value: unknown, column: string | undefined, expected: string): never {
  throw new CsvValueError(type, value, expected, column);
}

/** One staged CSV record (with its line break) from a row of values in column order. */
export function formatCsvRow(types: readonly SourceType[], values: readonly unknown[], columns?: readonly string[]): string {
  let line = '';
  for (let i = 0; i < types.length; i++) {
    if (i > 0) line += ',';
    line += formatCsvValue(types[i]!, values[i], columns?.[i]);
  }
  return `${line}\n`;
}

/**
 * Counts CSV records in a byte stream fed chunk by chunk: line feeds outside quoted fields. A quote
 * toggles the quoted state and a doubled quote toggles it twice, so escapes need no special case.
 */
export class CsvRecordCounter {
  records = 0;
  private quoted = false;

  push(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let i = 0;
    while (i < buf.length) {
      if (this.quoted) {
        const q = buf.indexOf(0x22, i);
        if (q < 0) return;
        this.quoted = false;
        i = q + 1;
        continue;
      }
      const q = buf.indexOf(0x22, i);
      const end = q < 0 ? buf.length : q;
      let nl = buf.indexOf(0x0a, i);
      while (nl >= 0 && nl < end) {
        this.records++;
        nl = buf.indexOf(0x0a, nl + 1);
      }
      if (q < 0) return;
      this.quoted = true;
      i = q + 1;
    }
  }
}
