import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeRecord } from './decode.js';
import { parseEnvelope, parseKey } from './envelope.js';
import { parseJsonExact } from './json.js';
import { bookingFix, readFixture, record, typesFix } from '../../test/support/cdc-contracts.js';

describe('parseEnvelope', () => {
  it('reads envelopes with and without schemas', () => {
    const payload = { op: 'c', before: null, after: { ID: 1 }, source: { connector: 'postgresql' }, ts_ms: 5 };
    const withSchema = { schema: { type: 'struct', fields: [{ type: 'struct', field: 'after', fields: [{ type: 'int32', field: 'ID' }] }] }, payload };
    const a = parseEnvelope(JSON.stringify(withSchema));
    const b = parseEnvelope(Buffer.from(JSON.stringify(payload)));
    expect(a).toMatchObject({ kind: 'envelope', envelope: { op: 'c', after: { ID: 1 }, rowFields: [{ type: 'int32', field: 'ID' }] } });
    expect(b).toMatchObject({ kind: 'envelope', envelope: { op: 'c', after: { ID: 1 }, rowFields: null } });
  });

  it('treats null, empty and null-payload values as tombstones', () => {
    expect(parseEnvelope(null)).toEqual({ kind: 'tombstone' });
    expect(parseEnvelope(Buffer.alloc(0))).toEqual({ kind: 'tombstone' });
    expect(parseEnvelope('null')).toEqual({ kind: 'tombstone' });
  });

  it('refuses creates and updates without an after image', () => {
    expect(parseEnvelope(JSON.stringify({ op: 'u', before: null, after: null, source: {} }))).toEqual({ kind: 'invalid', reason: "op 'u' without an after image" });
  });

  it('reads keys with and without schemas', () => {
    expect(parseKey('{"schema":{"type":"struct","fields":[{"type":"int64","field":"ID"}]},"payload":{"ID":1}}'))
      .toEqual({ kind: 'key', values: { ID: 1 }, fields: [{ type: 'int64', field: 'ID' }] });
    expect(parseKey('{"ID":1}')).toEqual({ kind: 'key', values: { ID: 1 }, fields: null });
    expect(parseKey(null)).toEqual({ kind: 'none' });
    expect(parseKey('7')).toEqual({ kind: 'invalid', reason: 'key is not an object (got number 7)' });
  });
});

describe('parseJsonExact', () => {
  it('keeps integers past 2^53 as digit strings, leaves strings and small numbers alone', () => {
    expect(parseJsonExact('{"a":1795909842948319123,"b":"x 1795909842948319123 \\" 1795909842948319123","c":-9007199254740993,"d":1.5e300,"e":12}'))
      .toEqual({ a: '1795909842948319123', b: 'x 1795909842948319123 " 1795909842948319123', c: '-9007199254740993', d: 1.5e300, e: 12 });
  });
});

describe('decoding never throws', () => {
  const precise = readFixture('pg-precise.json');
  const contracts = [{ domain: 'fix', table: bookingFix }, { domain: 'fix', table: typesFix }];
  const base = record(precise, 'BOOKING_FIX', 2);

  // A deterministic generator, so a failing case can be reproduced from the seed in the test name.
  function rng(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }

  it('returns a failure or a tombstone for random garbage buffers', () => {
    for (let i = 0; i < 300; i++) {
      const value = randomBytes(i % 64);
      const result = decodeRecord({ ...base, key: randomBytes(i % 7), value }, contracts[i % 2]!);
      expect(['failure', 'tombstone']).toContain(result.kind);
    }
  });

  it('returns a result for every mutation of real events (byte flips, truncation, type swaps)', () => {
    const random = rng(20240601);
    const samples = precise.filter((r) => r.value !== null);
    const swaps = ['null', '"x"', '-1', '1e999', '[]', '{}', 'true', '"AAAA"', '{"scale":1,"value":"!"}', '99999999999999999999999'];
    const kinds = new Set<string>();
    for (let i = 0; i < 1500; i++) {
      const r = samples[Math.floor(random() * samples.length)]!;
      const text = String(r.value);
      let mutated: string;
      switch (i % 3) {
        case 0: {
          const at = Math.floor(random() * text.length);
          mutated = text.slice(0, at) + String.fromCharCode(Math.floor(random() * 128)) + text.slice(at + 1);
          break;
        }
        case 1: mutated = text.slice(0, Math.floor(random() * text.length)); break;
        default: {
          // Replace one JSON value after a random '":' with another kind of value.
          const colons = [...text.matchAll(/":/g)].map((m) => m.index!);
          const at = colons[Math.floor(random() * colons.length)]! + 2;
          const end = text.slice(at).search(/[,}]/);
          mutated = text.slice(0, at) + swaps[Math.floor(random() * swaps.length)]! + text.slice(at + (end < 0 ? 0 : end));
        }
      }
      const contract = r.topic.endsWith('TYPES_FIX') ? contracts[1]! : contracts[0]!;
      const result = decodeRecord({ ...r, value: mutated }, contract);
      kinds.add(result.kind);
      if (result.kind === 'failure' || result.kind === 'schema-change') expect(result.reason).toMatch(/^topic cdcfix\.CDCFIX\.\w+ partition 0 offset \d+ \(fix\.\w+\): /);
    }
    expect(kinds).toContain('failure');
    expect(kinds).toContain('change');
  });

  it('returns a failure for hostile inputs and contracts', () => {
    expect(decodeRecord(undefined as never, contracts[0]!).kind).toBe('failure');
    expect(decodeRecord(base, { domain: 'fix', table: { ...bookingFix, columns: [{ ...bookingFix.columns[0]!, type: 'WIDGET' }] } })).toEqual({
      kind: 'failure',
      reason: "topic cdcfix.CDCFIX.BOOKING_FIX partition 0 offset 2 (fix.booking_fix): contract is invalid: unsupported source type 'WIDGET' (expected one of SMALLINT, INTEGER, BIGINT, DECIMAL, DECFLOAT, REAL, DOUBLE, CHAR, VARCHAR, GRAPHIC, VARGRAPHIC, DATE, TIME, TIMESTAMP, BLOB, CLOB, DBCLOB, BOOLEAN, with DB2 arguments such as DECIMAL(31,8) or TIMESTAMP(6))",
    });
  });
});
