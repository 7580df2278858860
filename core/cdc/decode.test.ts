import { describe, expect, it } from 'vitest';
import { decodeRecord, type DecodeResult, type DecodedChange, type KafkaRecordInput } from './decode.js';
import { comparePositions } from './position.js';
import { bookingFix, readFixture, record, typesFix, valueOf } from '../../test/support/cdc-contracts.js';

const precise = readFixture('pg-precise.json');
const stringMode = readFixture('pg-decimal-string.json');
const booking = { domain: 'fix', table: bookingFix };
const types = { domain: 'fix', table: typesFix };
// The fixtures of pg-decimal-string.json were captured with decimal.handling.mode=string, declared as such.
const bookingString = { ...booking, decimalMode: 'string' as const };
const typesString = { ...types, decimalMode: 'string' as const };

function change(result: DecodeResult): DecodedChange {
  if (result.kind !== 'change') throw new Error(`expected a change, got ${JSON.stringify(result)}`);
  return result.change;
}

function withValue(base: KafkaRecordInput, edit: (v: ReturnType<typeof valueOf>) => void): KafkaRecordInput {
  const v = valueOf(base);
  edit(v);
  return { ...base, value: Buffer.from(JSON.stringify(v)) };
}

const prefix = 'topic cdcfix.CDCFIX.BOOKING_FIX partition 0 offset';

