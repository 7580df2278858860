import { isUtf8 } from 'node:buffer';
import type { SourceType } from '../../contracts/source-types.js';
import type { AdapterResult, AdapterTable, KafkaRecordInput, KeyResult } from './adapter.js';
import { describeJson, type Op } from './envelope.js';
import { parseJsonExact } from './json.js';
import { iidrPosition } from './position.js';
import { matchFields } from './schema-change.js';
import { daysFromCivil } from './time.js';

/**
 * IBM IIDR (CDC Replication Engine for Kafka) records written by its JSON audit KCOP,
 * KcopJsonSingleRowAuditFormatIntegrated (IBM Docs, IDR 11.4: "Enabling a KCOP to write JSON records
 * with before and after images in one row"): the value is one JSON object holding the after image
 * (source column names), the before image under a prefix (before.image.prefix, 'B_' in IBM's example)
 * and the journal control fields listed in audit.jcfs as A_<field> (A_ENTTYP, A_CCID, A_SEQNO,
 * A_TIMSTAMP…). Values are Avro's JSON encoding, so a nullable column's value is wrapped in its type
 * ({"string": "abc"}); the key is the key columns as a JSON object. Records of the multi-row audit
 * shape (a UB before-image record, then the UP after image) decode too.
 *
 * Journal control fields absent from the value are read from record headers of the same name, for
 * subscriptions that put them there. Required: ENTTYP, SEQNO (the position) and TIMSTAMP (the source
 * time); a record without them is refused, naming what to add to audit.jcfs.
 *
 * What IBM's pages leave open, and we assume (unverified against a live IIDR):
 * - TIMSTAMP ('2018-01-01 22:32:07.000000000000') is UTC;
 * - SEQNO is written as decimal digits (at most 38) that grow along the journal or log;
 * - a delete's row is in the before image, or, without one, in the unprefixed fields;
 * - DATE, TIME and TIMESTAMP columns arrive as text ('2024-03-01', '10:15:30.5', '2024-03-01
 *   10:15:30.123456', or Db2's '2024-03-01-10.15.30.123456'), DECIMAL as text or a JSON number,
 *   binary columns as Avro JSON bytes (one character per byte).
 */

/** Journal entry types (IBM Docs, "Journal codes"): PT insert, RR refresh row, UP update after image, UB before image, DL delete, CR table clear. */
const entryTypes: Record<string, Op | 'before-image'> = { PT: 'c', RR: 'r', UP: 'u', UB: 'before-image', DL: 'd', CR: 't' };

const BEFORE_PREFIX = 'B_';
const JCF_PREFIX = 'A_';

/** Avro's JSON encoding of a union branch: {"<type>": value}. Named types (records, enums, fixed) are not used by the KCOP for columns. */
const avroBranches = new Set(['string', 'int', 'long', 'float', 'double', 'boolean', 'bytes']);

class Refused { constructor(readonly reason: string) {} }

export function parseIidrRecord(input: KafkaRecordInput, table: AdapterTable): AdapterResult {
  try {
    return parse(input, table);
  } catch (error) {
    if (error instanceof Refused) return { kind: 'invalid', reason: error.reason };
    throw error;
  }
}

function parse(input: KafkaRecordInput, table: AdapterTable): AdapterResult {
  const headers = input.headers ?? {};
  const object = valueObject(input.value);
  const jcf = (name: string): unknown => {
    const field = `${JCF_PREFIX}${name}`;
    if (object && field in object) return unwrap(object[field], field);
    if (headers[field] === null) throw new Refused(`header ${field} is not valid UTF-8`);
    return headers[field];
  };
  const entryType = jcf('ENTTYP');
  if (object === null && entryType === undefined) return { kind: 'tombstone' };
  if (typeof entryType !== 'string') {
    throw new Refused(`IIDR record without a journal entry type: expected A_ENTTYP in the value or a header (KcopJsonSingleRowAuditFormatIntegrated with ENTTYP in audit.jcfs), got ${show(entryType)}`);
  }
  const op = entryTypes[entryType.trim()];
  if (op === undefined) throw new Refused(`IIDR entry type ${JSON.stringify(entryType)} is not one this decoder maps (expected ${Object.keys(entryTypes).join(', ')})`);
  if (op === 'before-image') return { kind: 'tombstone' };
  checkTable(jcf('LIBRARY'), jcf('OBJECT'), table);

  const position = iidrPosition({ sequence: jcf('SEQNO'), phase: op === 'r' ? 0 : 1 });
  if (!position.ok) throw new Refused(`IIDR journal sequence A_SEQNO (value or header; add SEQNO to audit.jcfs): ${position.reason}`);
  const sourceTsMs = timestampMs(jcf('TIMSTAMP'));

  const { after, before } = images(object ?? {}, table);
  const row = op === 'd' ? before ?? after : after;
  if ((op === 'c' || op === 'r' || op === 'u') && row === null) throw new Refused(`IIDR entry type ${entryType} without an after image`);
  const record = {
    op,
    before: op === 'd' ? row : before,
    after: op === 'd' || op === 't' ? null : row,
    rowFields: null,
    position: position.position,
    sourceTsMs,
    debeziumDecimals: false,
    key: keyOf(input.key, table),
  };
  return { kind: 'record', record };
}

