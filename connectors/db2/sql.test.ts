import { describe, expect, it } from 'vitest';
import { parseSourceType } from '../../contracts/source-types.js';
import {
  boundariesSql, columnsSql, countSql, db2ConnectionString, groupKeys, keysSql, pageSql, positionSql, selectExpression, tableSql,
} from './sql.js';

const ref = { schema: 'RES', table: 'BOOKING_LINE' };

describe('catalog queries', () => {
  it('reads LUW SYSCAT with bit data and user-defined types flagged', () => {
    const sql = columnsSql('luw');
    expect(sql).toContain('FROM SYSCAT.COLUMNS WHERE TABSCHEMA = ? AND TABNAME = ? ORDER BY COLNO');
    expect(sql).toMatch(/CODEPAGE = 0/);
    expect(sql).toMatch(/TYPESCHEMA <> 'SYSIBM'/);
    expect(tableSql('luw')).toBe('SELECT CARD FROM SYSCAT.TABLES WHERE TABSCHEMA = ? AND TABNAME = ?');
  });

  it('reads z/OS SYSIBM and IBM i QSYS2 catalogs into the same column names', () => {
    for (const sql of [columnsSql('zos'), columnsSql('ibmi')]) {
      for (const alias of ['COLNAME', 'TYPENAME', 'LENGTH', 'SCALE', 'NULLABLE', 'BITDATA', 'USERTYPE']) expect(sql).toContain(alias);
    }
    expect(columnsSql('zos')).toContain('FROM SYSIBM.SYSCOLUMNS WHERE TBCREATOR = ? AND TBNAME = ?');
    expect(columnsSql('ibmi')).toContain('FROM QSYS2.SYSCOLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?');
    expect(tableSql('zos')).toContain('SYSIBM.SYSTABLES');
    expect(tableSql('ibmi')).toContain('QSYS2.SYSTABLESTAT');
  });

  it('reads keys from constraints and unique indexes, one parameter pair per branch', () => {
    const luw = keysSql('luw');
    expect(luw.paramSets).toBe(2);
    expect(luw.sql.match(/\?/g)).toHaveLength(4);
    expect(luw.sql).toContain('SYSCAT.KEYCOLUSE');
    expect(luw.sql).toContain("C.COLORDER <> 'I'");
    for (const d of ['zos', 'ibmi'] as const) expect(keysSql(d).sql.match(/\?/g)).toHaveLength(2 * keysSql(d).paramSets);
  });
});

describe('groupKeys', () => {
  it('orders columns by position and counts a unique constraint and its index once', () => {
    const keys = groupKeys([
      { KEYTYPE: 'P', KEYNAME: 'PK_BL', COLNAME: 'LINE_NO', COLSEQ: 2 },
      { KEYTYPE: 'P', KEYNAME: 'PK_BL', COLNAME: 'BOOKING_ID', COLSEQ: 1 },
      { KEYTYPE: 'U', KEYNAME: 'UQ_REF', COLNAME: 'REF_NO', COLSEQ: 1 },
      { KEYTYPE: 'U', KEYNAME: 'SQL240101', COLNAME: 'REF_NO', COLSEQ: 1 },
      { KEYTYPE: 'U', KEYNAME: 'IX_PK_COPY', COLNAME: 'BOOKING_ID', COLSEQ: 1 },
      { KEYTYPE: 'U', KEYNAME: 'IX_PK_COPY', COLNAME: 'LINE_NO', COLSEQ: 2 },
    ]);
    expect(keys).toEqual({ primaryKey: ['BOOKING_ID', 'LINE_NO'], uniqueKeys: [['REF_NO']] });
  });

  it('reports no primary key when there is none', () => {
    expect(groupKeys([])).toEqual({ primaryKey: null, uniqueKeys: [] });
  });
});

describe('reading values exactly', () => {
  it('reads decimals and timestamps as text, dates ISO and times JIS', () => {
    expect(selectExpression('AMOUNT', parseSourceType('DECIMAL(31,8)'))).toBe('CAST("AMOUNT" AS VARCHAR(64))');
    expect(selectExpression('RATE', parseSourceType('DECFLOAT(34)'))).toBe('CAST("RATE" AS VARCHAR(64))');
    expect(selectExpression('TS', parseSourceType('TIMESTAMP(12)'))).toBe('CAST("TS" AS VARCHAR(40))');
    expect(selectExpression('D', parseSourceType('DATE'))).toBe('CHAR("D", ISO)');
    expect(selectExpression('T', parseSourceType('TIME'))).toBe('CHAR("T", JIS)');
    expect(selectExpression('NAME', parseSourceType('VARCHAR(40)'))).toBe('"NAME"');
  });
});

