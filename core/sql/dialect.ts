import type { MappableColumn } from '../warehouse-types.js';

/**
 * The SQL dialect of a warehouse: how it quotes names and strings and names its types. One module
 * per warehouse (duckdb.ts, bigquery.ts) writes each rule once; everything that generates SQL for a
 * warehouse (the adapters in connectors/, quality checks, qualified views, checksums) uses them.
 */

/** The warehouses SQL is generated for: FACTORY_WAREHOUSE's values. */
export type WarehouseDialect = 'duckdb' | 'bigquery';

export interface SqlDialect {
  readonly name: WarehouseDialect;
  /** A name (column, table, schema) quoted. */
  ident(name: string): string;
  /** A string literal. */
  literal(text: string): string;
  /** A table path from its parts (schema and table, or project, dataset and table). */
  path(parts: readonly string[]): string;
  /** The text type's name. */
  readonly textType: string;
  /** The column type a contract column lands as (core/warehouse-types.ts). */
  columnType(column: MappableColumn): string;
}