function valueObject(value: Uint8Array | string | null): Record<string, unknown> | null {
  if (value === null || value.length === 0) return null;
  if (value instanceof Uint8Array && value[0] === 0) {
    throw new Refused('value is binary Avro (Confluent wire format), not JSON: this source is declared iidr-kcop-json, which reads KcopJsonSingleRowAuditFormatIntegrated records');
  }
  if (value instanceof Uint8Array && !isUtf8(value)) throw new Refused('value is not valid UTF-8 (a source or converter encoding fault)');
  const text = typeof value === 'string' ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  let json: unknown;
  try {
    json = parseJsonExact(text);
  } catch (error) {
    throw new Refused(`value is not JSON (${(error as Error).message})`);
  }
  if (json === null) return null;
  if (typeof json !== 'object' || Array.isArray(json)) throw new Refused(`value is not an IIDR KCOP JSON object (got ${describeJson(json)})`);
  return json as Record<string, unknown>;
}

/** Avro JSON: null, a plain value, or {"<branch>": value} for a union. */
function unwrap(value: unknown, field: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && avroBranches.has(entries[0]![0])) return entries[0]![1];
  throw new Refused(`field ${field} is ${describeJson(value)}, not an Avro JSON value (null, a value, or {"string"|"int"|"long"|"double"|…: value})`);
}

/**
 * Splits the value's fields: journal control fields (A_…) that are not contract columns are dropped,
 * B_<name> is the before image of <name> when the record also has <name>, the rest is the after image.
 * An image whose every value is null is absent (an insert's before image, a delete's after image).
 */
function images(object: Record<string, unknown>, table: AdapterTable): { after: Record<string, unknown> | null; before: Record<string, unknown> | null } {
  const names = Object.keys(object);
  const contractNames = new Set(table.columns.map((c) => c.name.toUpperCase()));
  const rowNames = names.filter((n) => contractNames.has(n.toUpperCase()) || (!n.startsWith(JCF_PREFIX) && !(n.startsWith(BEFORE_PREFIX) && n.slice(BEFORE_PREFIX.length) in object)));
  const after: Record<string, unknown> = {};
  const before: Record<string, unknown> = {};
  let afterValues = 0;
  let beforeValues = 0;
  let hasBefore = false;
  for (const name of rowNames) {
    after[name] = unwrap(object[name], name);
    if (after[name] !== null) afterValues++;
    const prefixed = `${BEFORE_PREFIX}${name}`;
    if (prefixed in object) {
      hasBefore = true;
      before[name] = unwrap(object[prefixed], prefixed);
      if (before[name] !== null) beforeValues++;
    }
  }
  return {
    after: afterValues > 0 ? converted(after, table) : null,
    before: hasBefore && beforeValues > 0 ? converted(before, table) : null,
  };
}

function keyOf(key: Uint8Array | string | null, table: AdapterTable): KeyResult {
  if (key === null || key.length === 0) return { kind: 'none' };
  if (key instanceof Uint8Array && !isUtf8(key)) return { kind: 'invalid', reason: 'key is not valid UTF-8' };
  let json: unknown;
  try {
    json = parseJsonExact(typeof key === 'string' ? key : Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('utf8'));
  } catch (error) {
    return { kind: 'invalid', reason: `key is not JSON (${(error as Error).message})` };
  }
  if (json === null) return { kind: 'none' };
  if (typeof json !== 'object' || Array.isArray(json)) return { kind: 'invalid', reason: `key is not a JSON object of the key columns (got ${describeJson(json)})` };
  const values = Object.fromEntries(Object.entries(json).map(([name, v]) => [name, unwrap(v, `key ${name}`)]));
  return { kind: 'key', values: converted(values, table), fields: null };
}

/**
 * IIDR's text for dates and times → the integer counts the decoder reads for a schema-less event
 * (inferFieldSchema: days, µs, or the timestamp unit of the column's precision); binary → base64.
 * Everything else is read as it is by the same converters as Debezium's values.
 */
