import { checksumSelectList, type ChecksumColumn } from '../../core/checksum.js';
import { parseSourceType } from '../../core/source-types.js';
import { duckDbColumnType } from '../../core/warehouse-types.js';
import type { TableContract } from '../../domains/contract.js';

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
 * BLOBs arrive as '\x' + hex text: DuckDB's text→BLOB cast reads '\xAB' per byte, so they are read
 * as VARCHAR and unhexed. CHAR columns with padding 'trim' land right-trimmed. Lineage values are the four trailing parameters.
 */
export function insertChunkSql(target: string, table: TableContract, file: string): string {
  const csvColumns = table.columns.map((c) => `${literal(c.name)}: ${literal(isBlob(c) ? 'VARCHAR' : duckDbColumnType(c))}`);
  const select = table.columns.map((c) => {
    if (isBlob(c)) return `unhex(substr(${ident(c.name)}, 3))`;
    // The contract may ask raw to land CHAR values without their trailing blanks.
    if (c.padding === 'trim' && !c.warehouseType && ['CHAR', 'GRAPHIC'].includes(parseSourceType(c.type).kind)) return `rtrim(${ident(c.name)}, ' ')`;
    return ident(c.name);
  });
  const options = [
    'header = false', 'auto_detect = false', "delim = ','", `quote = '"'`, `escape = '"'`, "nullstr = ''",
    'allow_quoted_nulls = false', "encoding = 'utf-8'", 'max_line_size = 67108864',
  ];
  return `INSERT INTO ${target} SELECT ${select.join(', ')}, ?, ?, CAST(? AS TIMESTAMP), ? `
    + `FROM read_csv(${literal(file)}, columns = {${csvColumns.join(', ')}}, ${options.join(', ')})`;
}

function isBlob(c: TableContract['columns'][number]): boolean {
  return !c.warehouseType && parseSourceType(c.type).kind === 'BLOB';
}

export function checksumColumns(table: TableContract): ChecksumColumn[] {
  return table.columns.map((c) => ({ name: c.name, type: parseSourceType(c.type), padding: c.padding }));
}

export function statsSql(target: string, table: TableContract): string {
  return `SELECT ${checksumSelectList('duckdb', checksumColumns(table))} FROM ${target}`;
}

export function keyColumns(table: TableContract): string[] {
  return table.primaryKey ?? table.uniqueKey ?? [];
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
  `CREATE TABLE IF NOT EXISTS _factory.backfill_runs (domain VARCHAR, table_name VARCHAR, load_id VARCHAR,
     row_count BIGINT, checksum VARCHAR, duration_ms BIGINT, source_position VARCHAR, recorded_at TIMESTAMP)`,
];

/** UTC now as a DuckDB TIMESTAMP literal text (the session time zone must not leak into lineage). */
export function utcNowText(): string {
  return new Date().toISOString().replace('T', ' ').replace('Z', '');
}
