import { describe, expect, it } from 'vitest';
import { parseSourceType } from '../../contracts/source-types.js';
import { decodeValue, logicalNames, type FieldSchema } from './logical-types.js';

const t = parseSourceType;
const decimalField = (scale: number, precision?: number): FieldSchema => ({
  type: 'bytes', name: logicalNames.decimal,
  parameters: { scale: String(scale), ...(precision === undefined ? {} : { 'connect.decimal.precision': String(precision) }) },
});

/** Big-endian two's complement, minimal length, base64: what Kafka Connect writes for a Decimal. */
function decimalBytes(unscaled: bigint): string {
  const bytes: number[] = [];
  let n = unscaled;
  do {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  } while (!((n === 0n && (bytes[0]! & 0x80) === 0) || (n === -1n && (bytes[0]! & 0x80) !== 0)));
  return Buffer.from(bytes).toString('base64');
}

function text(field: FieldSchema, value: unknown, type: string): string | null {
  const outcome = decodeValue(field, value, t(type));
  if (!outcome.ok) throw new Error(outcome.detail);
  return outcome.text;
}

function problem(field: FieldSchema, value: unknown, type: string): string {
  const outcome = decodeValue(field, value, t(type));
  if (outcome.ok) throw new Error(`expected a problem, got ${outcome.text}`);
  return `${outcome.problem}: ${outcome.detail}`;
}

describe('Decimal (precise mode: bytes)', () => {
  it('decodes positive, negative and zero values at exactly the contract scale', () => {
    expect(text(decimalField(2, 12), decimalBytes(-1234567n), 'DECIMAL(12,2)')).toBe('-12345.67');
    expect(text(decimalField(2, 12), decimalBytes(-5n), 'DECIMAL(12,2)')).toBe('-0.05');
    expect(text(decimalField(2, 12), decimalBytes(0n), 'DECIMAL(12,2)')).toBe('0.00');
    expect(text(decimalField(2, 12), 'gA==', 'DECIMAL(12,2)')).toBe('-1.28');
    expect(text(decimalField(0, 8), decimalBytes(20240301n), 'DECIMAL(8,0)')).toBe('20240301');
  });

  it('keeps DECIMAL(31,8) extremes exact (no float anywhere)', () => {
    const max = 10n ** 31n - 1n;
    expect(text(decimalField(8, 31), decimalBytes(max), 'DECIMAL(31,8)')).toBe('99999999999999999999999.99999999');
    expect(text(decimalField(8, 31), decimalBytes(-max), 'DECIMAL(31,8)')).toBe('-99999999999999999999999.99999999');
    expect(text(decimalField(8, 31), decimalBytes(-1n), 'DECIMAL(31,8)')).toBe('-0.00000001');
    expect(text(decimalField(8, 31), decimalBytes(123456789012345678901234567n), 'DECIMAL(31,8)')).toBe('1234567890123456789.01234567');
  });

  it('widens a smaller event scale and refuses values that overflow the contract precision', () => {
    expect(text(decimalField(2), decimalBytes(150n), 'DECIMAL(10,4)')).toBe('1.5000');
    expect(problem(decimalField(0), decimalBytes(123456n), 'DECIMAL(5,0)'))
      .toBe('corrupt: Debezium bytes org.apache.kafka.connect.data.Decimal(scale 0) "AeJA" (more than 5 digits)');
  });

  it('refuses a field whose scale exceeds the contract scale as retyped', () => {
    expect(problem(decimalField(3, 12), decimalBytes(1n), 'DECIMAL(12,2)')).toBe('retyped: Debezium bytes org.apache.kafka.connect.data.Decimal(scale 3)');
    expect(problem(decimalField(2, 14), decimalBytes(1n), 'DECIMAL(12,2)')).toBe('retyped: Debezium bytes org.apache.kafka.connect.data.Decimal(scale 2)');
  });
});