describe('decodeRecord on captured Debezium 3.6 PostgreSQL events', () => {
  it('decodes snapshot reads (op r) to staged text, BigInt-exact DECIMAL(31,8)', () => {
    const first = change(decodeRecord(record(precise, 'BOOKING_FIX', 0), booking));
    expect(first.op).toBe('r');
    expect(first.key).toEqual({ BOOKING_ID: '1' });
    expect(first.values).toEqual(['1', 'WEB', '1234567890123456789012.12345678', '2024-03-01 10:15:30.123456', '2024-07-14', 'sea view', '20240301', 't']);
    expect(first.position).toBe('pg:000000010BF679A8:0000000000000000:0');
    expect(first.sourceTsMs).toBe(1795909833434);
    expect(first.addedColumns).toEqual([]);
    expect(first.kafka).toEqual({ topic: 'cdcfix.CDCFIX.BOOKING_FIX', partition: 0, offset: '0', timestamp: record(precise, 'BOOKING_FIX', 0).timestamp });
    const second = change(decodeRecord(record(precise, 'BOOKING_FIX', 1), booking));
    expect(second.values).toEqual(['2', 'AG ', '-0.00000001', '1999-12-31 23:59:59.999999', '1970-01-01', null, '19991231', 'f']);
  });

  it('decodes a create with the largest DECIMAL(31,8) and a text needing CSV quoting', () => {
    const c = change(decodeRecord(record(precise, 'BOOKING_FIX', 2), booking));
    expect(c.op).toBe('c');
    expect(c.values).toEqual(['3', 'TEL', '99999999999999999999999.99999999', '2024-12-31 23:59:59.000001', '2025-01-15', 'late "quote", comma', '20241231', 't']);
    expect(c.before).toBeNull();
    expect(c.position).toBe('pg:00000001198CB4D0:00000001198CB4D0:1');
  });

  it('decodes updates of one transaction with positions ordered by change LSN', () => {
    const u1 = change(decodeRecord(record(precise, 'BOOKING_FIX', 3), booking));
    const u2 = change(decodeRecord(record(precise, 'BOOKING_FIX', 4), booking));
    expect(u1.op).toBe('u');
    expect(u1.values).toEqual(['1', 'WEB', '-42.50000000', '2025-01-02 03:04:05.000000', '2024-07-14', null, '20240301', 't']);
    expect(u1.position).toBe('pg:00000001198CB5C0:00000001198CB5C0:1');
    expect(u2.position).toBe('pg:00000001198CB630:00000001198CB630:1');
    expect(comparePositions(u1.position, u2.position)).toBe(-1);
  });

  it('decodes a delete: key from the Kafka key, no after image, placeholder before image', () => {
    const d = change(decodeRecord(record(precise, 'BOOKING_FIX', 5), booking));
    expect(d.op).toBe('d');
    expect(d.key).toEqual({ BOOKING_ID: '2' });
    expect(d.values).toBeNull();
    // Default REPLICA IDENTITY: only the key is real; NOT NULL columns carry placeholders.
    expect(d.before).toEqual(['2', '', '0.00000000', '1970-01-01 00:00:00.000000', '1970-01-01', null, '0', 'f']);
  });

  it('skips the tombstone after a delete', () => {
    const t = record(precise, 'BOOKING_FIX', 6);
    expect(t.value).toBeNull();
    expect(decodeRecord(t, booking)).toEqual({ kind: 'tombstone' });
    expect(decodeRecord({ ...t, value: '' }, booking)).toEqual({ kind: 'tombstone' });
    expect(decodeRecord({ ...t, value: Buffer.from('{"schema":null,"payload":null}') }, booking)).toEqual({ kind: 'tombstone' });
  });

  it('decodes a truncate (op t) with no key and no images', () => {
    const t = change(decodeRecord(record(precise, 'BOOKING_FIX', 7), booking));
    expect(t).toMatchObject({ op: 't', key: {}, values: null, before: null, addedColumns: [] });
  });

  it('orders every event of a topic by position in the order PostgreSQL committed them', () => {
    for (const [table, contract] of [['BOOKING_FIX', booking], ['TYPES_FIX', types]] as const) {
      const positions = precise
        .filter((r) => r.topic.endsWith(table) && r.value !== null)
        .map((r) => change(decodeRecord(r, contract)).position);
      expect(positions.length).toBeGreaterThan(3);
      // Snapshot rows of different keys share the snapshot's position; streamed changes are strictly ordered.
      for (let i = 1; i < positions.length; i++) {
        const snapshotPair = positions[i - 1]!.endsWith(':0') && positions[i]!.endsWith(':0');
        expect(comparePositions(positions[i - 1]!, positions[i]!)).toBe(snapshotPair ? 0 : -1);
      }
      expect([...positions].sort()).toEqual(positions);
    }
  });

  it('decodes every other logical type of TYPES_FIX (REPLICA IDENTITY FULL)', () => {
    const r = change(decodeRecord(record(precise, 'TYPES_FIX', 0), types));
    expect(r.values).toEqual([
      '1', '-32768', '3.14159', '-2.718281828459045', '-12345.67', '123.4500', 'ab        ', '23:59:59.999999',
      '2024-02-29 12:00:00.125000', '2024-06-01 06:30:00.500000', '06:30:00.250000', '\\x00ff10', '{"a": [1, 2]}', '\\x8102', 'busy',
    ]);
    const u = change(decodeRecord(record(precise, 'TYPES_FIX', 1), types));
    expect(u.before).toEqual(r.values);
    expect(u.values?.[2]).toBeNull();
    expect(u.values?.[5]).toBe('-0.0010');
    expect(u.values?.[9]).toBe('1970-01-01 05:29:59.999999');
    const c = change(decodeRecord(record(precise, 'TYPES_FIX', 2), types));
    expect(c.values).toEqual(['2', ...Array(14).fill(null)]);
  });

  it('gives the same text for decimal.handling.mode=string as for precise', () => {
    for (const table of ['BOOKING_FIX', 'TYPES_FIX']) {
      const [contract, stringContract] = table === 'BOOKING_FIX' ? [booking, bookingString] : [types, typesString];
      const records = precise.filter((r) => r.topic.endsWith(table) && r.value !== null);
      expect(records.length).toBeGreaterThan(3);
      for (const r of records) {
        const p = change(decodeRecord(r, contract));
        const s = change(decodeRecord(record(stringMode, table, Number(r.offset)), stringContract));
        expect({ values: s.values, before: s.before, key: s.key }).toEqual({ values: p.values, before: p.before, key: p.key });
      }
    }
  });

  it('decodes schema-less events (payload only) the same as events with schemas', () => {
    for (const offset of [0, 2, 3, 5]) {
      const full = record(stringMode, 'BOOKING_FIX', offset);
      const schemaLess = {
        ...full,
        key: JSON.stringify(JSON.parse(String(full.key)).payload),
        value: JSON.stringify(valueOf(full).payload),
      };
      const a = change(decodeRecord(full, bookingString));
      const b = change(decodeRecord(schemaLess, bookingString));
      expect(b).toEqual(a);
    }
  });
});

