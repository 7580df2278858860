import { duckDbColumnType } from '../warehouse-types.js';
import type { SqlDialect } from './dialect.js';
import { standardIdent, standardLiteral } from './standard.js';

/** DuckDB's SQL dialect: standard quoting, `"schema"."table"` paths. */

export const ident = standardIdent;
export const literal = standardLiteral;
export const qualified = (schema: string, name: string): string => `${ident(schema)}.${ident(name)}`;

export const duckdb: SqlDialect = {
  name: 'duckdb',
  ident,
  literal,
  path: (parts) => parts.map(ident).join('.'),
  textType: 'VARCHAR',
  columnType: duckDbColumnType,
};
