import { describe, expect, it } from 'vitest';
import { parseSourceType } from '../contracts/source-types.js';
import { bigQueryColumnType, duckDbColumnType, isTextFallback, mapSourceType } from './warehouse-types.js';

const map = (text: string) => mapSourceType(parseSourceType(text));

describe('mapSourceType', () => {
  it.each([
    ['SMALLINT', 'SMALLINT', 'INT64'],
    ['INTEGER', 'INTEGER', 'INT64'],
    ['BIGINT', 'BIGINT', 'INT64'],
    ['DECIMAL(9,2)', 'DECIMAL(9,2)', 'NUMERIC(9,2)'],
    ['DECIMAL(31,8)', 'DECIMAL(31,8)', 'NUMERIC(31,8)'],
    ['DECIMAL(31,1)', 'DECIMAL(31,1)', 'BIGNUMERIC(31,1)'],
    ['DECIMAL(30,0)', 'DECIMAL(30,0)', 'BIGNUMERIC(30,0)'],
    ['DECIMAL(29,0)', 'DECIMAL(29,0)', 'NUMERIC(29,0)'],
    ['DECIMAL(20,10)', 'DECIMAL(20,10)', 'BIGNUMERIC(20,10)'],
    ['DECIMAL', 'DECIMAL(5,0)', 'NUMERIC(5,0)'],
    ['DECFLOAT(34)', 'VARCHAR', 'STRING'],
    ['REAL', 'FLOAT', 'FLOAT64'],
    ['DOUBLE', 'DOUBLE', 'FLOAT64'],
    ['CHAR(3)', 'VARCHAR', 'STRING'],
    ['VARCHAR(120)', 'VARCHAR', 'STRING'],
    ['GRAPHIC(4)', 'VARCHAR', 'STRING'],
    ['VARGRAPHIC(40)', 'VARCHAR', 'STRING'],
    ['CLOB(1000)', 'VARCHAR', 'STRING'],
    ['DBCLOB(1000)', 'VARCHAR', 'STRING'],
    ['BLOB(1000)', 'BLOB', 'BYTES'],
    ['BOOLEAN', 'BOOLEAN', 'BOOL'],
    ['DATE', 'DATE', 'DATE'],
    ['TIME', 'TIME', 'TIME'],
    ['TIMESTAMP', 'TIMESTAMP', 'DATETIME'],
    ['TIMESTAMP(0)', 'TIMESTAMP', 'DATETIME'],
    ['TIMESTAMP(6)', 'TIMESTAMP', 'DATETIME'],
    ['TIMESTAMP(7)', 'TIMESTAMP_NS', 'STRING'],
    ['TIMESTAMP(9)', 'TIMESTAMP_NS', 'STRING'],
    ['TIMESTAMP(10)', 'VARCHAR', 'STRING'],
    ['TIMESTAMP(12)', 'VARCHAR', 'STRING'],
  ])('%s → DuckDB %s, BigQuery %s', (source, duckdb, bigquery) => {
    expect(map(source)).toEqual({ duckdb, bigquery });
  });

  it('flags the exact-text fallbacks', () => {
    expect(isTextFallback(parseSourceType('DECFLOAT(16)'))).toBe(true);
    expect(isTextFallback(parseSourceType('TIMESTAMP(12)'))).toBe(true);
    expect(isTextFallback(parseSourceType('TIMESTAMP(9)'))).toBe(false);
    expect(isTextFallback(parseSourceType('DECIMAL(31,8)'))).toBe(false);
  });
});

describe('column types with overrides', () => {
  it('uses the mapped type when no override is declared', () => {
    expect(duckDbColumnType({ name: 'AMOUNT', type: 'DECIMAL(11,2)' })).toBe('DECIMAL(11,2)');
    expect(bigQueryColumnType({ name: 'AMOUNT', type: 'DECIMAL(11,2)' })).toBe('NUMERIC(11,2)');
  });

  it("honours a contract column's warehouseType override", () => {
    const column = { name: 'RATE', type: 'DECFLOAT(16)', warehouseType: 'DOUBLE' };
    expect(duckDbColumnType(column)).toBe('DOUBLE');
    expect(bigQueryColumnType(column)).toBe('DOUBLE');
  });

  it('names the column when its source type is not understood', () => {
    expect(() => duckDbColumnType({ name: 'ODD', type: 'XML' })).toThrow(/column ODD: unsupported source type 'XML'/);
  });
});
