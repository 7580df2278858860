import { parseSourceType, type SourceType } from '../contracts/source-types.js';
import { ident as bigQueryIdent } from './sql/bigquery.js';
import type { WarehouseDialect } from './sql/dialect.js';
import { standardIdent } from './sql/standard.js';

/**
 * Cross-engine content checksum. Each row is rendered as a canonical text (below), its MD5's first
 * 15 hex digits are read as a 60-bit integer, and the integers are summed. A sum does not depend on
 * row order and adds across chunks, so source and warehouse can be compared chunk by chunk or whole,
 * in PostgreSQL, DuckDB, BigQuery, or in JS for sources whose SQL cannot hash (DB2 via ibm_db) and
 * from staged CSV bytes that already are the canonical text (core/staged/csv-checksum.ts).
 *
 * Canonical text of a column value (the same in every dialect and in canonicalRowText):
 *   NULL                  \N   (a text value that is literally '\N' collides with NULL; accepted)
 *   SMALLINT/INTEGER/BIGINT  decimal digits, '-' for negatives
 *   DECIMAL(p,s)          plain text with exactly s fraction digits, e.g. '-0.50', '7' for s = 0
 *   DECFLOAT              the stored text unchanged (warehouses keep it as text)
 *   REAL                  9 significant digits, C printf '%.8e'  (e.g. '3.14159012e+00')
 *   DOUBLE                17 significant digits, '%.16e' (unique per double); 'NaN', 'Infinity', '-Infinity'
 *   CHAR/GRAPHIC          the value with its padding (contract padding 'keep'), or right-trimmed ('trim')
 *   VARCHAR/…/CLOB        the text unchanged
 *   DATE                  YYYY-MM-DD
 *   TIME                  HH:MM:SS.ffffff
 *   TIMESTAMP(f)          YYYY-MM-DD HH:MM:SS.ffffff for f ≤ 6, else exactly f fraction digits
 *   BOOLEAN               t / f
 *   BLOB                  lower-case hex, no prefix
 * Columns are joined with chr(31) (unit separator).
 */

/** The warehouses, and the sources whose SQL computes the checksum too. */
export type Dialect = WarehouseDialect | 'postgres' | 'db2';

export interface ChecksumColumn {
  name: string;
  type: SourceType;
  /** CHAR/GRAPHIC only: compare with the padding kept (default) or trailing blanks trimmed. */
  padding?: 'keep' | 'trim';
  /**
   * Set by a source that knows the column is never NULL and that its engine's own text output of a
   * value is already the canonical text (see plainTextColumns in connectors/postgres). PostgreSQL
   * then hashes the column as it is, without the NULL test and the cast: a fifth less CPU for the
   * source's checksum of an all-plain table; when every exported column is plain, the PostgreSQL
   * source hashes the COPY's own bytes instead (core/staged/csv-checksum.ts). The other dialects
   * ignore it.
   */
  plainText?: boolean;
}

/** The checksum columns of a table contract: every column, its parsed type and padding rule. */
export function checksumColumnsOf(table: { columns: ReadonlyArray<{ name: string; type: string; padding?: 'keep' | 'trim' }> }): ChecksumColumn[] {
  return table.columns.map((c) => ({ name: c.name, type: parseSourceType(c.type), padding: c.padding }));
}

export const NULL_MARKER = '\\N';
export const COLUMN_SEPARATOR = '\x1f';

export class ChecksumDialectError extends Error {
  constructor(readonly dialect: Dialect) {
    super(`checksum SQL for dialect '${dialect}' is not available: compute it in JS with canonicalRowText/rowHash`);
    this.name = 'ChecksumDialectError';
  }
}

/** Select list `count(*) AS row_count, <sum> AS checksum`; checksum is returned as decimal text. On BigQuery, use checksumQuery. */
export function checksumSelectList(dialect: Dialect, columns: ChecksumColumn[]): string {
  return `count(*) AS row_count, ${sumOfHashes(dialect, rowTextSql(dialect, columns))} AS checksum`;
}

/**
 * The whole query `SELECT row_count, checksum FROM <from>` (`from` may end with a WHERE clause).
 * On BigQuery the row text is built in two subqueries, from groups of at most 8 columns, and hashed
 * outside them: the emulator returns no row at all (an aggregate must give one) once one expression
 * concatenates about 19 rendered columns (a published booking.booking has 19); every group size up
 * to 12 gave the same checksum on 24 and 40 columns.
 */
