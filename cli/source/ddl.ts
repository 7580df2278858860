import { tableKey, type TableContract } from '../../contracts/contract.js';
import { parseSourceType } from '../../contracts/source-types.js';
import { postgresType } from '../../core/sql/postgres-types.js';

/**
 * DDL for the demo source database: PostgreSQL dressed as the DB2 system of record. One schema per
 * contract `source.schema`, upper-case quoted names, DB2 types mapped to their closest PostgreSQL
 * twin (CHAR keeps its blank padding). No foreign-key constraints, as in many DB2 legacy systems;
 * the seed keeps the data consistent instead. Keys are added after the bulk load (faster than
 * maintaining the index row by row), and every table ends up with a key logical replication can use.
 */

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export const qualifiedSourceName = (table: TableContract): string => `${quoteIdent(table.source.schema)}.${quoteIdent(table.source.table)}`;

export { postgresType };

/** The table's key: its primary key, or the unique key of a legacy table without one. */
export function keyColumns(table: TableContract): readonly string[] {
  const key = tableKey(table);
  if (key.length === 0) throw new Error(`table ${table.source.schema}.${table.source.table} declares neither primaryKey nor uniqueKey — expected one of them`);
  return key;
}

export function createSchemaSql(schema: string): string {
  return `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`;
}

export function createTableSql(table: TableContract): string {
  const columns = table.columns.map((c) => `  ${quoteIdent(c.name)} ${postgresType(parseSourceType(c.type))}${c.nullable ? '' : ' NOT NULL'}`);
  return `CREATE TABLE ${qualifiedSourceName(table)} (\n${columns.join(',\n')}\n)`;
}

/**
 * The key, added once the rows are in. A table with only a unique key gets a unique index and uses
 * it as replica identity (its columns are NOT NULL, which PostgreSQL requires for that).
 */
export function keySql(table: TableContract): string[] {
  const name = table.source.table;
  const columns = keyColumns(table).map(quoteIdent).join(', ');
  if (table.primaryKey) return [`ALTER TABLE ${qualifiedSourceName(table)} ADD CONSTRAINT ${quoteIdent(`${name}_PK`)} PRIMARY KEY (${columns})`];
  const nullable = table.columns.filter((c) => keyColumns(table).includes(c.name) && c.nullable).map((c) => c.name);
  if (nullable.length > 0) throw new Error(`table ${table.source.schema}.${name}: unique key column(s) ${nullable.join(', ')} are nullable — expected NOT NULL so the index can serve as replica identity`);
  return [
    `CREATE UNIQUE INDEX ${quoteIdent(`${name}_UK`)} ON ${qualifiedSourceName(table)} (${columns})`,
    `ALTER TABLE ${qualifiedSourceName(table)} REPLICA IDENTITY USING INDEX ${quoteIdent(`${name}_UK`)}`,
  ];
}

/** A plain index on one column, for lookups the key does not serve (cascading deletes by BOOKING_ID). */
export function indexSql(table: TableContract, column: string): string {
  return `CREATE INDEX ${quoteIdent(`${table.source.table}_IX_${column}`)} ON ${qualifiedSourceName(table)} (${quoteIdent(column)})`;
}

/** Every statement for one table, in order: for reading and for tests. */
export function tableDdl(table: TableContract): string[] {
  return [createTableSql(table), ...keySql(table)];
}
