import { checksumColumnsOf, checksumSelectList } from '../../core/checksum.js';
import { parseSourceType } from '../../contracts/source-types.js';
import { duckDbColumnType } from '../../core/warehouse-types.js';
import { tableKey, type TableContract } from '../../contracts/contract.js';

/** SQL text for the DuckDB warehouse adapter, kept apart from the connection handling. */

export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
export const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;
export const qualified = (schema: string, name: string): string => `${ident(schema)}.${ident(name)}`;

export const lineageColumns = [
  ['_source_system', 'VARCHAR'],
  ['_load_id', 'VARCHAR'],
  ['_loaded_at', 'TIMESTAMP'],
  ['_source_position', 'VARCHAR'],
] as const;

export function createLoadTableSql(target: string, table: TableContract): string {
  const columns = table.columns.map((c) => `${ident(c.name)} ${duckDbColumnType(c)}`);
  const lineage = lineageColumns.map(([name, type]) => `${ident(name)} ${type}`);
  return `CREATE TABLE IF NOT EXISTS ${target} (${[...columns, ...lineage].join(', ')})`;
}

/**
 * Bulk insert of one staged CSV file. read_csv gets every column type explicitly (no sniffing);
 * allow_quoted_nulls=false keeps "" as the empty string while an empty unquoted field is NULL.
 * Lineage values are the four trailing parameters.
 */
export function insertChunkSql(target: string, table: TableContract, file: string): string {
  const options = [...stagedCsvOptions];
  // A larger max_line_size enlarges read_csv's buffers and cuts its parallelism (measured: a third
  // slower), so it is raised only when the declared widths can exceed DuckDB's default (2,000,000 bytes).
  const widest = maxLineBytes(table);
  if (widest > DEFAULT_MAX_LINE) options.push(`max_line_size = ${widest}`);
  return `INSERT INTO ${target} SELECT ${table.columns.map(stagedValueSql).join(', ')}, ?, ?, CAST(? AS TIMESTAMP), ? `
    + `FROM read_csv(${literal(file)}, columns = {${stagedCsvColumns(table).join(', ')}}, ${options.join(', ')})`;
}

type StagedColumn = TableContract['columns'][number];

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

const DEFAULT_MAX_LINE = 2_000_000;

/** read_csv options for the staged CSV format (connectors/source/port.ts). */
export const stagedCsvOptions = [
  'header = false', 'auto_detect = false', "delim = ','", `quote = '"'`, `escape = '"'`, "nullstr = ''",
  'allow_quoted_nulls = false', "encoding = 'utf-8'",
];

/** Worst-case staged line length from declared widths: UTF-8 (4 bytes a character), quotes doubled. */
export function maxLineBytes(table: TableContract): number {
  return table.columns.reduce((sum, c) => {
    const t = parseSourceType(c.type);
    if (t.kind === 'BLOB') return sum + 2 * (t.length ?? 0) + 3;
    if (t.length !== undefined) return sum + 8 * t.length + 3;
    return sum + 64;
  }, 0);
}

export function isBlob(c: StagedColumn): boolean {
  return !c.warehouseType && parseSourceType(c.type).kind === 'BLOB';
}

/** Count and checksum of a table; `liveOnly` skips rows change capture marked deleted. */
export function statsSql(target: string, table: TableContract, liveOnly = false): string {
  return `SELECT ${checksumSelectList('duckdb', checksumColumnsOf(table))} FROM ${target}${liveOnly ? ' WHERE NOT coalesce("_deleted", false)' : ''}`;
}

export function keyColumns(table: TableContract): string[] {
  return tableKey(table);
}

export function duplicateKeysSql(target: string, table: TableContract): string | undefined {
  const key = keyColumns(table);
  if (key.length === 0) return undefined;
  const cols = key.map(ident).join(', ');
  return `SELECT count(*) FROM (SELECT 1 FROM ${target} GROUP BY ${cols} HAVING count(*) > 1)`;
}

export const controlTablesSql = [
  'CREATE SCHEMA IF NOT EXISTS _factory',
  // No constraints: the single writer queue serialises every change, and DuckDB's unique indexes
  // reject an update of a row inserted in the same transaction.
  `CREATE TABLE IF NOT EXISTS _factory.loads (load_table VARCHAR, domain VARCHAR, table_name VARCHAR,
     load_id VARCHAR, status VARCHAR, created_at TIMESTAMP, finished_at TIMESTAMP)`,
  `CREATE TABLE IF NOT EXISTS _factory.load_chunks (load_table VARCHAR, chunk_index INTEGER, row_count BIGINT,
     loaded_at TIMESTAMP)`,
  `CREATE TABLE IF NOT EXISTS _factory.cdc_offsets (consumer VARCHAR, topic VARCHAR, kafka_partition INTEGER,
     next_offset BIGINT, updated_at TIMESTAMP)`,
  `CREATE TABLE IF NOT EXISTS _factory.backfill_runs (domain VARCHAR, table_name VARCHAR, load_id VARCHAR,
     row_count BIGINT, checksum VARCHAR, duration_ms BIGINT, source_position VARCHAR, recorded_at TIMESTAMP)`,
];

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

/** UTC now as a DuckDB TIMESTAMP literal text (the session time zone must not leak into lineage). */
export function utcNowText(): string {
  return new Date().toISOString().replace('T', ' ').replace('Z', '');
}
