import { checksumColumnsOf, checksumSelectList } from '../../core/checksum.js';
import { duckDbColumnType } from '../../core/warehouse-types.js';
import { tableKey, type TableContract } from '../../contracts/contract.js';
import { ident } from '../../core/sql/duckdb.js';
import { readStagedCsvSql, stagedValueSql } from '../../core/staged/format.js';

/** SQL text for the DuckDB warehouse adapter, kept apart from the connection handling. */

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
  return `INSERT INTO ${target} SELECT ${table.columns.map(stagedValueSql).join(', ')}, ?, ?, CAST(? AS TIMESTAMP), ? `
    + `FROM ${readStagedCsvSql({ file, table })}`;
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

/** UTC now as a DuckDB TIMESTAMP literal text (the session time zone must not leak into lineage). */
export function utcNowText(): string {
  return new Date().toISOString().replace('T', ' ').replace('Z', '');
}
