import type { ChecksumColumn } from './checksum.js';
import { md5Hex, md5Words } from './md5.js';

/**
 * The checksum's canonical row text computed in JS, for sources whose SQL cannot hash (DB2 read
 * through ibm_db). Accepts the shapes drivers hand back: strings (DB2 and pg text results, including
 * DB2's 'YYYY-MM-DD-HH.MM.SS.ffffff' timestamps and 'HH.MM.SS' times), numbers, bigints, booleans,
 * Dates (read as UTC), Buffers/Uint8Arrays. The canon itself is documented in checksum.ts.
 */

const NULL_MARKER = '\\N';
const SEPARATOR = '\x1f';

export function canonicalRowText(columns: ChecksumColumn[], values: unknown[]): string {
  if (values.length !== columns.length) {
    throw new Error(`canonicalRowText: expected ${columns.length} values (${columns.map((c) => c.name).join(', ')}), got ${values.length}`);
  }
  return columns.map((c, i) => canonicalValue(c, values[i])).join(SEPARATOR);
}

/** md5 of the UTF-8 text, first 15 hex digits as a 60-bit integer. */
export function rowHash(text: string): bigint {
  return BigInt(`0x${md5Hex(text).slice(0, 15)}`);
}

const encoder = new TextEncoder();

/**
 * The checksum of rows added one by one: the sum of their rowHash, without a BigInt or a hex text
 * per row. The 60 bits are added in two parts, as doubles, and moved into a BigInt before either
 * part can pass 2^53 (2^20 additions of at most 2^32).
 */
export class RowHashSum {
  rows = 0;
  private sum = 0n;
  private high = 0;
  private low = 0;
  private pending = 0;

  /** Adds the row whose canonical text is `text`. */
  addText(text: string): void {
    const bytes = encoder.encode(text);
    this.addBytes(bytes, 0, bytes.length);
  }

  /** Adds the row whose canonical text is bytes[start, end), each byte `from` read as `to` (md5Words). */
  addBytes(bytes: Uint8Array, start: number, end: number, from = -1, to = 0): void {
    const digest = md5Words(bytes, start, end, from, to);
    // The digest's first 15 hex digits: its first 32 bits and the next 28, read big-endian.
    this.high += byteSwapped(digest[0]!);
    this.low += byteSwapped(digest[1]!) >>> 4;
    this.rows++;
    if (++this.pending === FLUSH_EVERY) this.flush();
  }

  /**
   * Adds rows summed elsewhere (core/staged/staged-csv-hash.ts): `high` and `low` are the sums of
   * their digests' two parts as addBytes reads them.
   */
  addSums({ high, low, rows }: { high: bigint; low: bigint; rows: number }): void {
    this.sum += (high << 28n) + low;
    this.rows += rows;
  }

  /** The sum as decimal text, as the engines return it. */
  total(): string {
    this.flush();
    return this.sum.toString();
  }

  private flush(): void {
    this.sum += (BigInt(this.high) << 28n) + BigInt(this.low);
    this.high = 0;
    this.low = 0;
    this.pending = 0;
  }
}

const FLUSH_EVERY = 2 ** 20;

/** A little-endian digest word read as the big-endian number its bytes spell (the hex digits' order). */
function byteSwapped(word: number): number {
  return (((word & 0xff) << 24) | ((word & 0xff00) << 8) | ((word >>> 8) & 0xff00) | (word >>> 24)) >>> 0;
}

