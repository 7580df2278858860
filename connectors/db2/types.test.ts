import { describe, expect, it } from 'vitest';
import { formatSourceType } from '../../contracts/source-types.js';
import { mapDb2Column, type Db2CatalogColumn } from './types.js';

const col = (TYPENAME: string, LENGTH = 0, SCALE = 0, extra: Partial<Db2CatalogColumn> = {}): Db2CatalogColumn => ({
  COLNAME: 'C', TYPENAME, LENGTH, SCALE, NULLABLE: 'Y', BITDATA: 0, USERTYPE: null, ...extra,
});
const spell = (row: Db2CatalogColumn): string => formatSourceType(mapDb2Column(row, 'RES.BOOKING'));

describe('mapDb2Column', () => {
  it('maps LUW SYSCAT type names', () => {
    expect(spell(col('SMALLINT', 2))).toBe('SMALLINT');
    expect(spell(col('INTEGER', 4))).toBe('INTEGER');
    expect(spell(col('BIGINT', 8))).toBe('BIGINT');
    expect(spell(col('DECIMAL', 31, 8))).toBe('DECIMAL(31,8)');
    expect(spell(col('DECFLOAT', 8))).toBe('DECFLOAT(16)');
    expect(spell(col('DECFLOAT', 16))).toBe('DECFLOAT(34)');
    expect(spell(col('REAL', 4))).toBe('REAL');
    expect(spell(col('DOUBLE', 8))).toBe('DOUBLE');
    expect(spell(col('CHARACTER', 3))).toBe('CHAR(3)');
    expect(spell(col('VARCHAR', 120))).toBe('VARCHAR(120)');
    expect(spell(col('GRAPHIC', 10))).toBe('GRAPHIC(10)');
    expect(spell(col('VARGRAPHIC', 50))).toBe('VARGRAPHIC(50)');
    expect(spell(col('DATE', 4))).toBe('DATE');
    expect(spell(col('TIME', 3))).toBe('TIME');
    expect(spell(col('TIMESTAMP', 10, 6))).toBe('TIMESTAMP(6)');
    expect(spell(col('TIMESTAMP', 13, 12))).toBe('TIMESTAMP(12)');
    expect(spell(col('TIMESTAMP', 7, 0))).toBe('TIMESTAMP(0)');
    expect(spell(col('BLOB', 1048576))).toBe('BLOB(1048576)');
    expect(spell(col('CLOB', 32768))).toBe('CLOB(32768)');
    expect(spell(col('DBCLOB', 1000))).toBe('DBCLOB(1000)');
    expect(spell(col('BOOLEAN', 1))).toBe('BOOLEAN');
    expect(spell(col('LONG VARCHAR', 32700))).toBe('CLOB(32700)');
  });

  it('treats FOR BIT DATA and BINARY as binary', () => {
    expect(spell(col('CHARACTER', 16, 0, { BITDATA: 1 }))).toBe('BLOB(16)');
    expect(spell(col('VARCHAR', 64, 0, { BITDATA: 1 }))).toBe('BLOB(64)');
    expect(spell(col('VARBINARY', 64))).toBe('BLOB(64)');
  });

  it('maps z/OS and IBM i spellings (padded COLTYPE, TIMESTMP, VARG, FLOAT by bytes)', () => {
    expect(spell(col('TIMESTMP', 10, 6))).toBe('TIMESTAMP(6)');
    expect(spell(col('VARG    ', 20))).toBe('VARGRAPHIC(20)');
    expect(spell(col('FLOAT', 4))).toBe('REAL');
    expect(spell(col('FLOAT', 8))).toBe('DOUBLE');
    expect(spell(col('NUMERIC', 9, 2))).toBe('DECIMAL(9,2)');
    expect(spell(col('VARBIN', 8))).toBe('BLOB(8)');
  });

  it('refuses unsupported and user-defined types, naming schema.table and column', () => {
    expect(() => mapDb2Column(col('XML', 0, 0, { COLNAME: 'DOC' }), 'RES.BOOKING')).toThrow(/RES\.BOOKING column DOC: DB2 type XML is not supported/);
    expect(() => mapDb2Column(col('ROWID', 40, 0, { COLNAME: 'RID' }), 'RES.BOOKING')).toThrow(/RES\.BOOKING column RID: DB2 type ROWID\(40\)/);
    expect(() => mapDb2Column(col('MONEY', 8, 2, { COLNAME: 'PRICE', USERTYPE: 'FIN.MONEY' }), 'RES.BOOKING')).toThrow(/column PRICE: DB2 type FIN\.MONEY \(user-defined\)/);
    expect(() => mapDb2Column(col('DECFLOAT', 12), 'RES.BOOKING')).toThrow(/DECFLOAT\(12\)/);
    expect(() => mapDb2Column(col('TIMESTZ', 13, 6), 'RES.BOOKING')).toThrow(/TIMESTZ/);
  });
});
