import { describe, expect, it } from 'vitest';
import { formatSourceType } from '../../contracts/source-types.js';
import { mapPostgresType } from './types.js';

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
