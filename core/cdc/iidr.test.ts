import { describe, expect, it } from 'vitest';
import { tableSchema } from '../../contracts/contract.js';
import { decodeRecord, type DecodeResult, type DecodedChange, type KafkaRecordInput } from './decode.js';
import { comparePositions } from './position.js';
import { bookingFix, readFixture, record } from '../../test/support/cdc-contracts.js';
import { iidrOrders } from './fixtures/iidr-orders.js';

/**
 * Vectors written from IBM's documentation of the CDC Replication Engine for Kafka (IDR 11.4), not
 * captured from a live IIDR:
 * - [JSON1] "Enabling a KCOP to write JSON records with before and after images in one row"
 *   (KcopJsonSingleRowAuditFormatIntegrated): JSON-encoded key and value, before and after images in
 *   one row, before-image fields prefixed (before.image.prefix=B_), journal control fields from
 *   audit.jcfs (the page's example: ENTTYP,CCID).
 * - [AUDIT] "Enabling a KCOP to write audit records in Avro format" (KcopMultiRowAvroLiveAuditIntegrated)
 *   and its sample records: A_ENTTYP PT/UB/UP/DL, A_CCID '116489854', A_TIMSTAMP '2018-01-01
 *   22:34:49.000000000000', nullable columns in Avro's JSON union form {"string":"dddd      "},
 *   key {"ID":"1"} (KcopJsonFormatIntegrated's sample). Before and after images are separate records.
 * - [CODES] "Journal codes": PT insert, UB/UP update before/after, DL delete, RR refresh, CR clear.
 * - [JCF] "Retrieving journal control fields": CCID the transaction, SEQNO the journal sequence.
 * Assumed where the pages are silent (see iidr.ts): SEQNO added to audit.jcfs (A_SEQNO), TIMSTAMP in
 * UTC, a delete's row in the before image, dates and timestamps as text, DECIMAL as text.
 */

const orders = iidrOrders;
const contract = { domain: 'sales', table: orders, format: 'iidr-kcop-json' as const };
const topic = 'factory.SALES.ORDERS';
let offset = 0;

function rec(value: unknown, options: { key?: unknown; headers?: Record<string, string | null> } = {}): KafkaRecordInput {
  return {
    topic, partition: 0, offset: offset++, timestamp: '1700000000000',
    key: options.key === undefined ? Buffer.from('{"ID":7}') : options.key === null ? null : Buffer.from(JSON.stringify(options.key)),
    value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    ...(options.headers ? { headers: options.headers } : {}),
  };
}

const after = { ID: 7, C2: { string: 'dddd      ' }, AMOUNT: '1234.50', ORDERED: '2018-01-01', CHANGED: { string: '2018-01-01 22:32:07.123456' } };
const nullBefore = { B_ID: null, B_C2: null, B_AMOUNT: null, B_ORDERED: null, B_CHANGED: null };
const jcf = (enttyp: string, seqno: string, ts = '2018-01-01 22:32:07.000000000000') => ({ A_ENTTYP: enttyp, A_CCID: '116489715', A_SEQNO: seqno, A_TIMSTAMP: ts });

function change(result: DecodeResult): DecodedChange {
  if (result.kind !== 'change') throw new Error(`expected a change, got ${JSON.stringify(result)}`);
  return result.change;
}
function failure(result: DecodeResult): string {
  if (result.kind !== 'failure') throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return result.reason;
}