function converted(image: Record<string, unknown>, table: AdapterTable): Record<string, unknown> {
  const matched = matchFields(table.columns, Object.keys(image));
  const out = { ...image };
  for (const column of table.columns) {
    const name = matched.get(column.name);
    if (name === undefined) continue;
    const value = image[name];
    if (typeof value !== 'string') continue;
    const fail = (what: string): never => { throw new Refused(`column ${name} expected ${what}, got ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`); };
    out[name] = convertText(value, column.type, fail);
  }
  return out;
}

function convertText(value: string, type: SourceType, fail: (what: string) => never): unknown {
  switch (type.kind) {
    case 'DATE': {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
      if (!m || !validDate(+m[1]!, +m[2]!, +m[3]!)) fail('an IIDR date YYYY-MM-DD');
      return daysFromCivil(+m![1]!, +m![2]!, +m![3]!);
    }
    case 'TIME': {
      const m = /^(\d{2})[:.](\d{2})[:.](\d{2})(?:\.(\d{1,12}))?$/.exec(value);
      if (!m || +m[1]! > 24 || +m[2]! > 59 || +m[3]! > 59) fail('an IIDR time HH:MM:SS[.f]');
      return Number(clockMicros(m![1]!, m![2]!, m![3]!, m![4]));
    }
    case 'TIMESTAMP': {
      const micros = timestampMicros(value);
      if (micros === undefined) fail('an IIDR timestamp YYYY-MM-DD HH:MM:SS[.f] (or Db2 YYYY-MM-DD-HH.MM.SS[.f])');
      // The unit inferFieldSchema reads for the column's precision: ms, µs or ns.
      const digits = type.fractionDigits ?? 6;
      const n = digits <= 3 ? micros! / 1000n - (micros! % 1000n < 0n ? 1n : 0n) : digits <= 6 ? micros! : micros! * 1000n;
      return Number.isSafeInteger(Number(n)) ? Number(n) : n.toString();
    }
    case 'BLOB': {
      // Avro JSON writes bytes as one character per byte (U+0000..U+00FF).
      if ([...value].some((ch) => ch.charCodeAt(0) > 0xff)) fail('Avro JSON bytes (characters U+0000..U+00FF)');
      return Buffer.from(value, 'latin1').toString('base64');
    }
    default: return value;
  }
}

/** µs since the epoch, read as UTC wall time; digits past microseconds are truncated. */
function timestampMicros(text: string): bigint | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T-](\d{2})[:.](\d{2})[:.](\d{2})(?:\.(\d{1,12}))?$/.exec(text.trim());
  if (!m || !validDate(+m[1]!, +m[2]!, +m[3]!) || +m[4]! > 23 || +m[5]! > 59 || +m[6]! > 59) return undefined;
  return BigInt(daysFromCivil(+m[1]!, +m[2]!, +m[3]!)) * 86_400_000_000n + clockMicros(m[4]!, m[5]!, m[6]!, m[7]);
}

function clockMicros(h: string, mi: string, s: string, fraction: string | undefined): bigint {
  const micros = BigInt((fraction ?? '').slice(0, 6).padEnd(6, '0'));
  return ((BigInt(h) * 60n + BigInt(mi)) * 60n + BigInt(s)) * 1_000_000n + micros;
}

function validDate(y: number, m: number, d: number): boolean {
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
}

function timestampMs(value: unknown): number {
  const micros = typeof value === 'string' ? timestampMicros(value) : undefined;
  if (micros === undefined) {
    throw new Refused(`IIDR commit time A_TIMSTAMP (value or header; TIMSTAMP in audit.jcfs) expected 'YYYY-MM-DD HH:MM:SS.ffffff', got ${show(value)}`);
  }
  return Number(micros / 1000n);
}

/** LIBRARY and OBJECT, when the subscription includes them, name the source table: a record of another table is refused. */
function checkTable(library: unknown, object: unknown, table: AdapterTable): void {
  const source = table.contract.source;
  if (typeof object === 'string' && object.trim().toUpperCase() !== source.table.toUpperCase()) {
    throw new Refused(`record is for source table ${object.trim()} (A_OBJECT), the contract reads ${source.schema}.${source.table}`);
  }
  if (typeof library === 'string' && library.trim().toUpperCase() !== source.schema.toUpperCase()) {
    throw new Refused(`record is for source schema ${library.trim()} (A_LIBRARY), the contract reads ${source.schema}.${source.table}`);
  }
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value) ?? String(value);
}

