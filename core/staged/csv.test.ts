import { describe, expect, it } from 'vitest';
import { parseSourceType } from '../../contracts/source-types.js';
import {
  CsvRecordCounter, expandExponent, formatCsvRow, formatCsvValue, formatReal, normalizeDecimal, normalizeTimestamp, quoteCsvText,
} from './csv.js';

const t = parseSourceType;

describe('text fields', () => {
  it('tells NULL from the empty string', () => {
    expect(formatCsvValue(t('VARCHAR(10)'), null)).toBe('');
    expect(formatCsvValue(t('VARCHAR(10)'), undefined)).toBe('');
    expect(formatCsvValue(t('VARCHAR(10)'), '')).toBe('""');
  });

  it('quotes commas, quotes and line breaks, doubling inner quotes', () => {
    expect(quoteCsvText('a,b')).toBe('"a,b"');
    expect(quoteCsvText('say "hi"')).toBe('"say ""hi"""');
    expect(quoteCsvText('two\nlines')).toBe('"two\nlines"');
    expect(quoteCsvText('cr\r')).toBe('"cr\r"');
  });

  it('keeps CHAR padding, blanks and unicode as they are', () => {
    expect(formatCsvValue(t('CHAR(5)'), 'AB   ')).toBe('AB   ');
    expect(formatCsvValue(t('GRAPHIC(4)'), '  ')).toBe('  ');
    expect(formatCsvValue(t('VARCHAR(40)'), 'Zoë Ñandú 北京 Ελλάδα')).toBe('Zoë Ñandú 北京 Ελλάδα');
  });

  it('refuses a non-string for a text column, naming the column', () => {
    expect(() => formatCsvValue(t('VARCHAR(10)'), 5, 'GUEST_NAME')).toThrow(/column GUEST_NAME \(VARCHAR\(10\)\).*expected text/);
  });
});

describe('decimals', () => {
  it('writes exactly the scale, plain, from DB2 renderings', () => {
    expect(formatCsvValue(t('DECIMAL(31,8)'), '1234567890123456789012.12345678')).toBe('1234567890123456789012.12345678');
    expect(formatCsvValue(t('DECIMAL(9,2)'), '.5')).toBe('0.50');
    expect(formatCsvValue(t('DECIMAL(9,2)'), '-.05')).toBe('-0.05');
    expect(formatCsvValue(t('DECIMAL(9,2)'), '-000012.50 ')).toBe('-12.50');
    expect(formatCsvValue(t('DECIMAL(9,2)'), '12,5')).toBe('12.50');
    expect(formatCsvValue(t('DECIMAL(9,0)'), '42.')).toBe('42');
    expect(formatCsvValue(t('DECIMAL(9,2)'), '-0.00')).toBe('0.00');
    expect(formatCsvValue(t('DECIMAL(9,2)'), 3)).toBe('3.00');
  });

  it('refuses to round away digits or accept junk', () => {
    expect(() => formatCsvValue(t('DECIMAL(9,2)'), '1.234', 'PRICE')).toThrow(/PRICE.*at most 2 fractional digits/);
    expect(formatCsvValue(t('DECIMAL(9,2)'), '1.230')).toBe('1.23');
    expect(() => formatCsvValue(t('DECIMAL(9,2)'), 'abc')).toThrow(/decimal/);
    expect(() => formatCsvValue(t('DECIMAL(9,2)'), '.')).toThrow(/decimal/);
  });

  it('expands exponents', () => {
    expect(expandExponent('1.5E+3')).toBe('1500');
    expect(expandExponent('-2e-4')).toBe('-0.0002');
    expect(expandExponent('0.00123E2')).toBe('0.123');
    expect(expandExponent('123.45E-1')).toBe('12.345');
    expect(expandExponent('0E-5')).toBe('0');
    expect(expandExponent('12.5')).toBe('12.5');
    expect(normalizeDecimal('1.2E1', 2)).toBe('12.00');
  });

  it('writes DECFLOAT plain, with its special values', () => {
    expect(formatCsvValue(t('DECFLOAT(34)'), '1.000E+2')).toBe('100.0');
    expect(formatCsvValue(t('DECFLOAT(16)'), '-1E-3')).toBe('-0.001');
    expect(formatCsvValue(t('DECFLOAT(34)'), 'sNaN')).toBe('NaN');
    expect(formatCsvValue(t('DECFLOAT(34)'), '-Infinity')).toBe('-Infinity');
  });
});

