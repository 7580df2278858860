import { parseSourceType } from '../../contracts/source-types.js';
import type { TableContract } from '../../contracts/contract.js';
import { ident, literal } from '../sql/duckdb.js';
import { duckDbColumnType } from '../warehouse-types.js';

/**
 * The staged file format: what source workers write (core/staged/csv.ts, or the database's own CSV
 * export) and the warehouse owner reads, whichever the warehouse. A change batch
 * (connectors/cdc/batch-file.ts) adds the columns of `changeColumns` after the contract's.
 *
 * - CSV per RFC 4180, UTF-8, no header, no BOM, one record per row terminated by `\n`, fields
 *   separated by `,`, columns in the contract's order (`ExportChunkInput.columns` of
 *   connectors/source/port.ts). Row order is unspecified.
 * - A field is quoted with `"` when it is the empty string or contains `,` `"` `\n` or `\r`; a `"`
 *   inside is doubled. Leading and trailing blanks are data (never trimmed).
 * - NULL is an empty unquoted field; the empty string is `""`. (DuckDB: `NULL ''`,
 *   `ALLOW_QUOTED_NULLS false`, `QUOTE '"'`, `ESCAPE '"'`, `HEADER false`.)
 * - DATE `YYYY-MM-DD`; TIME `HH:MM:SS[.ffffff]`; TIMESTAMP `YYYY-MM-DD HH:MM:SS[.ffffff]` with no
 *   time zone (PostgreSQL sessions run with `TimeZone=UTC`, `DateStyle=ISO`; `timestamptz` columns
 *   are exported as UTC wall-clock time). At most 6 fractional digits: DB2 TIMESTAMP(7..12) values
 *   are truncated (not rounded, so a value never moves to the next second or day) to microseconds,
 *   which is what DuckDB TIMESTAMP and BigQuery DATETIME hold.
 * - DECIMAL as plain text with exactly its scale (`-0.05`, `12.50000000`), never exponent notation.
 *   DECFLOAT as plain text too (exponents expanded); its NaN/Infinity spelled `NaN`, `Infinity`,
 *   `-Infinity`. DOUBLE/REAL as the shortest text that reads back to the same binary value
 *   (exponent notation allowed, e.g. `1e+21`).
 * - BOOLEAN `t` / `f`.
 * - Binary (BLOB, CHAR/VARCHAR FOR BIT DATA, bytea) as `\x` followed by lower-case hex, e.g.
 *   `\x00ff`. DuckDB's CSV reader does not decode this into BLOB by itself: load the column as
 *   VARCHAR and convert with `unhex(substr(v, 3))`.
 * - CHAR(n) / GRAPHIC(n) keep their trailing blanks exactly as the source stores them (PostgreSQL
 *   `character(n)` keeps them in COPY output; DB2 CLI returns them padded).
 * - Files are written to `<file>.part` and renamed to `<file>` only when complete, so a file that
 *   exists is whole.
 *
 * Both warehouses read a staged file with DuckDB's read_csv (the DuckDB warehouse directly, the
 * BigQuery warehouse to convert it to Parquet), so the reading SQL below is DuckDB SQL.
 */

type StagedColumn = TableContract['columns'][number];

/** The change metadata after the contract columns of a change batch, with the DuckDB type each is read as. */
export const changeColumns = [
  ['_op', 'VARCHAR'],
  ['_position', 'VARCHAR'],
  ['_source_ts_ms', 'BIGINT'],
  ['_kafka_partition', 'INTEGER'],
  ['_kafka_offset', 'BIGINT'],
  // Source columns the contract does not declare yet, as JSON: kept, reported, typed once declared.
  ['_extra', 'VARCHAR'],
] as const;

/** read_csv options for the staged format: every type given (no sniffing); "" stays the empty string. */
export const stagedCsvOptions = [
  'header = false', 'auto_detect = false', "delim = ','", `quote = '"'`, `escape = '"'`, "nullstr = ''",
  'allow_quoted_nulls = false', "encoding = 'utf-8'",
];

/** `'NAME': 'TYPE'` entries of read_csv's columns option: the type each staged field is read as. */
export function stagedCsvColumns(table: TableContract, readType: (c: StagedColumn) => string = stagedReadType): string[] {
  return table.columns.map((c) => `${literal(c.name)}: ${literal(readType(c))}`);
}