describe('decodeRecord contract validation', () => {
  const create = record(precise, 'BOOKING_FIX', 2);

  it('fails a value that does not decode, naming topic, offset, table and column', () => {
    const bad = withValue(record(stringMode, 'BOOKING_FIX', 2), (v) => { v.payload.after.AMOUNT = 'abc'; });
    expect(decodeRecord({ ...bad, topic: 'cdcfix.CDCFIX.BOOKING_FIX' }, bookingString)).toEqual({
      kind: 'failure',
      reason: `${prefix} 2 (fix.booking_fix): column AMOUNT expected DECIMAL(31,8), got Debezium string "abc" (not a decimal)`,
    });
  });

  it('fails NULL in a NOT NULL column', () => {
    const bad = withValue(create, (v) => { v.payload.after.ARRIVAL_DATE = null; });
    expect(decodeRecord(bad, booking)).toEqual({
      kind: 'failure', reason: `${prefix} 2 (fix.booking_fix): column ARRIVAL_DATE expected DATE NOT NULL, got null`,
    });
  });

  it('fails a decimal with more fraction digits than the contract scale instead of rounding', () => {
    const bad = withValue(record(stringMode, 'BOOKING_FIX', 2), (v) => { v.payload.after.AMOUNT = '1.123456789'; });
    expect(decodeRecord({ ...bad, topic: 'cdcfix.CDCFIX.BOOKING_FIX' }, bookingString)).toMatchObject({
      kind: 'failure', reason: `${prefix} 2 (fix.booking_fix): column AMOUNT expected DECIMAL(31,8), got Debezium string "1.123456789" (more than 8 fraction digits)`,
    });
  });

  it('fails corrupt base64 decimal bytes', () => {
    const bad = withValue(create, (v) => { v.payload.after.AMOUNT = 'not base64!'; });
    expect(decodeRecord(bad, booking)).toMatchObject({
      kind: 'failure',
      reason: `${prefix} 2 (fix.booking_fix): column AMOUNT expected DECIMAL(31,8), got Debezium bytes org.apache.kafka.connect.data.Decimal(scale 8) "not base64!" (not base64)`,
    });
  });

  it('fails an event routed to the wrong table', () => {
    const bad = withValue(create, (v) => { v.payload.source.table = 'OTHER'; });
    expect(decodeRecord(bad, booking)).toEqual({
      kind: 'failure', reason: `${prefix} 2 (fix.booking_fix): event is for source table CDCFIX.OTHER, the contract reads CDCFIX.BOOKING_FIX`,
    });
  });

  it('fails an unknown op and a missing source block', () => {
    const badOp = withValue(create, (v) => { v.payload.op = 'x'; });
    expect(decodeRecord(badOp, booking)).toEqual({
      kind: 'failure', reason: `${prefix} 2 (fix.booking_fix): not a Debezium envelope: op: expected op 'c', 'u', 'd', 'r' or 't'`,
    });
    const noSource = withValue(create, (v) => { delete (v.payload as Record<string, unknown>).source; });
    expect(decodeRecord(noSource, booking)).toEqual({
      kind: 'failure', reason: `${prefix} 2 (fix.booking_fix): not a Debezium envelope: source: expected a source block`,
    });
  });

  it('reports an added column as non-breaking and still decodes the change', () => {
    const added = withValue(create, (v) => {
      v.schema.fields[1]!.fields!.push({ type: 'string', optional: true, field: 'LOYALTY_TIER' });
      v.payload.after.LOYALTY_TIER = 'gold';
    });
    const c = change(decodeRecord(added, booking));
    expect(c.addedColumns).toEqual(['LOYALTY_TIER']);
    expect(c.values).toEqual(change(decodeRecord(create, booking)).values);
  });

  it('classifies a dropped column as a schema change, not a corrupt event', () => {
    const dropped = withValue(create, (v) => {
      v.schema.fields[1]!.fields = v.schema.fields[1]!.fields!.filter((f) => f.field !== 'NOTE');
      delete v.payload.after.NOTE;
    });
    expect(decodeRecord(dropped, booking)).toEqual({
      kind: 'schema-change',
      reason: `${prefix} 2 (fix.booking_fix): schema change: column NOTE dropped`,
      schemaChange: { added: [], dropped: ['NOTE'], retyped: [] },
      blockers: [],
    });
  });

  it('classifies a retyped column as a schema change naming both types, with the additions', () => {
    const retyped = withValue(create, (v) => {
      const fields = v.schema.fields[1]!.fields!;
      const note = fields.find((f) => f.field === 'NOTE')!;
      note.type = 'int32';
      fields.push({ type: 'int16', optional: true, field: 'ROOMS' });
      v.payload.after.NOTE = 42;
      v.payload.after.ROOMS = 2;
    });
    expect(decodeRecord(retyped, booking)).toEqual({
      kind: 'schema-change',
      reason: `${prefix} 2 (fix.booking_fix): schema change: column NOTE expected VARCHAR(120), got Debezium int32; column ROOMS added`,
      schemaChange: { added: ['ROOMS'], dropped: [], retyped: [{ column: 'NOTE', contract: 'VARCHAR(120)', event: 'int32' }] },
      blockers: ["column NOTE: Debezium int32 cannot be read as the contract's VARCHAR(120) (another type family), so the contract must change"],
    });
  });

  it('classifies a scale change of a Decimal field as retyped', () => {
    const retyped = withValue(create, (v) => {
      const amount = v.schema.fields[1]!.fields!.find((f) => f.field === 'AMOUNT')!;
      amount.parameters = { scale: '10', 'connect.decimal.precision': '31' };
    });
    expect(decodeRecord(retyped, booking)).toMatchObject({
      kind: 'schema-change',
      schemaChange: { retyped: [{ column: 'AMOUNT', contract: 'DECIMAL(31,8)', event: 'bytes org.apache.kafka.connect.data.Decimal(scale 10)' }] },
    });
  });

  it('reports a type mismatch in a schema-less event as a failure (no schema proves a type change)', () => {
    const full = { ...record(stringMode, 'BOOKING_FIX', 2), topic: 'cdcfix.CDCFIX.BOOKING_FIX' };
    const payload = valueOf(full).payload;
    payload.after.NOTE = 42;
    expect(decodeRecord({ ...full, value: JSON.stringify(payload) }, bookingString)).toEqual({
      kind: 'failure', reason: `${prefix} 2 (fix.booking_fix): column NOTE expected VARCHAR(120), got JSON 42 in a schema-less event`,
    });
    delete payload.after.NOTE;
    expect(decodeRecord({ ...full, value: JSON.stringify(payload) }, bookingString)).toMatchObject({
      kind: 'schema-change', schemaChange: { dropped: ['NOTE'] },
    });
  });

  it('fails garbage JSON and non-envelopes', () => {
    expect(decodeRecord({ ...create, value: '{"payload": ' }, booking)).toMatchObject({ kind: 'failure' });
    expect(decodeRecord({ ...create, value: '[1,2]' }, booking)).toEqual({
      kind: 'failure', reason: `${prefix} 2 (fix.booking_fix): value is not a Debezium envelope (got an array)`,
    });
  });

  it('keeps BIGINT keys past 2^53 exact', () => {
    const big = '9007199254740993';
    const input = { ...create, key: String(create.key).replace('"BOOKING_ID":3', `"BOOKING_ID":${big}`), value: String(create.value).replace('"BOOKING_ID":3', `"BOOKING_ID":${big}`) };
    const c = change(decodeRecord(input, booking));
    expect(c.key).toEqual({ BOOKING_ID: big });
    expect(c.values?.[0]).toBe(big);
  });
});