describe('IIDR KcopJsonSingleRowAuditFormatIntegrated records', () => {
  it('decodes an insert (PT) [JSON1][CODES]: after image typed by the contract, position from SEQNO, commit time from TIMSTAMP', () => {
    const c = change(decodeRecord(rec({ ...after, ...nullBefore, ...jcf('PT', '116489715') }), contract));
    expect(c.op).toBe('c');
    expect(c.key).toEqual({ ID: '7' });
    expect(c.values).toEqual(['7', 'dddd      ', '1234.50', '2018-01-01', '2018-01-01 22:32:07.123456']);
    expect(c.before).toBeNull();
    expect(c.position).toBe(`iidr:${'116489715'.padStart(38, '0')}:1`);
    expect(c.sourceTsMs).toBe(Date.UTC(2018, 0, 1, 22, 32, 7));
    expect(c.addedColumns).toEqual([]);
  });

  it('decodes an update (UP) with its before image in the same row [JSON1]', () => {
    const u = change(decodeRecord(rec({
      ...after, C2: { string: 'update    ' }, AMOUNT: '99.99', CHANGED: null,
      B_ID: 7, B_C2: { string: 'dddd      ' }, B_AMOUNT: '1234.50', B_ORDERED: '2018-01-01', B_CHANGED: { string: '2018-01-01 22:32:07.123456' },
      ...jcf('UP', '116489854', '2018-01-01 22:34:49.000000000000'),
    }), contract));
    expect(u.op).toBe('u');
    expect(u.values).toEqual(['7', 'update    ', '99.99', '2018-01-01', null]);
    expect(u.before).toEqual(['7', 'dddd      ', '1234.50', '2018-01-01', '2018-01-01 22:32:07.123456']);
    expect(u.sourceTsMs).toBe(Date.UTC(2018, 0, 1, 22, 34, 49));
  });

  it('an update that changed the key also deletes the row under the old key, at the same position', () => {
    const result = decodeRecord(rec({
      ...after, ID: 8, B_ID: 7, B_C2: { string: 'dddd      ' }, B_AMOUNT: '1234.50', B_ORDERED: '2018-01-01', B_CHANGED: null, ...jcf('UP', '600'),
    }, { key: { ID: 8 } }), contract);
    if (result.kind !== 'change') throw new Error(JSON.stringify(result));
    expect(result.change).toMatchObject({ op: 'u', key: { ID: '8' }, values: ['8', 'dddd      ', '1234.50', '2018-01-01', '2018-01-01 22:32:07.123456'] });
    expect(result.keyChangedFrom).toMatchObject({ op: 'd', key: { ID: '7' }, values: null, position: result.change.position });
    const same = decodeRecord(rec({ ...after, B_ID: 7, B_C2: null, B_AMOUNT: '1.00', B_ORDERED: '2018-01-01', B_CHANGED: null, ...jcf('UP', '601') }), contract);
    expect(same.kind === 'change' && same.keyChangedFrom).toBeUndefined();
  });

  it('decodes a delete (DL): the row from the before image, no after values, key from the Kafka key', () => {
    const d = change(decodeRecord(rec({
      ID: null, C2: null, AMOUNT: null, ORDERED: null, CHANGED: null,
      B_ID: 7, B_C2: { string: 'dddd      ' }, B_AMOUNT: '1234.50', B_ORDERED: '2018-01-01', B_CHANGED: null, ...jcf('DL', '116498161'),
    }), contract));
    expect(d.op).toBe('d');
    expect(d.values).toBeNull();
    expect(d.key).toEqual({ ID: '7' });
    expect(d.before).toEqual(['7', 'dddd      ', '1234.50', '2018-01-01', null]);
  });

  it('decodes refresh rows (RR) below a mirrored change at the same journal sequence', () => {
    const r = change(decodeRecord(rec({ ...after, ...nullBefore, ...jcf('RR', '500') }), contract));
    const u = change(decodeRecord(rec({ ...after, ...nullBefore, ...jcf('UP', '500') }), contract));
    expect(r.op).toBe('r');
    expect(r.values).toEqual(['7', 'dddd      ', '1234.50', '2018-01-01', '2018-01-01 22:32:07.123456']);
    expect(comparePositions(r.position, u.position)).toBe(-1);
  });

  it('orders changes of a key by journal sequence as numbers, and a replayed record has the same position', () => {
    const at = (seqno: string) => change(decodeRecord(rec({ ...after, ...nullBefore, ...jcf('UP', seqno) }), contract)).position;
    expect(comparePositions(at('999'), at('1000'))).toBe(-1);
    expect(at('1000')).toBe(at('1000'));
  });

  it('reads journal control fields from record headers when the value carries only the row', () => {
    const c = change(decodeRecord(rec({ ...after }, { headers: { A_ENTTYP: 'PT', A_SEQNO: '42', A_TIMSTAMP: '2018-01-02 01:01:44.000000000000' } }), contract));
    expect(c.op).toBe('c');
    expect(c.position).toBe(`iidr:${'42'.padStart(38, '0')}:1`);
    expect(c.sourceTsMs).toBe(Date.UTC(2018, 0, 2, 1, 1, 44));
  });

  it('refuses a journal control header that is not valid UTF-8, naming it', () => {
    expect(failure(decodeRecord(rec({ ...after }, { headers: { A_ENTTYP: null, A_SEQNO: '1', A_TIMSTAMP: '2018-01-01 00:00:00' } }), contract))).toMatch(/header A_ENTTYP is not valid UTF-8/);
  });

  it('decodes a record with headers only (no value): a delete by the Kafka key', () => {
    const d = change(decodeRecord(rec(null, { key: { ID: '8' }, headers: { A_ENTTYP: 'DL', A_SEQNO: '43', A_TIMSTAMP: '2018-01-02 01:11:17.000000000000' } }), contract));
    expect(d).toMatchObject({ op: 'd', key: { ID: '8' }, values: null, before: null });
  });

  it('a value without journal control fields and a null value without headers: dead letter, and skipped', () => {
    expect(failure(decodeRecord(rec({ ...after }), contract))).toMatch(/offset \d+ \(sales\.orders\): IIDR record without a journal entry type: expected A_ENTTYP/);
    expect(decodeRecord(rec(null), contract)).toEqual({ kind: 'tombstone' });
  });
});

