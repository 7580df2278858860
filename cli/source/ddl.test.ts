import { describe, expect, it } from 'vitest';
import { registry } from '../../domains/index.js';
import { parseSourceType } from '../../contracts/source-types.js';
import { createTableSql, indexSql, keySql, postgresType, tableDdl } from './ddl.js';

describe('postgresType', () => {
  it.each([
    ['CHAR(4)', 'character(4)'],
    ['VARCHAR(120)', 'varchar(120)'],
    ['GRAPHIC(3)', 'character(3)'],
    ['VARGRAPHIC(20)', 'varchar(20)'],
    ['DECIMAL(31,8)', 'numeric(31,8)'],
    ['DECIMAL(8,0)', 'numeric(8,0)'],
    ['SMALLINT', 'int2'],
    ['INTEGER', 'int4'],
    ['BIGINT', 'int8'],
    ['DATE', 'date'],
    ['TIME', 'time(0)'],
    ['TIMESTAMP(6)', 'timestamp(6)'],
    ['TIMESTAMP(12)', 'timestamp(6)'],
    ['TIMESTAMP(0)', 'timestamp(0)'],
    ['DOUBLE', 'float8'],
    ['REAL', 'float4'],
    ['BOOLEAN', 'boolean'],
    ['BLOB(1048576)', 'bytea'],
    ['CLOB(65536)', 'text'],
    ['DECFLOAT(34)', 'numeric'],
  ])('%s → %s', (db2, expected) => {
    expect(postgresType(parseSourceType(db2))).toBe(expected);
  });
});

describe('table DDL from the contracts', () => {
  it('creates the booking header in its DB2 schema with quoted upper-case names and NOT NULL per contract', () => {
    const sql = createTableSql(registry.table('booking.booking'));
    expect(sql).toContain('CREATE TABLE "BOOK"."BOOKING" (');
    expect(sql).toContain('"BOOKING_ID" int8 NOT NULL');
    expect(sql).toContain('"RESORT_CODE" character(4) NOT NULL');
    expect(sql).toContain('"BOOK_DATE_NUM" numeric(8,0) NOT NULL');
    expect(sql).toContain('"TOTAL_AMOUNT" numeric(13,2) NOT NULL');
    expect(sql).toContain('"CREATED_TS" timestamp(6) NOT NULL');
    expect(sql).toMatch(/"AGENCY_ID" int4,?\n/);
    expect(sql).not.toMatch(/REFERENCES|FOREIGN KEY/);
  });

  it('gives booking_line a composite primary key', () => {
    expect(keySql(registry.table('booking.booking_line'))).toEqual([
      'ALTER TABLE "BOOK"."BOOKING_LINE" ADD CONSTRAINT "BOOKING_LINE_PK" PRIMARY KEY ("BOOKING_ID", "LINE_NO")',
    ]);
  });

  it('gives the unique-key-only table a unique index as replica identity and no primary key', () => {
    const statements = tableDdl(registry.table('reference.exchange_rate'));
    expect(statements.join('\n')).not.toContain('PRIMARY KEY');
    expect(statements.slice(1)).toEqual([
      'CREATE UNIQUE INDEX "EXCH_RATE_UK" ON "REFD"."EXCH_RATE" ("CURRENCY_CODE", "RATE_DATE")',
      'ALTER TABLE "REFD"."EXCH_RATE" REPLICA IDENTITY USING INDEX "EXCH_RATE_UK"',
    ]);
  });

  it('puts tables of another system (the CRM in PostgreSQL) in their own schema', () => {
    const sql = createTableSql(registry.table('customer_service.service_case'));
    expect(sql).toContain('CREATE TABLE "CRM"."SERVICE_CASE"');
    expect(sql).toMatch(/"BOOKING_ID" int8,?\n/);
  });

  it('refuses a unique key over a nullable column, naming table and column', () => {
    const base = registry.table('reference.exchange_rate');
    const broken = { ...base, columns: base.columns.map((c) => (c.name === 'RATE_DATE' ? { ...c, nullable: true } : c)) };
    expect(() => keySql(broken)).toThrow(/REFD\.EXCH_RATE: unique key column\(s\) RATE_DATE are nullable/);
  });

  it('names secondary indexes after table and column', () => {
    expect(indexSql(registry.table('payment.payment'), 'BOOKING_ID')).toBe('CREATE INDEX "PAYMENT_IX_BOOKING_ID" ON "PAYM"."PAYMENT" ("BOOKING_ID")');
  });

  it('makes DDL for every declared table', () => {
    for (const { table } of registry.allTables()) expect(tableDdl(table).length).toBeGreaterThanOrEqual(2);
  });
});
