import { bigquery } from './bigquery.js';
import { duckdb } from './duckdb.js';
import type { SqlDialect, WarehouseDialect } from './dialect.js';

export type { SqlDialect, WarehouseDialect } from './dialect.js';

const dialects: Record<WarehouseDialect, SqlDialect> = { duckdb, bigquery };

/** The dialect module of a warehouse, for SQL generators that serve both. */
export const sqlDialect = (name: WarehouseDialect): SqlDialect => dialects[name];