describe('floating point', () => {
  it('writes the shortest round-tripping text', () => {
    expect(formatCsvValue(t('DOUBLE'), 0.1)).toBe('0.1');
    expect(formatCsvValue(t('DOUBLE'), 1e21)).toBe('1e+21');
    expect(Number(formatCsvValue(t('DOUBLE'), Math.PI))).toBe(Math.PI);
    expect(formatReal(Math.fround(0.1))).toBe('0.1');
    expect(Math.fround(Number(formatReal(Math.fround(1 / 3))))).toBe(Math.fround(1 / 3));
    expect(formatCsvValue(t('DOUBLE'), Number.NEGATIVE_INFINITY)).toBe('-Infinity');
  });
});

describe('dates and times', () => {
  it('normalises DB2 timestamps and keeps at most microseconds (truncated)', () => {
    expect(formatCsvValue(t('TIMESTAMP(6)'), '2024-02-29-23.59.59.999999')).toBe('2024-02-29 23:59:59.999999');
    expect(formatCsvValue(t('TIMESTAMP(12)'), '2024-12-31-23.59.59.999999999999')).toBe('2024-12-31 23:59:59.999999');
    expect(formatCsvValue(t('TIMESTAMP(0)'), '2024-01-01-00.00.00')).toBe('2024-01-01 00:00:00');
    expect(normalizeTimestamp('2024-01-01T10:11:12.5')).toBe('2024-01-01 10:11:12.5');
    expect(() => formatCsvValue(t('TIMESTAMP(6)'), '31.12.2024', 'CHECKIN_TS')).toThrow(/CHECKIN_TS.*timestamp/);
  });

  it('reads JavaScript Dates in UTC', () => {
    expect(formatCsvValue(t('TIMESTAMP(3)'), new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 60)))).toBe('2024-01-02 03:04:05.060');
    expect(formatCsvValue(t('DATE'), new Date(Date.UTC(2024, 0, 2)))).toBe('2024-01-02');
  });

  it('normalises DB2 ISO times (HH.MM.SS) and dates', () => {
    expect(formatCsvValue(t('TIME'), '13.45.00')).toBe('13:45:00');
    expect(formatCsvValue(t('TIME'), '13:45:00')).toBe('13:45:00');
    expect(formatCsvValue(t('DATE'), '2024-03-01')).toBe('2024-03-01');
    expect(() => formatCsvValue(t('DATE'), '03/01/2024')).toThrow(/YYYY-MM-DD/);
  });
});

describe('integers, booleans, binary', () => {
  it('writes integers exactly, BIGINT from text', () => {
    expect(formatCsvValue(t('BIGINT'), '9223372036854775807')).toBe('9223372036854775807');
    expect(formatCsvValue(t('INTEGER'), -5)).toBe('-5');
    expect(() => formatCsvValue(t('INTEGER'), 1.5)).toThrow(/integer/);
  });

  it('writes booleans as t/f', () => {
    expect(formatCsvValue(t('BOOLEAN'), true)).toBe('t');
    expect(formatCsvValue(t('BOOLEAN'), '0')).toBe('f');
    expect(() => formatCsvValue(t('BOOLEAN'), 'maybe')).toThrow(/boolean/);
  });

  it('writes binary as \\x hex', () => {
    expect(formatCsvValue(t('BLOB(100)'), Buffer.from([0, 255, 16]))).toBe('\\x00ff10');
    expect(formatCsvValue(t('BLOB(100)'), new Uint8Array(0))).toBe('\\x');
  });
});

describe('rows and record counting', () => {
  it('joins fields and ends each record with a line feed', () => {
    expect(formatCsvRow([t('INTEGER'), t('VARCHAR(9)'), t('VARCHAR(9)')], [1, null, ''])).toBe('1,,""\n');
  });

  it('counts records, not line feeds inside quoted fields, across chunk splits', () => {
    const text = '1,"a\nb",x\n2,"say ""hi""\n",\n3,,""\n';
    const bytes = Buffer.from(text);
    for (let split = 0; split <= bytes.length; split++) {
      const counter = new CsvRecordCounter();
      counter.push(bytes.subarray(0, split));
      counter.push(bytes.subarray(split));
      expect(counter.records, `split at ${split}`).toBe(3);
    }
  });
});
