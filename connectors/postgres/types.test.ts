import { describe, expect, it } from 'vitest';
import { formatSourceType } from '../../contracts/source-types.js';
import { parseSourceType } from '../../contracts/source-types.js';
import { copiesCanonicalText, exportExpression, mapPostgresType } from './types.js';

const spell = (pg: string): string => formatSourceType(mapPostgresType(pg, 'S.T', 'C').type);

describe('mapPostgresType', () => {
  it('maps format_type() spellings to DB2-style types', () => {
    expect(spell('character(3)')).toBe('CHAR(3)');
    expect(spell('character varying(120)')).toBe('VARCHAR(120)');
    expect(spell('numeric(31,8)')).toBe('DECIMAL(31,8)');
    expect(spell('numeric(9,0)')).toBe('DECIMAL(9,0)');
    expect(spell('smallint')).toBe('SMALLINT');
    expect(spell('integer')).toBe('INTEGER');
    expect(spell('bigint')).toBe('BIGINT');
    expect(spell('date')).toBe('DATE');
    expect(spell('time without time zone')).toBe('TIME');
    expect(spell('timestamp(3) without time zone')).toBe('TIMESTAMP(3)');
    expect(spell('timestamp without time zone')).toBe('TIMESTAMP(6)');
    expect(spell('boolean')).toBe('BOOLEAN');
    expect(spell('bytea')).toBe('BLOB(1073741823)');
    expect(spell('text')).toBe('CLOB(1073741823)');
    expect(spell('double precision')).toBe('DOUBLE');
    expect(spell('real')).toBe('REAL');
    expect(spell('uuid')).toBe('CHAR(36)');
    expect(spell('numeric')).toBe('DECFLOAT(34)');
  });

  it('exports timestamptz as UTC wall-clock TIMESTAMP', () => {
    expect(mapPostgresType('timestamp(0) with time zone', 'S.T', 'C')).toEqual({ type: { kind: 'TIMESTAMP', fractionDigits: 0 }, utcFromTimestamptz: true });
  });

  it('refuses what DB2 cannot hold, naming table, column and type', () => {
    expect(() => mapPostgresType('numeric(38,2)', 'RES.BOOKING', 'AMOUNT')).toThrow(/RES\.BOOKING column AMOUNT: PostgreSQL type 'numeric\(38,2\)'.*31 digits/);
    expect(() => mapPostgresType('integer[]', 'RES.BOOKING', 'TAGS')).toThrow(/RES\.BOOKING column TAGS: PostgreSQL type 'integer\[\]' is not supported/);
    expect(() => mapPostgresType('interval', 'RES.BOOKING', 'STAY')).toThrow(/STAY/);
    expect(() => mapPostgresType('time with time zone', 'RES.BOOKING', 'AT')).toThrow(/not supported/);
  });
});

describe('copiesCanonicalText', () => {
  const column = (name: string, type: string, padding?: 'keep' | 'trim') => ({ name, type: parseSourceType(type), ...(padding ? { padding } : {}) });
  const catalog = [
    { name: 'ID', formatted: 'bigint', nullable: false }, { name: 'NOTE', formatted: 'character varying(40)', nullable: true },
    { name: 'CODE', formatted: 'character(4)', nullable: false }, { name: 'AT', formatted: 'timestamp(6) without time zone', nullable: false },
    { name: 'AMOUNT', formatted: 'numeric(12,2)', nullable: true }, { name: 'PAID', formatted: 'timestamp(3) with time zone', nullable: true },
    { name: 'RATE', formatted: 'double precision', nullable: false },
  ];

  it('holds when every exported column, nullable or not, is written as its canonical text, in the checksum\'s order', () => {
    const hashed = [column('ID', 'BIGINT'), column('NOTE', 'VARCHAR(40)'), column('CODE', 'CHAR(4)'), column('AMOUNT', 'DECIMAL(12,2)'),
      column('AT', 'TIMESTAMP(6)'), column('PAID', 'TIMESTAMP(3)')];
    expect(copiesCanonicalText(['ID', 'NOTE', 'CODE', 'AMOUNT', 'AT', 'PAID'], hashed, catalog)).toBe(true);
    expect(copiesCanonicalText(['NOTE', 'ID', 'CODE', 'AMOUNT', 'AT', 'PAID'], hashed, catalog)).toBe(false);
    expect(copiesCanonicalText(['ID', 'NOTE', 'CODE', 'AMOUNT', 'AT'], hashed, catalog)).toBe(false);
  });

  it('fails for a double, a timestamp compared at more than six digits, a trimmed CHAR, a narrower scale and a column the catalog lacks', () => {
    expect(copiesCanonicalText(['ID', 'RATE'], [column('ID', 'BIGINT'), column('RATE', 'DOUBLE')], catalog)).toBe(false);
    expect(copiesCanonicalText(['AT'], [column('AT', 'TIMESTAMP(9)')], catalog)).toBe(false);
    expect(copiesCanonicalText(['CODE'], [column('CODE', 'CHAR(4)', 'trim')], catalog)).toBe(false);
    expect(copiesCanonicalText(['AMOUNT'], [column('AMOUNT', 'DECIMAL(12,3)')], catalog)).toBe(false);
    expect(copiesCanonicalText(['GONE'], [column('GONE', 'BIGINT')], catalog)).toBe(false);
  });
});

describe('exportExpression', () => {
  it('writes timestamps with six fraction digits (timestamptz as UTC wall-clock time) and every other column as it is', () => {
    const at = exportExpression('"AT"', mapPostgresType('timestamp(6) without time zone', 'S.T', 'AT'));
    expect(at).toBe(`(CASE WHEN length(("AT")::text) = 19 THEN ("AT")::text || '.000000' ELSE rpad(("AT")::text, 26, '0') END)`);
    expect(exportExpression('"PAID"', mapPostgresType('timestamp with time zone', 'S.T', 'PAID'))).toContain(`(("PAID" AT TIME ZONE 'UTC'))::text`);
    expect(exportExpression('"ID"', mapPostgresType('bigint', 'S.T', 'ID'))).toBe('"ID"');
  });
});