export function checksumQuery(dialect: Dialect, columns: ChecksumColumn[], from: string): string {
  if (dialect !== 'bigquery') return `SELECT ${checksumSelectList(dialect, columns)} FROM ${from}`;
  const parts = renderedParts(dialect, columns);
  const groups: string[] = [];
  for (let i = 0; i < parts.length; i += 8) groups.push(`${parts.slice(i, i + 8).join(` || ${separator} || `)} AS _g${groups.length}`);
  const rowText = groups.map((_, i) => `_g${i}`).join(` || ${separator} || `);
  return `SELECT count(*) AS row_count, ${sumOfHashes(dialect, '_row_text')} AS checksum FROM (SELECT ${rowText} AS _row_text FROM (SELECT ${groups.join(', ')} FROM ${from}))`;
}

// chr(31) in every dialect: the emulator keeps a '\x1f' escape literally inside a concatenation.
const separator = 'chr(31)';

/** The canonical text of a row (see above) as a SQL expression. */
function rowTextSql(dialect: Dialect, columns: ChecksumColumn[]): string {
  const parts = renderedParts(dialect, columns);
  if (dialect === 'postgres' && columns.some((c) => c.plainText)) return postgresConcat(parts);
  // DuckDB joins the parts in one concat call with the separators as arguments: half the CPU of ||
  // and a sixth less than concat_ws (measured on 3M 16-column rows: 3.1, 1.6, 1.3 s); no part is
  // NULL, so concat (which skips NULLs) joins exactly the same text.
  return dialect === 'duckdb' ? `concat(${parts.join(`, ${separator}, `)})` : parts.join(` || ${separator} || `);
}

/** Each column's canonical text, NULL as its marker. */
function renderedParts(dialect: Dialect, columns: ChecksumColumn[]): string[] {
  if (columns.length === 0) throw new Error('checksum SQL: expected at least one column');
  const render = renderers[dialect];
  if (!render) throw new ChecksumDialectError(dialect);
  const nullMarker = dialect === 'bigquery' ? `'\\\\N'` : `'\\N'`;
  return columns.map((c) => {
    const id = quoteIdent(dialect, c.name);
    if (dialect === 'postgres' && c.plainText) return id;
    return `(CASE WHEN ${id} IS NULL THEN ${nullMarker} ELSE ${render(id, c)} END)`;
  });
}

/**
 * concat_ws renders a plain column through its type's output function (no NULL part reaches it, so
 * it joins exactly what || would). PostgreSQL passes at most 100 arguments to a function: wider
 * rows are joined from groups.
 */
function postgresConcat(parts: string[]): string {
  if (parts.length <= POSTGRES_CONCAT_GROUP) return `concat_ws(${separator}, ${parts.join(', ')})`;
  const groups: string[] = [];
  for (let i = 0; i < parts.length; i += POSTGRES_CONCAT_GROUP) groups.push(postgresConcat(parts.slice(i, i + POSTGRES_CONCAT_GROUP)));
  return postgresConcat(groups);
}
const POSTGRES_CONCAT_GROUP = 90;

function sumOfHashes(dialect: Dialect, rowText: string): string {
  switch (dialect) {
    case 'postgres':
      return `coalesce(sum(('x0' || substr(md5(${rowText}), 1, 15))::bit(64)::bigint), 0)::text`;
    case 'duckdb': {
      // md5_number reads the digest as a little-endian 128-bit integer: its low 64 bits, byte-swapped,
      // are the digest's first 8 bytes big-endian, and >> 4 keeps their first 15 hex digits. Half the
      // CPU of the hex text (measured on 2M rows: 222 vs 420 ms); DuckDB computes the repeated
      // md5_number once (common subexpressions).
      const low = `CAST(md5_number(${rowText}) & CAST(18446744073709551615 AS UHUGEINT) AS UBIGINT)`;
      const swapped = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => `(((${low} >> ${8 * i}) & 255) << ${8 * (7 - i)})`).join(' | ');
      return `CAST(coalesce(sum(CAST((${swapped}) >> 4 AS BIGINT)), 0) AS VARCHAR)`;
    }
    case 'bigquery':
      // SUM(INT64) raises on overflow past 2^63; BIGNUMERIC holds any realistic sum of 60-bit values.
      // The text is cut at a '.': BigQuery renders an integral BIGNUMERIC without one, the emulator
      // (DuckDB decimals) with zero fraction digits.
      return `SPLIT(CAST(COALESCE(SUM(CAST(CAST(CONCAT('0x', SUBSTR(TO_HEX(MD5(${rowText})), 1, 15)) AS INT64) AS BIGNUMERIC)), 0) AS STRING), '.')[OFFSET(0)]`;
    default:
      throw new ChecksumDialectError(dialect);
  }
}