describe('decodeRecord with schema changes the DPO accepted', () => {
  const create = record(precise, 'BOOKING_FIX', 2);
  const decoded = change(decodeRecord(create, booking)).values!;
  const noteAt = bookingFix.columns.findIndex((c) => c.name === 'NOTE');
  const amountAt = bookingFix.columns.findIndex((c) => c.name === 'AMOUNT');
  const withoutColumn = (name: string) => withValue(create, (v) => {
    v.schema.fields[1]!.fields = v.schema.fields[1]!.fields!.filter((f) => f.field !== name);
    delete v.payload.after[name];
  });
  /** AMOUNT as a Decimal of scale 10 holding `unscaledHex` (big-endian two's complement). */
  const amountScale10 = (unscaledHex: string) => withValue(create, (v) => {
    const amount = v.schema.fields[1]!.fields!.find((f) => f.field === 'AMOUNT')!;
    amount.parameters = { scale: '10', 'connect.decimal.precision': '33' };
    v.payload.after.AMOUNT = Buffer.from(unscaledHex, 'hex').toString('base64');
  });
  const scale10 = 'bytes org.apache.kafka.connect.data.Decimal(scale 10)';

  it('reads an accepted dropped nullable column as NULL and decodes everything else as before', () => {
    const c = change(decodeRecord(withoutColumn('NOTE'), { ...booking, accepted: { dropped: ['NOTE'], retyped: [] } }));
    expect(c.values).toEqual(decoded.map((v, i) => (i === noteAt ? null : v)));
  });

  it('keeps a dropped NOT NULL column breaking even when accepted: the contract must change', () => {
    expect(decodeRecord(withoutColumn('CHANNEL_CODE'), { ...booking, accepted: { dropped: ['CHANNEL_CODE'], retyped: [] } })).toEqual({
      kind: 'schema-change',
      reason: `${prefix} 2 (fix.booking_fix): schema change: column CHANNEL_CODE dropped`,
      schemaChange: { added: [], dropped: ['CHANNEL_CODE'], retyped: [] },
      blockers: ['column CHANNEL_CODE is NOT NULL in the contract: a dropped column can read as NULL only in a nullable column, so the contract must change'],
    });
  });

  it('pauses on a change other than the accepted one, naming only what is not covered', () => {
    const both = withValue(withoutColumn('NOTE'), (v) => {
      v.schema.fields[1]!.fields!.find((f) => f.field === 'ACTIVE')!.type = 'int16';
      v.payload.after.ACTIVE = 1;
    });
    expect(decodeRecord(both, { ...booking, accepted: { dropped: ['NOTE'], retyped: [] } })).toMatchObject({
      kind: 'schema-change', schemaChange: { dropped: [], retyped: [{ column: 'ACTIVE', contract: 'BOOLEAN', event: 'int16' }] },
    });
  });

  it('decodes an accepted decimal retype value by value into the contract scale', () => {
    const accepted = { dropped: [], retyped: [{ column: 'AMOUNT', event: scale10 }] };
    // 1234500 at scale 10 = 0.0001234500: the two extra digits are zeros, so the value fits DECIMAL(31,8) exactly.
    const c = change(decodeRecord(amountScale10('12d644'), { ...booking, accepted }));
    expect(c.values).toEqual(decoded.map((v, i) => (i === amountAt ? '0.00012345' : v)));
    // 1234567 at scale 10 would lose digits: the acceptance does not cover it, the table pauses again.
    expect(decodeRecord(amountScale10('12d687'), { ...booking, accepted })).toEqual({
      kind: 'schema-change',
      reason: `${prefix} 2 (fix.booking_fix): schema change: column AMOUNT expected DECIMAL(31,8), got Debezium ${scale10} "EtaH" (more than 8 fraction digits)`,
      schemaChange: { added: [], dropped: [], retyped: [{ column: 'AMOUNT', contract: 'DECIMAL(31,8)', event: scale10 }] },
      blockers: [`column AMOUNT expected DECIMAL(31,8), got Debezium ${scale10} "EtaH" (more than 8 fraction digits): the accepted retype does not cover this value, so the contract must change`],
    });
    // Not accepted (or accepted for another type): still a schema change.
    expect(decodeRecord(amountScale10('12d644'), booking)).toMatchObject({ kind: 'schema-change', blockers: [] });
    expect(decodeRecord(amountScale10('12d644'), { ...booking, accepted: { dropped: [], retyped: [{ column: 'AMOUNT', event: 'int64' }] } })).toMatchObject({ kind: 'schema-change' });
  });

  it('keeps a retype into another type family breaking even when accepted', () => {
    const retyped = withValue(create, (v) => {
      v.schema.fields[1]!.fields!.find((f) => f.field === 'NOTE')!.type = 'int32';
      v.payload.after.NOTE = 42;
    });
    expect(decodeRecord(retyped, { ...booking, accepted: { dropped: [], retyped: [{ column: 'NOTE', event: 'int32' }] } })).toMatchObject({
      kind: 'schema-change', blockers: ["column NOTE: Debezium int32 cannot be read as the contract's VARCHAR(120) (another type family), so the contract must change"],
    });
  });
});