describe('IIDR multi-row audit records [AUDIT]', () => {
  it('skips the before-image record (UB) and applies the after image (UP) of the same journal entry', () => {
    expect(decodeRecord(rec({ ID: '3', C2: { string: 'dddd      ' }, AMOUNT: '1.00', ORDERED: '2018-01-01', CHANGED: null, ...jcf('UB', '116489854') }), contract)).toEqual({ kind: 'tombstone' });
    const u = change(decodeRecord(rec({ ID: '9', C2: { string: 'dddd      ' }, AMOUNT: '1.00', ORDERED: '2018-01-01', CHANGED: null, ...jcf('UP', '116489854') }, { key: { ID: '9' } }), contract));
    expect(u).toMatchObject({ op: 'u', key: { ID: '9' }, values: ['9', 'dddd      ', '1.00', '2018-01-01', null], before: null });
  });

  it('decodes a delete whose row is in the unprefixed fields', () => {
    const d = change(decodeRecord(rec({ ID: 1, C2: { string: 'a         ' }, AMOUNT: '5.00', ORDERED: '2018-01-02', CHANGED: null, ...jcf('DL', '116498161') }, { key: { ID: '1' } }), contract));
    expect(d).toMatchObject({ op: 'd', key: { ID: '1' }, values: null, before: ['1', 'a         ', '5.00', '2018-01-02', null] });
  });

  it('maps a table clear (CR) to a truncate', () => {
    expect(change(decodeRecord(rec({ ...jcf('CR', '700') }, { key: null }), contract))).toMatchObject({ op: 't', key: {}, values: null });
  });
});