describe('chunk and page statements', () => {
  it('numbers rows in key order and keeps every n-th key', () => {
    expect(boundariesSql(ref, ['BOOKING_ID', 'LINE_NO'], ['"BOOKING_ID"', '"LINE_NO"'], 1000, 'UR')).toBe(
      'SELECT K0, K1 FROM (SELECT "BOOKING_ID" AS K0, "LINE_NO" AS K1, ROW_NUMBER() OVER (ORDER BY "BOOKING_ID", "LINE_NO") AS FACTORY_RN FROM "RES"."BOOKING_LINE") AS NUMBERED WHERE MOD(FACTORY_RN, 1000) = 0 ORDER BY FACTORY_RN WITH UR',
    );
    expect(() => boundariesSql(ref, ['ID'], ['"ID"'], 0, 'CS')).toThrow(/chunkRows must be a positive integer/);
    expect(() => boundariesSql(ref, ['ID'], ['"ID"'], 1.5, 'CS')).toThrow(/chunkRows/);
  });

  it('pages by key with parameter markers in text order', () => {
    const page = pageSql(ref, ['"BOOKING_ID"', '"LINE_NO"', 'CAST("AMOUNT" AS VARCHAR(64))'], ['BOOKING_ID', 'LINE_NO'], { lower: ['B7', 2], upper: ['B9', 1] }, 500, 'CS');
    expect(page.sql).toBe(
      'SELECT "BOOKING_ID", "LINE_NO", CAST("AMOUNT" AS VARCHAR(64)) FROM "RES"."BOOKING_LINE" WHERE '
      + '("BOOKING_ID" >= ? AND ("BOOKING_ID" > ? OR ("BOOKING_ID" = ? AND "LINE_NO" > ?))) AND '
      + '("BOOKING_ID" <= ? AND ("BOOKING_ID" < ? OR ("BOOKING_ID" = ? AND "LINE_NO" <= ?))) '
      + 'ORDER BY "BOOKING_ID", "LINE_NO" FETCH FIRST 500 ROWS ONLY WITH CS',
    );
    expect(page.params).toEqual(['B7', 'B7', 'B7', 2, 'B9', 'B9', 'B9', 1]);
    expect(pageSql(ref, ['"ID"'], ['ID'], { lower: null, upper: null }, 10, 'UR').sql).toBe('SELECT "ID" FROM "RES"."BOOKING_LINE" WHERE 1=1 ORDER BY "ID" FETCH FIRST 10 ROWS ONLY WITH UR');
  });

  it('counts a range or the whole table', () => {
    expect(countSql(ref, ['ID'], { lower: [5], upper: null }, 'UR')).toEqual({ sql: 'SELECT COUNT_BIG(*) AS N FROM "RES"."BOOKING_LINE" WHERE "ID" > ? WITH UR', params: [5] });
    expect(countSql(ref, ['ID'], undefined, 'CS').sql).toBe('SELECT COUNT_BIG(*) AS N FROM "RES"."BOOKING_LINE" WHERE 1=1 WITH CS');
  });

  it('asks LUW for its LSN and every platform for a timestamp', () => {
    expect(positionSql('luw').lsn).toContain('MON_GET_TRANSACTION_LOG(-1)');
    expect(positionSql('zos').lsn).toBeNull();
    expect(positionSql('ibmi').timestamp).toContain('SYSIBM.SYSDUMMY1');
  });
});

describe('db2ConnectionString', () => {
  it('turns a db2:// URL into CLI keywords', () => {
    expect(db2ConnectionString('db2://db2inst1:s3cret@db2.example:50001/RESORTS?Security=SSL'))
      .toBe('DATABASE=RESORTS;HOSTNAME=db2.example;PORT=50001;PROTOCOL=TCPIP;UID=db2inst1;PWD=s3cret;Security=SSL;');
  });

  it('braces values holding a semicolon and defaults the port', () => {
    expect(db2ConnectionString('db2://u:a%3Bb@h/DB')).toBe('DATABASE=DB;HOSTNAME=h;PORT=50000;PROTOCOL=TCPIP;UID=u;PWD={a;b};');
  });

  it('passes CLI strings through and refuses anything else, naming DB2_URL', () => {
    expect(db2ConnectionString('DATABASE=X;HOSTNAME=h;PORT=1;UID=u;PWD=p;')).toBe('DATABASE=X;HOSTNAME=h;PORT=1;UID=u;PWD=p;');
    expect(() => db2ConnectionString('postgres://x')).toThrow(/DB2_URL: expected db2:\/\//);
    expect(() => db2ConnectionString('db2://h:1')).toThrow(/DB2_URL.*database are required/);
  });
});