/** The type read_csv parses a staged field into (stagedValueSql turns it into the column's value). */
export function stagedReadType(c: StagedColumn): string {
  if (isBlob(c) || wideDecimal(c)) return 'VARCHAR';
  return duckDbColumnType(c);
}

/**
 * The column's value from its staged field, named as the column.
 * BLOBs arrive as '\x' + hex text: DuckDB's text→BLOB cast reads '\xAB' per byte, so they are read
 * as VARCHAR and unhexed. CHAR columns with padding 'trim' land right-trimmed. DuckDB parses text
 * into a DECIMAL wider than 18 digits (a 128-bit integer) slowly (measured: 4,000 DECIMAL(31,8)
 * values in 33 ms, 1.3 ms into DECIMAL(18,8)), so those are read as text and go through the
 * 64-bit decimal when the value fits it; widening it is exact, and other values take the wide cast.
 */
export function stagedValueSql(c: StagedColumn): string {
  const id = ident(c.name);
  if (isBlob(c)) return `unhex(substr(${id}, 3)) AS ${id}`;
  // The contract may ask raw to land CHAR values without their trailing blanks.
  if (c.padding === 'trim' && !c.warehouseType && ['CHAR', 'GRAPHIC'].includes(parseSourceType(c.type).kind)) return `rtrim(${id}, ' ') AS ${id}`;
  const wide = wideDecimal(c);
  if (wide) {
    const type = duckDbColumnType(c);
    return `coalesce(CAST(TRY_CAST(${id} AS DECIMAL(18,${wide.scale})) AS ${type}), CAST(${id} AS ${type})) AS ${id}`;
  }
  return id;
}

/** A DECIMAL column DuckDB stores as a 128-bit integer whose scale leaves room for a 64-bit fast path. */
function wideDecimal(c: StagedColumn): { scale: number } | undefined {
  const match = /^DECIMAL\((\d+),(\d+)\)$/.exec(duckDbColumnType(c));
  if (!match) return undefined;
  const [precision, scale] = [Number(match[1]), Number(match[2])];
  return precision > 18 && scale < 18 ? { scale } : undefined;
}

export function isBlob(c: StagedColumn): boolean {
  return !c.warehouseType && parseSourceType(c.type).kind === 'BLOB';
}

const DEFAULT_MAX_LINE = 2_000_000;

/** Worst-case staged line length from declared widths: UTF-8 (4 bytes a character), quotes doubled. */
export function maxLineBytes(table: TableContract): number {
  return table.columns.reduce((sum, c) => {
    const t = parseSourceType(c.type);
    if (t.kind === 'BLOB') return sum + 2 * (t.length ?? 0) + 3;
    if (t.length !== undefined) return sum + 8 * t.length + 3;
    return sum + 64;
  }, 0);
}

export interface ReadStagedInput {
  file: string;
  table: TableContract;
  /** The type each contract column is read as (default stagedReadType). */
  readType?: (c: StagedColumn) => string;
  /** Columns after the contract's, as [name, DuckDB type] (a change batch's changeColumns). */
  extra?: ReadonlyArray<readonly [string, string]>;
}

/**
 * `read_csv(…)` of one staged file, for a FROM clause. A larger max_line_size enlarges read_csv's
 * buffers and cuts its parallelism (measured: a third slower), so it is raised only when the
 * declared widths can exceed DuckDB's default (2,000,000 bytes).
 */
export function readStagedCsvSql({ file, table, readType, extra = [] }: ReadStagedInput): string {
  const columns = [...stagedCsvColumns(table, readType), ...extra.map(([n, t]) => `${literal(n)}: ${literal(t)}`)];
  const options = [...stagedCsvOptions];
  const widest = maxLineBytes(table);
  if (widest > DEFAULT_MAX_LINE) options.push(`max_line_size = ${widest}`);
  return `read_csv(${literal(file)}, columns = {${columns.join(', ')}}, ${options.join(', ')})`;
}

/**
 * DuckDB's CSV errors quote the offending line and value, which may hold personal data and can be
 * megabytes long; load errors travel into logs and workflow histories, so keep only where and why.
 */
export function redactCsvError(message: string): string {
  const kept = message.split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('Original Line:'))
    .map((line) => line.replace(/Could not convert string ".*?" to/g, 'Could not convert a value to'));
  const end = kept.findIndex((line) => /^(Possible (fixes|solutions)|Column .* is being converted)/.test(line));
  return (end === -1 ? kept.slice(0, 3) : kept.slice(0, end)).join('; ').slice(0, 500);
}
