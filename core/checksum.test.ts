import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addChecksums, canonicalRowText, canonicalValue, checksumColumnsOf, checksumQuery, checksumSelectList, ChecksumDialectError, rowHash, type ChecksumColumn } from './checksum.js';
import { md5Hex } from './md5.js';
import { parseSourceType } from '../contracts/source-types.js';

const col = (name: string, type: string, padding?: 'keep' | 'trim'): ChecksumColumn => ({ name, type: parseSourceType(type), ...(padding ? { padding } : {}) });
const canon = (type: string, value: unknown, padding?: 'keep' | 'trim') => canonicalValue(col('C', type, padding), value);

describe('md5Hex', () => {
  it.each(['', 'abc', 'Zoë Ñandú 北京 Ελλάδα', 'x'.repeat(55), 'x'.repeat(56), 'y'.repeat(64), 'z'.repeat(1000)])('matches node:crypto for %#', (text) => {
    expect(md5Hex(text)).toBe(createHash('md5').update(text, 'utf8').digest('hex'));
  });
});

describe('rowHash', () => {
  it('reads the first 15 hex digits of the md5 as an integer below 2^60', () => {
    expect(rowHash('abc')).toBe(BigInt('0x900150983cd24fb'));
    expect(rowHash('anything') < 2n ** 60n).toBe(true);
  });
});

describe('canonicalValue', () => {
  it('renders NULL as \\N for every type', () => {
    expect(canon('VARCHAR(10)', null)).toBe('\\N');
    expect(canon('DECIMAL(9,2)', undefined)).toBe('\\N');
  });

  it('renders decimals with their declared scale', () => {
    expect(canon('DECIMAL(31,8)', '12345678901234567890123.12345678')).toBe('12345678901234567890123.12345678');
    expect(canon('DECIMAL(9,2)', '1.5')).toBe('1.50');
    expect(canon('DECIMAL(9,2)', '-.5')).toBe('-0.50');
    expect(canon('DECIMAL(9,2)', '-0.001')).toBe('0.00');
    expect(canon('DECIMAL(9,2)', '-0.00')).toBe('0.00');
    expect(canon('DECIMAL(9,2)', '-0.01')).toBe('-0.01');
    expect(canon('DECIMAL(9,2)', '12.30')).toBe('12.30');
    expect(canon('DECIMAL(9,2)', '012.30')).toBe('12.30');
    expect(canon('DECIMAL(9,2)', '12.300')).toBe('12.30');
    expect(canon('DECIMAL(5,0)', '-0')).toBe('0');
    expect(canon('DECIMAL(9,2)', '2.345')).toBe('2.35');
    expect(canon('DECIMAL(9,2)', '-2.345')).toBe('-2.35');
    expect(canon('DECIMAL(9,2)', 7)).toBe('7.00');
    expect(canon('DECIMAL(5,0)', '00042')).toBe('42');
    expect(() => canon('DECIMAL(5,0)', 'abc')).toThrow(/column C \(DECIMAL\): expected a decimal number with scale 0, got 'abc'/);
  });

  it('renders integers, booleans and binary', () => {
    expect(canon('BIGINT', 9007199254740993n)).toBe('9007199254740993');
    expect(canon('INTEGER', ' -12')).toBe('-12');
    // Texts already canonical pass as they are; the others are normalised.
    expect(canon('INTEGER', '0')).toBe('0');
    expect(canon('INTEGER', '-0')).toBe('0');
    expect(() => canon('INTEGER', '+7')).toThrow(/expected an integer, got '\+7'/);
    expect(canon('SMALLINT', '-007')).toBe('-7');
    expect(canon('INTEGER', 42)).toBe('42');
    expect(() => canon('INTEGER', '1.0')).toThrow(/column C \(INTEGER\): expected an integer, got '1.0'/);
    expect(canon('BOOLEAN', true)).toBe('t');
    expect(canon('BOOLEAN', 'f')).toBe('f');
    expect(canon('BLOB(10)', new Uint8Array([0, 255, 16]))).toBe('00ff10');
    expect(canon('BLOB(10)', '\\x00FF10')).toBe('00ff10');
    expect(() => canon('BOOLEAN', 'yes')).toThrow(/column C \(BOOLEAN\): expected a boolean/);
  });

  it('renders floats as C printf %e with 9 (REAL) or 17 (DOUBLE) significant digits', () => {
    expect(canon('DOUBLE', 0.1)).toBe('1.0000000000000001e-01');
    expect(canon('DOUBLE', '1e20')).toBe('1.0000000000000000e+20');
    expect(canon('DOUBLE', -0)).toBe('-0.0000000000000000e+00');
    expect(canon('DOUBLE', 5e-324)).toBe('4.9406564584124654e-324');
    expect(canon('DOUBLE', 'NaN')).toBe('NaN');
    expect(canon('DOUBLE', '-Infinity')).toBe('-Infinity');
    expect(canon('REAL', '3.14159')).toBe('3.14159012e+00');
  });

  it('keeps CHAR padding unless the contract trims it', () => {
    expect(canon('CHAR(5)', 'AB   ')).toBe('AB   ');
    expect(canon('CHAR(5)', 'AB   ', 'trim')).toBe('AB');
    expect(canon('VARCHAR(5)', 'AB  ')).toBe('AB  ');
  });

  it('renders dates, times and timestamps in one spelling whatever the driver hands back', () => {
    expect(canon('DATE', '2024-02-29')).toBe('2024-02-29');
    expect(canon('DATE', new Date(Date.UTC(2024, 1, 29)))).toBe('2024-02-29');
    expect(canon('TIME', '07.05.09')).toBe('07:05:09.000000');
    expect(canon('TIME', '07:05:09.5')).toBe('07:05:09.500000');
    expect(canon('TIMESTAMP(6)', '2024-02-29-07.05.09.000123')).toBe('2024-02-29 07:05:09.000123');
    expect(canon('TIMESTAMP', '2024-02-29 07:05:09')).toBe('2024-02-29 07:05:09.000000');
    expect(canon('TIMESTAMP(0)', '2024-02-29T07:05:09')).toBe('2024-02-29 07:05:09.000000');
    expect(canon('TIMESTAMP(9)', '2024-02-29 07:05:09.1234567')).toBe('2024-02-29 07:05:09.123456700');
    expect(canon('TIMESTAMP(12)', '2024-02-29 07:05:09.123456789012')).toBe('2024-02-29 07:05:09.123456789012');
    expect(canon('TIMESTAMP(3)', new Date(Date.UTC(2024, 1, 29, 7, 5, 9, 250)))).toBe('2024-02-29 07:05:09.250000');
    expect(() => canon('TIMESTAMP(6)', '2024-02-29 07:05:09.1234567')).toThrow(/at most 6 fraction digits/);
  });
});