export function canonicalValue(column: ChecksumColumn, value: unknown): string {
  if (value === null || value === undefined) return NULL_MARKER;
  const t = column.type;
  switch (t.kind) {
    case 'SMALLINT': case 'INTEGER': case 'BIGINT': {
      const text = typeof value === 'string' ? value.trim() : String(value);
      if (CANONICAL_INTEGER.test(text)) return text;
      return /^-?\d+$/.test(text) ? BigInt(text).toString() : invalid(column, value, 'an integer');
    }
    case 'DECIMAL': {
      const scale = t.scale ?? 0;
      const text = typeof value === 'number' ? value.toFixed(scale) : String(value).trim();
      if (isCanonicalDecimal(text, scale)) return text;
      return fixedScale(text, scale) ?? invalid(column, value, `a decimal number with scale ${scale}`);
    }
    case 'DECFLOAT': return String(value);
    case 'REAL': return floatText(toNumber(value) ?? invalid(column, value, 'a number'), 8, true);
    case 'DOUBLE': return floatText(toNumber(value) ?? invalid(column, value, 'a number'), 16, false);
    case 'CHAR': case 'GRAPHIC': {
      const text = typeof value === 'string' ? value : invalid(column, value, 'a string');
      return column.padding === 'trim' ? text.replace(/ +$/, '') : text;
    }
    case 'VARCHAR': case 'VARGRAPHIC': case 'CLOB': case 'DBCLOB':
      return typeof value === 'string' ? value : invalid(column, value, 'a string');
    case 'DATE': {
      const text = value instanceof Date ? value.toISOString().slice(0, 10) : String(value).trim();
      return /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : invalid(column, value, 'a date YYYY-MM-DD');
    }
    case 'TIME': {
      const m = /^(\d{2})[:.](\d{2})[:.](\d{2})(?:\.(\d{1,6}))?$/.exec(String(value).trim()) ?? invalid(column, value, 'a time HH:MM:SS[.ffffff]');
      return `${m[1]}:${m[2]}:${m[3]}.${(m[4] ?? '').padEnd(6, '0')}`;
    }
    case 'TIMESTAMP': {
      const digits = Math.max(6, t.fractionDigits ?? 6);
      const text = value instanceof Date ? value.toISOString().replace('Z', '') : String(value).trim();
      const m = /^(\d{4}-\d{2}-\d{2})[ T-](\d{2})[:.](\d{2})[:.](\d{2})(?:\.(\d{1,12}))?$/.exec(text)
        ?? invalid(column, value, 'a timestamp YYYY-MM-DD HH:MM:SS[.fraction]');
      const fraction = m[5] ?? '';
      if (fraction.length > digits && /[1-9]/.test(fraction.slice(digits))) invalid(column, value, `at most ${digits} fraction digits`);
      return `${m[1]} ${m[2]}:${m[3]}:${m[4]}.${fraction.slice(0, digits).padEnd(digits, '0')}`;
    }
    case 'BOOLEAN': {
      if (value === true || value === 1 || value === 't' || value === 'true' || value === '1') return 't';
      if (value === false || value === 0 || value === 'f' || value === 'false' || value === '0') return 'f';
      return invalid(column, value, 'a boolean');
    }
    case 'BLOB': {
      if (value instanceof Uint8Array) return Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('');
      if (typeof value === 'string' && /^\\x([0-9a-fA-F]{2})*$/.test(value)) return value.slice(2).toLowerCase();
      return invalid(column, value, "bytes, or text '\\x' + hex");
    }
  }
}

// A plain function, not a closure per value: under tsx (esbuild keeps function names) every
// closure created costs a defineProperty call, which on the per-value path cost more than the work.
function invalid(column: ChecksumColumn, value: unknown, expected: string): never {
  throw new Error(`column ${column.name} (${column.type.kind}): expected ${expected}, got ${describe(value)}`);
}

// Texts that already are canonical, returned as they are (drivers hand most values back this way):
// no sign but a minus, no leading zero, no negative zero; a decimal with exactly its scale.
const CANONICAL_INTEGER = /^(?:0|-?[1-9]\d*)$/;
const CANONICAL_DECIMAL = /^-?(?:0|[1-9]\d*)\.(\d+)$/;

function isCanonicalDecimal(text: string, scale: number): boolean {
  if (scale === 0) return CANONICAL_INTEGER.test(text);
  const m = CANONICAL_DECIMAL.exec(text);
  return m !== null && m[1]!.length === scale && !(text.startsWith('-') && /^-0\.0*$/.test(text));
}

/** '12.5' with scale 2 → '12.50'; rounds half away from zero like numeric casts; null if not a number. */
function fixedScale(text: string, scale: number): string | undefined {
  const m = /^([+-])?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const negative = m[1] === '-';
  let digits = BigInt((m[2] || '0') + (m[3] ?? '').padEnd(scale, '0').slice(0, scale));
  if (Number((m[3] ?? '')[scale] ?? '0') >= 5) digits += 1n;
  let body = digits.toString().padStart(scale + 1, '0');
  if (scale > 0) body = `${body.slice(0, -scale)}.${body.slice(-scale)}`;
  return negative && digits !== 0n ? `-${body}` : body;
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value.trim().replace(/^(-?)inf(inity)?$/i, '$1Infinity'));
    return Number.isNaN(n) && !/^nan$/i.test(value.trim()) ? undefined : n;
  }
  return undefined;
}

/** C printf '%.{digits}e' of a double (REAL: of the float32 value), with the engines' specials. */
function floatText(n: number, digits: number, single: boolean): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  const x = single ? Math.fround(n) : n;
  const text = Math.abs(x).toExponential(digits);
  const [mantissa, exponent = '0'] = text.split('e');
  const exp = Number(exponent);
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  return `${typeof value} ${String(value)}`;
}