describe('malformed IIDR records go to the dead-letter path with their reason', () => {
  const reason = (value: unknown, options?: Parameters<typeof rec>[1]) => failure(decodeRecord(rec(value, options), contract));

  it('names topic, partition, offset and table, and what was expected', () => {
    offset = 41;
    expect(reason({ ...after, ...jcf('PT', '1'), A_SEQNO: undefined })).toMatch(
      /^topic factory\.SALES\.ORDERS partition 0 offset 41 \(sales\.orders\): IIDR journal sequence A_SEQNO \(value or header; add SEQNO to audit\.jcfs\)/,
    );
  });

  it('refuses unknown entry types, bad sequences and bad commit times', () => {
    expect(reason({ ...after, ...jcf('ZZ', '1') })).toMatch(/entry type "ZZ" is not one this decoder maps \(expected PT, RR, UP, UB, DL, CR\)/);
    expect(reason({ ...after, ...jcf('PT', '-5') })).toMatch(/SEQNO\) must be a non-negative integer/);
    expect(reason({ ...after, ...jcf('PT', '1', 'yesterday') })).toMatch(/A_TIMSTAMP .* expected 'YYYY-MM-DD HH:MM:SS.ffffff', got "yesterday"/);
  });

  it('refuses values that do not fit their contract column', () => {
    expect(reason({ ...after, ORDERED: '2018-02-30', ...jcf('PT', '1') })).toMatch(/column ORDERED expected an IIDR date YYYY-MM-DD, got "2018-02-30"/);
    expect(reason({ ...after, AMOUNT: '12.345', ...jcf('PT', '1') })).toMatch(/column AMOUNT expected DECIMAL\(11,2\), got .*more than 2 fraction digits/);
    expect(reason({ ...after, C2: { string: 'eleven chars' }, ...jcf('PT', '1') })).toMatch(/column C2 expected CHAR\(10\)/);
    expect(reason({ ...after, C2: { record: {} }, ...jcf('PT', '1') })).toMatch(/field C2 is an object, not an Avro JSON value/);
    expect(reason({ ...after, AMOUNT: null, ...jcf('PT', '1') })).toMatch(/column AMOUNT expected DECIMAL\(11,2\) NOT NULL, got null/);
  });

  it('refuses a record of another table, non-JSON, binary Avro and invalid UTF-8', () => {
    expect(reason({ ...after, ...jcf('PT', '1'), A_OBJECT: 'INVOICES', A_LIBRARY: 'SALES' })).toMatch(/record is for source table INVOICES \(A_OBJECT\), the contract reads SALES\.ORDERS/);
    expect(reason('{"ID":')).toMatch(/value is not JSON/);
    expect(reason('[1,2]')).toMatch(/value is not an IIDR KCOP JSON object \(got an array\)/);
    const avro = { ...rec(null), value: Buffer.from([0, 0, 0, 0, 1, 2, 3]) };
    expect(failure(decodeRecord(avro, contract))).toMatch(/binary Avro \(Confluent wire format\), not JSON/);
    const latin1 = { ...rec(null), value: Buffer.from(JSON.stringify({ ...after, C2: 'caf\u00e9', ...jcf('PT', '1') }), 'latin1') };
    expect(failure(decodeRecord(latin1, contract))).toMatch(/not valid UTF-8/);
  });

  it('a Debezium event on a topic declared IIDR is refused, and an IIDR record on a Debezium topic too', () => {
    const debeziumEvent = { op: 'c', before: null, after: { ID: 7 }, source: { connector: 'db2', schema: 'SALES', table: 'ORDERS', commit_lsn: '00000001:00000001:0001' }, ts_ms: 1 };
    expect(reason(debeziumEvent)).toMatch(/without a journal entry type/);
    expect(failure(decodeRecord(rec({ ...after, ...jcf('PT', '1') }), { domain: 'sales', table: orders, format: 'debezium-db2' }))).toMatch(/not a Debezium envelope/);
  });

  it('a source declared Debezium Db2 refuses Debezium PostgreSQL events (their positions do not compare); the default reads either', () => {
    const pgEvent = record(readFixture('pg-precise.json'), 'BOOKING_FIX', 2);
    expect(failure(decodeRecord(pgEvent, { domain: 'fix', table: bookingFix, format: 'debezium-db2' }))).toMatch(/source\.connector "postgresql", but this source is captured by Debezium db2/);
    expect(change(decodeRecord(pgEvent, { domain: 'fix', table: bookingFix, format: 'debezium-postgresql' })).op).toBe('c');
    expect(change(decodeRecord(pgEvent, { domain: 'fix', table: bookingFix })).op).toBe('c');
  });
});