type Renderer = (id: string, column: ChecksumColumn) => string;

function fractionDigits(t: SourceType): number {
  return Math.max(6, t.fractionDigits ?? 6);
}

const postgres: Renderer = (id, { type: t, padding }) => {
  switch (t.kind) {
    case 'DECIMAL': return `(${id})::numeric(${t.precision ?? 5},${t.scale ?? 0})::text`;
    case 'REAL': return floatSql(id, `ltrim(to_char((${id})::float4, '9.99999999EEEE'))`, 'postgres');
    case 'DOUBLE': return floatSql(id, `ltrim(to_char((${id})::float8, '9.9999999999999999EEEE'))`, 'postgres');
    // concat() renders through the type's output function, which keeps bpchar padding (::text strips it).
    case 'CHAR': case 'GRAPHIC': return padding === 'trim' ? `rtrim(concat(${id}), ' ')` : `concat(${id})`;
    // The text output under DateStyle ISO (our sessions set it) is the canonical form, and cheaper than to_char.
    case 'DATE': return `(${id})::text`;
    case 'TIME': return `to_char(${id}, 'HH24:MI:SS.US')`;
    case 'TIMESTAMP': {
      // PostgreSQL stops at microseconds: wider source precisions compare with zero-filled digits.
      const extra = fractionDigits(t) - 6;
      // ISO text output drops trailing fraction zeros; padding it back costs less than to_char.
      const text = `((${id})::timestamp::text)`;
      return `(CASE WHEN length(${text}) = 19 THEN ${text} || '.000000' ELSE rpad(${text}, 26, '0') END)${extra > 0 ? ` || '${'0'.repeat(extra)}'` : ''}`;
    }
    case 'BOOLEAN': return `(CASE WHEN ${id} THEN 't' ELSE 'f' END)`;
    case 'BLOB': return `encode(${id}, 'hex')`;
    default: return `(${id})::text`;
  }
};

const duckdb: Renderer = (id, { type: t, padding }) => {
  switch (t.kind) {
    case 'DECIMAL': return `CAST(CAST(${id} AS DECIMAL(${t.precision ?? 5},${t.scale ?? 0})) AS VARCHAR)`;
    case 'REAL': return floatSql(id, `printf('%.8e', CAST(${id} AS FLOAT))`, 'duckdb');
    case 'DOUBLE': return floatSql(id, `printf('%.16e', CAST(${id} AS DOUBLE))`, 'duckdb');
    case 'CHAR': case 'GRAPHIC': return padding === 'trim' ? `rtrim(CAST(${id} AS VARCHAR), ' ')` : `CAST(${id} AS VARCHAR)`;
    // The cast writes YYYY-MM-DD (years below 1000 zero-padded) in half the time strftime takes.
    case 'DATE': return `CAST(CAST(${id} AS DATE) AS VARCHAR)`;
    case 'TIME': return padFraction(`CAST(CAST(${id} AS TIME) AS VARCHAR)`, 8, 6);
    case 'TIMESTAMP': {
      const f = fractionDigits(t);
      if (f === 6) return `strftime(CAST(${id} AS TIMESTAMP), '%Y-%m-%d %H:%M:%S.%f')`;
      if (f <= 9) return `left(strftime(CAST(${id} AS TIMESTAMP_NS), '%Y-%m-%d %H:%M:%S.%n'), ${20 + f})`;
      // TIMESTAMP(10..12) is kept as text; only the zero padding of the fraction is normalised.
      return padFraction(`replace(CAST(${id} AS VARCHAR), 'T', ' ')`, 19, f);
    }
    case 'BOOLEAN': return `(CASE WHEN ${id} THEN 't' ELSE 'f' END)`;
    case 'BLOB': return `lower(hex(${id}))`;
    default: return `CAST(${id} AS VARCHAR)`;
  }
};

