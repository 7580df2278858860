import type { SourceType } from '../../contracts/source-types.js';
import { parseSourceType } from '../../contracts/source-types.js';
import { bigQueryColumnType, duckDbColumnType, isTextFallback } from '../warehouse-types.js';

/** The warehouses quality SQL is generated for. */
export type QualityDialect = 'duckdb' | 'bigquery';

/** A column name quoted for the dialect: "NAME" in DuckDB, `NAME` in BigQuery. */
export function quoteIdent(dialect: QualityDialect, name: string): string {
  return dialect === 'bigquery' ? `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\`` : `"${name.replace(/"/g, '""')}"`;
}

/** A string literal: standard SQL quoting in DuckDB; BigQuery strings escape with backslashes. */
export function stringLiteral(dialect: QualityDialect, text: string): string {
  return dialect === 'bigquery'
    ? `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`
    : `'${text.replace(/'/g, "''")}'`;
}

/** The SQL name of the text type. */
export function textType(dialect: QualityDialect): string {
  return dialect === 'bigquery' ? 'STRING' : 'VARCHAR';
}

export interface ColumnLike {
  name: string;
  type: string;
  warehouseType?: string | undefined;
}

/** What quality SQL needs to know about a column: its parsed source type and warehouse type. */
export interface TypedColumn {
  name: string;
  source: SourceType;
  warehouseType: string;
  /** True when the warehouse holds the values as text (strings, and exact-text fallbacks). */
  isText: boolean;
  /** CHAR/GRAPHIC: values may carry trailing blanks that comparisons ignore. */
  isFixedChar: boolean;
}

const textWarehouseTypes = /^(VARCHAR|STRING|TEXT)\b/i;

export function typedColumn(dialect: QualityDialect, column: ColumnLike): TypedColumn {
  const source = parseSourceType(column.type);
  const warehouseType = dialect === 'bigquery' ? bigQueryColumnType(column) : duckDbColumnType(column);
  const isText = textWarehouseTypes.test(warehouseType);
  return {
    name: column.name, source, warehouseType, isText,
    isFixedChar: isText && !isTextFallback(source) && (source.kind === 'CHAR' || source.kind === 'GRAPHIC'),
  };
}

/**
 * A qualified table name for the dialect: raw_booking."booking" style quoting per part in DuckDB,
 * one backquoted `project.dataset.table` path in BigQuery.
 */
export function tableName(dialect: QualityDialect, parts: readonly string[]): string {
  return dialect === 'bigquery' ? quoteIdent(dialect, parts.join('.')) : parts.map((p) => quoteIdent(dialect, p)).join('.');
}