describe('IIDR values of the other column types', () => {
  const types = tableSchema.parse({
    name: 'types', description: 'IIDR types.', source: { system: 'db2', schema: 'SALES', table: 'TYPES' }, primaryKey: ['ID'],
    columns: [
      { name: 'ID', type: 'BIGINT' },
      { name: 'T_TIME', type: 'TIME', nullable: true },
      { name: 'T_TS3', type: 'TIMESTAMP(3)', nullable: true },
      { name: 'T_TS12', type: 'TIMESTAMP(12)', nullable: true },
      { name: 'T_BIN', type: 'BLOB(10)', nullable: true },
      { name: 'T_DBL', type: 'DOUBLE', nullable: true },
      { name: 'T_DEC', type: 'DECIMAL(31,8)', nullable: true },
    ],
  });
  const typed = { domain: 'sales', table: types, format: 'iidr-kcop-json' as const };

  it('reads times, timestamps of any precision (Db2 text form too), Avro JSON bytes, doubles, BIGINT past 2^53 and 31-digit decimals', () => {
    // Written as text: a JS number literal would be rounded before the decoder sees it.
    const c = change(decodeRecord(rec(JSON.stringify({
      ID: 'BIG', T_TIME: { string: '23:59:59.999999' }, T_TS3: { string: '1969-12-31 23:59:59.9995' },
      T_TS12: { string: '2018-01-01-22.32.07.123456789012' }, T_BIN: { bytes: '\u0000\u00ff\u0010' }, T_DBL: { double: 1.5 },
      T_DEC: { string: '12345678901234567890123.12345678' }, ...jcf('PT', '1'),
    }).replace('"BIG"', '9007199254740993'), { key: null }), typed));
    expect(c.key).toEqual({ ID: '9007199254740993' });
    expect(c.values).toEqual(['9007199254740993', '23:59:59.999999', '1969-12-31 23:59:59.999000', '2018-01-01 22:32:07.123456', '\\x00ff10', '1.5', '12345678901234567890123.12345678']);
  });

  it('refuses bytes that are not Avro JSON bytes and times out of range', () => {
    expect(failure(decodeRecord(rec({ ID: 1, T_BIN: { bytes: '\u0100' }, ...jcf('PT', '1') }, { key: null }), typed))).toMatch(/column T_BIN expected Avro JSON bytes/);
    expect(failure(decodeRecord(rec({ ID: 1, T_TIME: '25:00:00', ...jcf('PT', '1') }, { key: null }), typed))).toMatch(/column T_TIME expected an IIDR time/);
  });
});

describe('IIDR decoding never throws', () => {
  it('words every failure of a mutated vector itself (no decoder error), with topic, partition and offset', () => {
    const vectors = [
      JSON.stringify({ ...after, ...nullBefore, ...jcf('PT', '116489715') }),
      JSON.stringify({ ...after, B_ID: 7, B_C2: { string: 'x' }, B_AMOUNT: '1.00', B_ORDERED: '2018-01-01', B_CHANGED: null, ...jcf('UP', '2') }),
      JSON.stringify({ ID: null, C2: null, AMOUNT: null, ORDERED: null, CHANGED: null, B_ID: 7, B_C2: null, B_AMOUNT: '1.00', B_ORDERED: '2018-01-01', B_CHANGED: null, ...jcf('DL', '3') }),
    ];
    const swaps = ['null', '"x"', '-1', '1e999', '[]', '{}', 'true', '{"string":1}', '{"int":"a"}', '99999999999999999999999'];
    let s = 20261203;
    const random = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    const kinds = new Set<string>();
    for (let i = 0; i < 1500; i++) {
      const text = vectors[i % vectors.length]!;
      let mutated: string;
      if (i % 3 === 0) {
        const at = Math.floor(random() * text.length);
        mutated = text.slice(0, at) + String.fromCharCode(Math.floor(random() * 128)) + text.slice(at + 1);
      } else if (i % 3 === 1) {
        mutated = text.slice(0, Math.floor(random() * text.length));
      } else {
        const colons = [...text.matchAll(/":/g)].map((m) => m.index!);
        const at = colons[Math.floor(random() * colons.length)]! + 2;
        const end = text.slice(at).search(/[,}]/);
        mutated = text.slice(0, at) + swaps[Math.floor(random() * swaps.length)]! + text.slice(at + (end < 0 ? 0 : end));
      }
      const result = decodeRecord(rec(mutated), contract);
      kinds.add(result.kind);
      if (result.kind === 'failure' || result.kind === 'schema-change') {
        expect(result.reason).toMatch(/^topic factory\.SALES\.ORDERS partition 0 offset \d+ \(sales\.orders\): /);
        expect(result.reason).not.toMatch(/decoder error/);
      }
    }
    expect(kinds).toContain('failure');
    expect(kinds).toContain('change');
  });
});