describe('canonicalRowText', () => {
  const columns = [col('ID', 'INTEGER'), col('NAME', 'VARCHAR(20)'), col('CODE', 'CHAR(3)')];

  it('joins canonical values with chr(31)', () => {
    expect(canonicalRowText(columns, [1, '', null])).toBe('1\x1f\x1f\\N');
  });

  it('distinguishes NULL from the empty string', () => {
    expect(rowHash(canonicalRowText(columns, [1, '', 'A  ']))).not.toBe(rowHash(canonicalRowText(columns, [1, null, 'A  '])));
  });

  it('names the columns when the value count is wrong', () => {
    expect(() => canonicalRowText(columns, [1])).toThrow(/expected 3 values \(ID, NAME, CODE\), got 1/);
  });
});

describe('checksumQuery', () => {
  const columns: ChecksumColumn[] = Array.from({ length: 3 }, (_, i) => ({ name: `C${i}`, type: { kind: 'VARCHAR' } }));
  it('is the select list over the relation, except on BigQuery', () => {
    expect(checksumQuery('duckdb', columns, 't WHERE x')).toBe(`SELECT ${checksumSelectList('duckdb', columns)} FROM t WHERE x`);
    expect(checksumQuery('postgres', columns, 't')).toBe(`SELECT ${checksumSelectList('postgres', columns)} FROM t`);
  });
  it('builds the row text from groups of 8 columns in subqueries on BigQuery (the emulator gives no row for one wide expression)', () => {
    const wide: ChecksumColumn[] = Array.from({ length: 17 }, (_, i) => ({ name: `C${i}`, type: { kind: 'VARCHAR' } }));
    const sql = checksumQuery('bigquery', wide, '`p.d.t` WHERE NOT x');
    expect(sql).toMatch(/^SELECT count\(\*\) AS row_count, .*MD5\(_row_text\).* AS checksum FROM \(SELECT _g0 \|\| chr\(31\) \|\| _g1 \|\| chr\(31\) \|\| _g2 AS _row_text FROM \(SELECT .* FROM `p.d.t` WHERE NOT x\)\)$/s);
    expect(sql).toContain('CAST(`C7` AS STRING) END) AS _g0, ');
    expect(sql).toContain('CAST(`C15` AS STRING) END) AS _g1, ');
    expect(sql).toContain('CAST(`C16` AS STRING) END) AS _g2 FROM');
  });
});

describe('checksumSelectList', () => {
  const columns = [col('BOOKING_ID', 'BIGINT'), col('AMOUNT', 'DECIMAL(31,8)'), col('CREATED_AT', 'TIMESTAMP(6)')];

  it('produces a row count and a summed hash per dialect', () => {
    const pg = checksumSelectList('postgres', columns);
    expect(pg).toMatch(/^count\(\*\) AS row_count, coalesce\(sum\(/);
    expect(pg).toContain(`"AMOUNT"`);
    expect(pg).toContain('::numeric(31,8)::text');
    expect(checksumSelectList('duckdb', columns)).toContain(`strftime(CAST("CREATED_AT" AS TIMESTAMP), '%Y-%m-%d %H:%M:%S.%f')`);
    expect(checksumSelectList('bigquery', columns)).toContain('`BOOKING_ID`');
  });

  it('quotes identifiers so odd names cannot break out', () => {
    expect(checksumSelectList('duckdb', [col('A"B', 'INTEGER')])).toContain('"A""B"');
  });

  it('asks for the JS path on DB2', () => {
    expect(() => checksumSelectList('db2', columns)).toThrow(ChecksumDialectError);
  });
});

describe('checksumColumnsOf', () => {
  it('parses each contract column with its padding rule', () => {
    expect(checksumColumnsOf({ columns: [{ name: 'CODE', type: 'CHAR(3)', padding: 'trim' }, { name: 'N', type: 'DECIMAL(9,2)' }] })).toEqual([
      { name: 'CODE', type: { kind: 'CHAR', length: 3 }, padding: 'trim' },
      { name: 'N', type: { kind: 'DECIMAL', precision: 9, scale: 2 }, padding: undefined },
    ]);
  });
});

describe('addChecksums', () => {
  it('adds beyond 2^64 exactly', () => {
    expect(addChecksums('18446744073709551615', '1')).toBe('18446744073709551616');
    expect(() => addChecksums('1.5', '1')).toThrow(/checksum '1.5' is not a decimal integer/);
  });
});