describe('Decimal in string and double modes, VariableScaleDecimal', () => {
  it('accepts decimal text (decimal.handling.mode=string)', () => {
    expect(text({ type: 'string' }, '-42.5', 'DECIMAL(31,8)')).toBe('-42.50000000');
    expect(text({ type: 'string' }, '123.4500', 'DECIMAL(20,2)')).toBe('123.45');
    expect(problem({ type: 'string' }, '1e5', 'DECIMAL(9,2)')).toBe('corrupt: Debezium string "1e5" (not a decimal)');
  });

  it('accepts a double only when it carries the decimal exactly at the contract scale', () => {
    expect(text({ type: 'double' }, 12.5, 'DECIMAL(9,2)')).toBe('12.50');
    expect(text({ type: 'double' }, -0.07, 'DECIMAL(9,2)')).toBe('-0.07');
    expect(text({ type: 'double' }, 1e13, 'DECIMAL(15,1)')).toBe('10000000000000.0');
    expect(problem({ type: 'double' }, 0.125, 'DECIMAL(9,2)')).toBe('corrupt: Debezium double 0.125 (more than 2 fraction digits)');
    expect(problem({ type: 'double' }, Number('1234567890.1234567'), 'DECIMAL(15,2)'))
      .toBe('corrupt: Debezium double 1234567890.1234567 (a double with more than 15 significant digits cannot carry a decimal exactly)');
    // Wider than a double's 15 digits: the type itself is refused (a schema change), whatever the value.
    expect(problem({ type: 'double' }, 1e21, 'DECIMAL(31,8)')).toBe('retyped: Debezium double');
  });

  it('decodes VariableScaleDecimal {scale, value}', () => {
    const field: FieldSchema = { type: 'struct', name: logicalNames.variableScaleDecimal };
    expect(text(field, { scale: 3, value: decimalBytes(-1n) }, 'DECIMAL(20,4)')).toBe('-0.0010');
    expect(text(field, { scale: 0, value: decimalBytes(10n ** 25n) }, 'DECIMAL(31,0)')).toBe('10000000000000000000000000');
    expect(problem(field, { scale: 'x', value: 'AA==' }, 'DECIMAL(20,4)'))
      .toBe('corrupt: Debezium struct io.debezium.data.VariableScaleDecimal {"scale":"x","value":"AA=="} (not a {scale, value} struct with base64 value)');
  });
});

describe('dates and times', () => {
  it('decodes io.debezium.time.Date days, before and after the epoch', () => {
    const field = { type: 'int32', name: logicalNames.date };
    expect(text(field, 0, 'DATE')).toBe('1970-01-01');
    expect(text(field, 19918, 'DATE')).toBe('2024-07-14');
    expect(text(field, -1, 'DATE')).toBe('1969-12-31');
    expect(text(field, 11016, 'DATE')).toBe('2000-02-29');
    expect(text(field, -719162, 'DATE')).toBe('0001-01-01');
    expect(problem(field, -719163, 'DATE')).toBe('corrupt: Debezium int32 io.debezium.time.Date -719163 (not a day count within years 1..9999)');
  });

  it('decodes Time (ms), MicroTime, NanoTime and ZonedTime', () => {
    expect(text({ type: 'int32', name: logicalNames.time }, 45_296_789, 'TIME')).toBe('12:34:56.789000');
    expect(text({ type: 'int64', name: logicalNames.microTime }, 86_399_999_999, 'TIME')).toBe('23:59:59.999999');
    expect(text({ type: 'int64', name: logicalNames.nanoTime }, 45_296_123_456_789, 'TIME')).toBe('12:34:56.123456');
    expect(text({ type: 'string', name: logicalNames.zonedTime }, '08:30:00.25+02:00', 'TIME')).toBe('06:30:00.250000');
    expect(text({ type: 'string', name: logicalNames.zonedTime }, '23:30:00-01:00', 'TIME')).toBe('00:30:00.000000');
  });

  it('decodes Timestamp (ms), MicroTimestamp and NanoTimestamp, truncating nanoseconds', () => {
    expect(text({ type: 'int64', name: logicalNames.timestamp }, 1709208000125, 'TIMESTAMP(3)')).toBe('2024-02-29 12:00:00.125000');
    expect(text({ type: 'int64', name: logicalNames.microTimestamp }, 1709288130123456, 'TIMESTAMP')).toBe('2024-03-01 10:15:30.123456');
    expect(text({ type: 'int64', name: logicalNames.microTimestamp }, -1, 'TIMESTAMP')).toBe('1969-12-31 23:59:59.999999');
    // Exceeds 2^53: arrives as a digit string from the exact JSON reader.
    expect(text({ type: 'int64', name: logicalNames.nanoTimestamp }, '1735689599999999999', 'TIMESTAMP(9)')).toBe('2024-12-31 23:59:59.999999');
    expect(text({ type: 'int64', name: logicalNames.nanoTimestamp }, -1, 'TIMESTAMP(9)')).toBe('1969-12-31 23:59:59.999999');
  });

  it('decodes ZonedTimestamp offsets to UTC wall time', () => {
    const field = { type: 'string', name: logicalNames.zonedTimestamp };
    expect(text(field, '2024-06-01T06:30:00.500000Z', 'TIMESTAMP')).toBe('2024-06-01 06:30:00.500000');
    expect(text(field, '2024-06-01T08:30:00+02:00', 'TIMESTAMP')).toBe('2024-06-01 06:30:00.000000');
    expect(text(field, '1969-12-31T23:59:59.999999-05:30', 'TIMESTAMP')).toBe('1970-01-01 05:29:59.999999');
    expect(text(field, '2024-03-01T00:15:00.123456789+05:45', 'TIMESTAMP')).toBe('2024-02-29 18:30:00.123456');
    expect(problem(field, '2024-02-30T00:00:00Z', 'TIMESTAMP'))
      .toBe('corrupt: Debezium string io.debezium.time.ZonedTimestamp "2024-02-30T00:00:00Z" (not an ISO timestamp with offset)');
  });
});

