import type { SourceType } from '../contracts/source-types.js';
import { parseSourceType } from '../contracts/source-types.js';

/**
 * Source (DB2) types → warehouse column types. Exactness first: a value must survive the trip
 * unchanged, so where a warehouse type cannot hold the source's range or precision we keep the
 * source's text rather than round it.
 *
 * - DECIMAL(p,s), p ≤ 31: DuckDB DECIMAL(p,s) (DuckDB allows 38 digits). BigQuery NUMERIC holds
 *   29 integer digits and 9 fraction digits; anything wider goes to BIGNUMERIC (38+ / 38).
 * - TIMESTAMP(0..6): DuckDB TIMESTAMP (microseconds); (7..9): TIMESTAMP_NS; (10..12): VARCHAR
 *   holding the staged text exactly ('YYYY-MM-DD HH:MM:SS.ffffffffffff'), because no DuckDB type
 *   keeps picoseconds. BigQuery DATETIME (no zone, microseconds) for 0..6 and STRING beyond.
 * - DECFLOAT: VARCHAR/STRING with the source's exact text; a binary float would round it, and a
 *   DECIMAL cannot hold its exponent range.
 * - CHAR/GRAPHIC keep their padding (the contract's `padding` decides at load time, not the type).
 */

export interface WarehouseColumnType {
  duckdb: string;
  bigquery: string;
}

export function mapSourceType(t: SourceType): WarehouseColumnType {
  switch (t.kind) {
    case 'SMALLINT': return { duckdb: 'SMALLINT', bigquery: 'INT64' };
    case 'INTEGER': return { duckdb: 'INTEGER', bigquery: 'INT64' };
    case 'BIGINT': return { duckdb: 'BIGINT', bigquery: 'INT64' };
    case 'DECIMAL': {
      const p = t.precision ?? 5;
      const s = t.scale ?? 0;
      const bigquery = p - s <= 29 && s <= 9 ? `NUMERIC(${p},${s})` : `BIGNUMERIC(${p},${s})`;
      return { duckdb: `DECIMAL(${p},${s})`, bigquery };
    }
    case 'DECFLOAT': return { duckdb: 'VARCHAR', bigquery: 'STRING' };
    case 'REAL': return { duckdb: 'FLOAT', bigquery: 'FLOAT64' };
    case 'DOUBLE': return { duckdb: 'DOUBLE', bigquery: 'FLOAT64' };
    case 'CHAR': case 'VARCHAR': case 'GRAPHIC': case 'VARGRAPHIC': case 'CLOB': case 'DBCLOB':
      return { duckdb: 'VARCHAR', bigquery: 'STRING' };
    case 'BLOB': return { duckdb: 'BLOB', bigquery: 'BYTES' };
    case 'BOOLEAN': return { duckdb: 'BOOLEAN', bigquery: 'BOOL' };
    case 'DATE': return { duckdb: 'DATE', bigquery: 'DATE' };
    case 'TIME': return { duckdb: 'TIME', bigquery: 'TIME' };
    case 'TIMESTAMP': {
      const f = t.fractionDigits ?? 6;
      if (f <= 6) return { duckdb: 'TIMESTAMP', bigquery: 'DATETIME' };
      if (f <= 9) return { duckdb: 'TIMESTAMP_NS', bigquery: 'STRING' };
      return { duckdb: 'VARCHAR', bigquery: 'STRING' };
    }
  }
}

/** True when the warehouse keeps this source type as text (exact-text fallback), not natively. */
export function isTextFallback(t: SourceType): boolean {
  return t.kind === 'DECFLOAT' || (t.kind === 'TIMESTAMP' && (t.fractionDigits ?? 6) > 9);
}

export interface MappableColumn {
  name: string;
  type: string;
  warehouseType?: string | undefined;
}

/**
 * The DuckDB type of a contract column: its `warehouseType` override when given (the contract
 * author takes responsibility that the staged text casts to it), else the mapped type.
 */
export function duckDbColumnType(column: MappableColumn): string {
  return column.warehouseType ?? mapSourceType(parseColumnType(column)).duckdb;
}

/** The BigQuery type of a contract column, honouring the same override. */
export function bigQueryColumnType(column: MappableColumn): string {
  return column.warehouseType ?? mapSourceType(parseColumnType(column)).bigquery;
}

function parseColumnType(column: MappableColumn): SourceType {
  try {
    return parseSourceType(column.type);
  } catch (error) {
    throw new Error(`column ${column.name}: ${(error as Error).message}`, { cause: error });
  }
}