/**
 * BigQuery SQL written to the same canon; run against the bqemulator emulator (connectors/bigquery
 * tests), not yet against BigQuery itself.
 */
const bigquery: Renderer = (id, { type: t, padding }) => {
  switch (t.kind) {
    case 'DECIMAL': return bigQueryDecimalText(id, t.scale ?? 0);
    case 'REAL': return floatSql(id, `FORMAT('%.8e', ${id})`, 'bigquery');
    case 'DOUBLE': return floatSql(id, `FORMAT('%.16e', ${id})`, 'bigquery');
    case 'CHAR': case 'GRAPHIC': return padding === 'trim' ? `RTRIM(${id}, ' ')` : `CAST(${id} AS STRING)`;
    // CAST, not FORMAT_DATE('%Y-%m-%d'): the emulator writes year 1 as '1', not '0001'.
    case 'DATE': return `CAST(${id} AS STRING)`;
    case 'TIME': return `FORMAT_TIME('%H:%M:%E6S', ${id})`;
    case 'TIMESTAMP': {
      const f = fractionDigits(t);
      if (f === 6) return `FORMAT_DATETIME('%Y-%m-%d %H:%M:%E6S', ${id})`;
      return padFraction(`REPLACE(CAST(${id} AS STRING), 'T', ' ')`, 19, f);
    }
    case 'BOOLEAN': return `IF(${id}, 't', 'f')`;
    case 'BLOB': return `TO_HEX(${id})`;
    default: return `CAST(${id} AS STRING)`;
  }
};

/**
 * A NUMERIC/BIGNUMERIC as plain text with exactly `scale` fraction digits. FORMAT('%.8f') would be
 * shorter, but the emulator formats through a double (23-digit amounts came back rounded), so the
 * exact CAST text is padded or cut instead: BigQuery writes '7' and '-0.5', the emulator '7.000000000'.
 * The stored value has at most `scale` fraction digits, so cutting drops zeros only.
 */
function bigQueryDecimalText(id: string, scale: number): string {
  const text = `CAST(${id} AS STRING)`;
  if (scale === 0) return `SPLIT(${text}, '.')[OFFSET(0)]`;
  // SUBSTR of a zero-padded text, not RPAD: the emulator's RPAD takes no INT64 length.
  return `IF(STRPOS(${text}, '.') = 0, CONCAT(${text}, '.${'0'.repeat(scale)}'), SUBSTR(CONCAT(${text}, '${'0'.repeat(scale)}'), 1, STRPOS(${text}, '.') + ${scale}))`;
}

const renderers: Partial<Record<Dialect, Renderer>> = { postgres, duckdb, bigquery };

function floatSql(id: string, finite: string, dialect: Dialect): string {
  const [nan, inf] = dialect === 'postgres' ? [`${id} = 'NaN'`, `'Infinity'`]
    : dialect === 'duckdb' ? [`isnan(${id})`, `'inf'`] : [`IS_NAN(${id})`, `'inf'`];
  const double = dialect === 'bigquery' ? 'FLOAT64' : 'DOUBLE PRECISION';
  return `(CASE WHEN ${nan} THEN 'NaN' WHEN ${id} = CAST(${inf} AS ${double}) THEN 'Infinity' `
    + `WHEN ${id} = -CAST(${inf} AS ${double}) THEN '-Infinity' ELSE ${finite} END)`;
}

/** Zero-fills the fraction of a text '…SS[.fff]' whose seconds end at `width` to exactly `digits`. */
function padFraction(text: string, width: number, digits: number): string {
  return `(CASE WHEN length(${text}) > ${width} THEN rpad(${text}, ${width + 1 + digits}, '0') ELSE ${text} || '.${'0'.repeat(digits)}' END)`;
}

function quoteIdent(dialect: Dialect, name: string): string {
  return dialect === 'bigquery' ? bigQueryIdent(name) : standardIdent(name);
}

/** Adds two checksums given as decimal text (the engines return sums beyond 2^53). */
export function addChecksums(a: string, b: string): string {
  return (parseChecksum(a) + parseChecksum(b)).toString();
}

function parseChecksum(value: string): bigint {
  if (!/^-?\d+$/.test(value)) throw new Error(`checksum '${value}' is not a decimal integer`);
  return BigInt(value);
}

export { canonicalRowText, canonicalValue, rowHash, RowHashSum } from './canonical-text.js';
