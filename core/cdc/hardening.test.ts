import { describe, expect, it } from 'vitest';
import { parseSourceType } from '../../contracts/source-types.js';
import { decodeRecord, type DecodeResult, type KafkaRecordInput } from './decode.js';
import { decodeValue, incompatibility, type FieldSchema } from './logical-types.js';
import { bookingFix, readFixture, record, valueOf } from '../../test/support/cdc-contracts.js';

// Change events nobody on the project wrote: each case failed on the decoder before it was hardened.

const precise = readFixture('pg-precise.json');
const booking = { domain: 'fix', table: bookingFix };
const create = record(precise, 'BOOKING_FIX', 2);
const double: FieldSchema = { type: 'double', optional: true, field: 'X' };

function withNote(note: string): KafkaRecordInput {
  const v = valueOf(create);
  (v.payload.after as Record<string, unknown>).NOTE = note;
  return { ...create, value: Buffer.from(JSON.stringify(v)) };
}

function failure(result: DecodeResult): string {
  if (result.kind !== 'failure') throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return result.reason;
}

describe('decoder hardening', () => {
  it('dead-letters invalid UTF-8 inside a value with its offset, instead of applying U+FFFD', () => {
    const text = Buffer.from(JSON.stringify(valueOf(create))).toString('latin1').replace('late ', 'l\u00ffte ');
    const bad = { ...create, value: Buffer.from(text, 'latin1') };
    expect(failure(decodeRecord(bad, booking))).toMatch(/offset 2 \(fix\.booking_fix\): .*not valid UTF-8/);
  });

  it('stages a DECFLOAT that arrives as a double as plain decimal text, never in exponent form', () => {
    const decfloat = parseSourceType('DECFLOAT(34)');
    expect(decodeValue(double, 1e21, decfloat)).toEqual({ ok: true, text: '1000000000000000000000' });
    expect(decodeValue(double, -1.5e-7, decfloat)).toEqual({ ok: true, text: '-0.00000015' });
    expect(decodeValue(double, 123.25, decfloat)).toEqual({ ok: true, text: '123.25' });
  });

  it('refuses a double for a DECIMAL wider than 15 digits as a schema change, since digits could be lost', () => {
    expect(incompatibility(double, parseSourceType('DECIMAL(31,8)'))).toBe('Debezium double');
    expect(incompatibility(double, parseSourceType('DECIMAL(15,2)'))).toBeNull();
    const v = valueOf(create);
    const amount = (v.schema.fields as Array<{ field: string; fields?: Array<Record<string, unknown>> }>)
      .find((f) => f.field === 'after')!.fields!.find((f) => f.field === 'AMOUNT')!;
    for (const k of Object.keys(amount)) if (k !== 'field' && k !== 'optional') delete amount[k];
    amount.type = 'double';
    (v.payload.after as Record<string, unknown>).AMOUNT = 1e20;
    const result = decodeRecord({ ...create, value: Buffer.from(JSON.stringify(v)) }, booking);
    expect(result).toMatchObject({ kind: 'schema-change', schemaChange: { retyped: [expect.objectContaining({ column: 'AMOUNT' })] } });
  });

  it('dead-letters a value longer than its CHAR(n) or VARCHAR(n) column, naming column, length and limit', () => {
    expect(failure(decodeRecord(withNote('x'.repeat(121)), booking))).toMatch(/NOTE.*121 characters.*VARCHAR\(120\)/);
    expect(decodeRecord(withNote('é'.repeat(120)), booking).kind).toBe('change');
    expect(decodeValue({ type: 'string', optional: false, field: 'C' }, 'ABCD', parseSourceType('CHAR(3)')))
      .toMatchObject({ ok: false, problem: 'corrupt', detail: expect.stringContaining('4 characters, longer than CHAR(3)') });
  });

  it('reads DECIMAL values by the declared decimal mode, never by guessing from a schema-less value', () => {
    const stringMode = readFixture('pg-decimal-string.json');
    const full = record(stringMode, 'BOOKING_FIX', 2);
    const payloadOnly = (edit: (after: Record<string, unknown>) => void) => {
      const payload = valueOf(full).payload;
      edit(payload.after as Record<string, unknown>);
      return { ...full, value: JSON.stringify(payload) };
    };
    // base64 of precise decimal bytes made only of digits: read as the number 1234 when guessed.
    const digitsOnly = payloadOnly((after) => { after.AMOUNT = '1234'; });
    expect(failure(decodeRecord(digitsOnly, booking))).toContain('column AMOUNT expected DECIMAL(31,8), got a schema-less event, and the source\'s decimal.handling.mode is declared precise');
    expect(decodeRecord(digitsOnly, { ...booking, decimalMode: 'string' })).toMatchObject({ kind: 'change', change: { values: expect.arrayContaining(['1234.00000000']) } });
    expect(failure(decodeRecord(payloadOnly((after) => { after.AMOUNT = 12.5; }), { ...booking, decimalMode: 'string' })))
      .toContain('got JSON 12.5, but the source\'s decimal.handling.mode is declared string');
    // With inline schemas the field type must match the declared mode too.
    expect(failure(decodeRecord(full, booking))).toContain('got Debezium string, but the source\'s decimal.handling.mode is declared precise');
  });
});