describe('other types', () => {
  it('decodes integers with range checks and refuses wider integer fields as retyped', () => {
    expect(text({ type: 'int16' }, -32768, 'SMALLINT')).toBe('-32768');
    expect(text({ type: 'int64' }, '9223372036854775807', 'BIGINT')).toBe('9223372036854775807');
    expect(problem({ type: 'int64' }, '9223372036854775808', 'BIGINT')).toBe('corrupt: Debezium int64 "9223372036854775808" (out of BIGINT range)');
    expect(problem({ type: 'int32' }, 5, 'SMALLINT')).toBe('retyped: Debezium int32');
    expect(problem({ type: 'int32' }, 1.5, 'INTEGER')).toBe('corrupt: Debezium int32 1.5 (not an integer)');
  });

  it('decodes floats as shortest round-trip text, booleans as t/f', () => {
    expect(text({ type: 'float' }, 3.14159, 'REAL')).toBe('3.14159');
    expect(text({ type: 'double' }, 1e21, 'DOUBLE')).toBe('1e+21');
    expect(text({ type: 'double' }, 'NaN', 'DOUBLE')).toBe('NaN');
    expect(text({ type: 'boolean' }, true, 'BOOLEAN')).toBe('t');
    expect(text({ type: 'boolean' }, false, 'BOOLEAN')).toBe('f');
    expect(problem({ type: 'boolean' }, 'yes', 'BOOLEAN')).toBe('corrupt: Debezium boolean "yes" (not a boolean)');
  });

  it('keeps CHAR padding and reads Json / Enum as text', () => {
    expect(text({ type: 'string' }, 'AG ', 'CHAR(3)')).toBe('AG ');
    expect(text({ type: 'string', name: logicalNames.json }, '{"a": [1, 2]}', 'CLOB(100)')).toBe('{"a": [1, 2]}');
    expect(text({ type: 'string', name: logicalNames.enum, parameters: { allowed: 'calm,busy' } }, 'busy', 'VARCHAR(10)')).toBe('busy');
  });

  it('writes bytes and Bits as \\x + lower-case hex, strictly base64', () => {
    expect(text({ type: 'bytes' }, 'AP8Q', 'BLOB(10)')).toBe('\\x00ff10');
    expect(text({ type: 'bytes', name: logicalNames.bits, parameters: { length: '10' } }, 'gQI=', 'BLOB(2)')).toBe('\\x8102');
    expect(text({ type: 'bytes' }, 'q80=', 'CHAR(2)')).toBe('\\xabcd');
    expect(problem({ type: 'bytes' }, 'AP8', 'BLOB(10)')).toBe('corrupt: Debezium bytes "AP8" (not base64)');
  });

  it('refuses type changes as retyped and passes nulls through', () => {
    expect(problem({ type: 'int32' }, 42, 'VARCHAR(10)')).toBe('retyped: Debezium int32');
    expect(problem({ type: 'int64', name: logicalNames.microTimestamp }, 0, 'DATE')).toBe('retyped: Debezium int64 io.debezium.time.MicroTimestamp');
    expect(problem({ type: 'string' }, '2024-01-01', 'DATE')).toBe('retyped: Debezium string');
    expect(decodeValue({ type: 'int32' }, null, t('VARCHAR(10)'))).toEqual({ ok: true, text: null });
  });
});
