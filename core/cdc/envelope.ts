import { isUtf8 } from 'node:buffer';
import { z } from 'zod';
import type { FieldSchema } from './logical-types.js';
import { parseJsonExact } from './json.js';

/**
 * The Debezium change-event envelope, with the Kafka Connect JSON converter's schemas included
 * (`{schema, payload}`) or not (the payload alone). Parsing never throws: bad input comes back as
 * `{ kind: 'invalid', reason }` for the caller to dead-letter.
 *
 * A null or empty Kafka value is a tombstone: Debezium writes one after each delete so log compaction
 * can drop the key; the delete event just before it carries the data, so tombstones are skipped.
 */

export type Op = 'c' | 'u' | 'd' | 'r' | 't';

const fieldSchema: z.ZodType<FieldSchema> = z.lazy(() => z.object({
  type: z.string(),
  optional: z.boolean().optional(),
  name: z.string().optional(),
  field: z.string().optional(),
  parameters: z.record(z.string(), z.string()).optional(),
  fields: z.array(fieldSchema).optional(),
}).loose());

const row = z.record(z.string(), z.unknown()).nullable().optional();

const payloadSchema = z.object({
  op: z.enum(['c', 'u', 'd', 'r', 't'], { error: "expected op 'c', 'u', 'd', 'r' or 't'" }),
  before: row,
  after: row,
  source: z.record(z.string(), z.unknown(), { error: 'expected a source block' }),
  ts_ms: z.number().optional(),
  transaction: z.unknown().optional(),
}).loose();

export interface Envelope {
  op: Op;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  source: Record<string, unknown>;
  tsMs: number | undefined;
  /** Field schemas of the row image (the `after` struct, else `before`); null for schema-less events. */
  rowFields: FieldSchema[] | null;
}

export type EnvelopeResult =
  | { kind: 'envelope'; envelope: Envelope }
  | { kind: 'tombstone' }
  | { kind: 'invalid'; reason: string };

export function parseEnvelope(value: Uint8Array | string | null | undefined): EnvelopeResult {
  // Decoding would turn invalid bytes into U+FFFD and land a changed value: dead-letter the event instead.
  if (value instanceof Uint8Array && !isUtf8(value)) return { kind: 'invalid', reason: 'value is not valid UTF-8 (a source or converter encoding fault)' };
  const fromBytes = value instanceof Uint8Array ? withCachedSchemaBytes(value) : undefined;
  if (fromBytes) return fromBytes;
  const text = toText(value);
  if (text === null || text.trim() === '') return { kind: 'tombstone' };
  const fast = withCachedSchema(text);
  if (fast) return fast;
  let json: unknown;
  try {
    json = parseJsonExact(text);
  } catch (error) {
    return { kind: 'invalid', reason: `value is not JSON (${(error as Error).message})` };
  }
  if (json === null) return { kind: 'tombstone' };
  const result = envelopeFromJson(json);
  rememberSchema(text, json, result);
  return result;
}

/**
 * Schemas-included events repeat the same ~3 KB schema in every message of a table; parsing and
 * validating it dominated decoding. The schema text is cached (per distinct text) with the row
 * fields it yields, and only the payload is parsed for the events that carry it again.
 */
const schemaCache = new Map<string, FieldSchema[] | null>();
const schemaCacheLimit = 256;

function splitSchema(text: string): { schemaText: string; payloadText: string } | undefined {
  // The JSON converter writes {"schema":…,"payload":…}; a schema holds no ',"payload":' key of its own.
  if (!text.startsWith('{"schema":') || !text.endsWith('}')) return undefined;
  const at = text.indexOf(',"payload":');
  if (at < 0) return undefined;
  return { schemaText: text.slice(10, at), payloadText: text.slice(at + 11, -1) };
}

function withCachedSchema(text: string): EnvelopeResult | undefined {
  const split = splitSchema(text);
  if (!split) return undefined;
  const rowFields = schemaCache.get(split.schemaText);
  if (rowFields === undefined) return undefined;
  let payload: unknown;
  try {
    payload = parseJsonExact(split.payloadText);
  } catch {
    return undefined;
  }
  if (payload === null) return { kind: 'tombstone' };
  return envelopeFromPayload(payload, rowFields);
}

function rememberSchema(text: string, json: unknown, result: EnvelopeResult): void {
  if (result.kind !== 'envelope' || result.envelope.rowFields === null) return;
  const split = splitSchema(text);
  if (!split || schemaCache.has(split.schemaText)) return;
  // Only when the split really is the schema: the cached fields must be the ones parsed whole.
  try {
    if (JSON.stringify(parseJsonExact(split.schemaText)) !== JSON.stringify((json as { schema: unknown }).schema)) return;
  } catch {
    return;
  }
  if (schemaCache.size >= schemaCacheLimit) schemaCache.delete(schemaCache.keys().next().value!);
  schemaCache.set(split.schemaText, result.envelope.rowFields);
  const bytes = Buffer.from(split.schemaText, 'utf8');
  if (++schemaBytesEntries > schemaCacheLimit) {
    schemaBytesCache.clear();
    schemaBytesEntries = 1;
  }
  const sameLength = schemaBytesCache.get(bytes.length) ?? [];
  sameLength.push({ bytes, rowFields: result.envelope.rowFields });
  schemaBytesCache.set(bytes.length, sameLength);
}

/**
 * The same cache, looked up on the Kafka record's bytes: a known schema is recognised by a byte
 * comparison (memcmp), so neither its UTF-8 decoding nor hashing a fresh 3 KB string is paid per
 * event; only the payload is decoded and parsed. Entries come from rememberSchema, which checked
 * the split against a full parse.
 */
const schemaBytesCache = new Map<number, Array<{ bytes: Buffer; rowFields: FieldSchema[] | null }>>();
let schemaBytesEntries = 0;
const schemaPrefix = Buffer.from('{"schema":');
const payloadMarker = Buffer.from(',"payload":');

function withCachedSchemaBytes(value: Uint8Array): EnvelopeResult | undefined {
  const buf = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (buf.length < schemaPrefix.length + 2 || buf[buf.length - 1] !== 0x7d || buf.compare(schemaPrefix, 0, schemaPrefix.length, 0, schemaPrefix.length) !== 0) return undefined;
  // Known schema lengths say where the payload marker must be: no scan over the schema text.
  let hit: { bytes: Buffer; rowFields: FieldSchema[] | null } | undefined;
  let at = -1;
  for (const [length, candidates] of schemaBytesCache) {
    at = schemaPrefix.length + length;
    if (at + payloadMarker.length >= buf.length || buf.compare(payloadMarker, 0, payloadMarker.length, at, at + payloadMarker.length) !== 0) continue;
    hit = candidates.find((c) => buf.compare(c.bytes, 0, length, schemaPrefix.length, at) === 0);
    if (hit) break;
  }
  if (!hit) return undefined;
  let payload: unknown;
  try {
    payload = parseJsonExact(buf.toString('utf8', at + payloadMarker.length, buf.length - 1));
  } catch {
    return undefined;
  }
  if (payload === null) return { kind: 'tombstone' };
  return envelopeFromPayload(payload, hit.rowFields);
}

export function envelopeFromJson(json: unknown): EnvelopeResult {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { kind: 'invalid', reason: `value is not a Debezium envelope (got ${describeJson(json)})` };
  }
  const withSchema = 'payload' in json && 'schema' in json;
  // A schemas-included tombstone is {"schema": null, "payload": null}.
  if (withSchema && (json as { payload: unknown }).payload === null) return { kind: 'tombstone' };
  const payload = withSchema ? (json as { payload: unknown }).payload : json;
  let rowFields: FieldSchema[] | null = null;
  if (withSchema) {
    const schema = fieldSchema.safeParse((json as { schema: unknown }).schema);
    if (!schema.success) return { kind: 'invalid', reason: `envelope schema is malformed: ${issuesText(schema.error)}` };
    const image = (name: string) => schema.data.fields?.find((f) => f.field === name)?.fields;
    rowFields = image('after') ?? image('before') ?? null;
    const op = (payload as { op?: unknown } | null)?.op;
    if (rowFields === null && op !== 't') {
      const parsed = payloadSchema.safeParse(payload);
      if (!parsed.success) return { kind: 'invalid', reason: `not a Debezium envelope: ${issuesText(parsed.error)}` };
      return { kind: 'invalid', reason: "envelope schema has no 'after' or 'before' struct" };
    }
    return envelopeFromPayload(payload, rowFields ?? []);
  }
  return envelopeFromPayload(payload, null);
}

/** Validates the payload; `rowFields` are the row struct's fields (null for schema-less events). */
function envelopeFromPayload(payload: unknown, rowFields: FieldSchema[] | null): EnvelopeResult {
  const plain = plainPayload(payload);
  if (plain) return { kind: 'envelope', envelope: { ...plain, rowFields } };
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) return { kind: 'invalid', reason: `not a Debezium envelope: ${issuesText(parsed.error)}` };
  const p = parsed.data;
  if ((p.op === 'c' || p.op === 'u' || p.op === 'r') && !p.after) return { kind: 'invalid', reason: `op '${p.op}' without an after image` };
  return {
    kind: 'envelope',
    envelope: { op: p.op, before: p.before ?? null, after: p.after ?? null, source: p.source, tsMs: p.ts_ms, rowFields },
  };
}

const ops: ReadonlySet<unknown> = new Set(['c', 'u', 'd', 'r', 't']);
const isRow = (v: unknown): v is Record<string, unknown> | null | undefined =>
  v === null || v === undefined || (typeof v === 'object' && !Array.isArray(v));

/**
 * The checks of payloadSchema written out for the common, well-formed event (zod's generic walk cost
 * ~2 µs an event); anything that does not pass them goes through zod, which words the reason.
 */
function plainPayload(payload: unknown): Omit<Envelope, 'rowFields'> | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const p = payload as Record<string, unknown>;
  const { op, before, after, source, ts_ms: tsMs } = p;
  if (!ops.has(op) || !isRow(before) || !isRow(after) || (tsMs !== undefined && typeof tsMs !== 'number')) return undefined;
  if (typeof source !== 'object' || source === null || Array.isArray(source)) return undefined;
  if ((op === 'c' || op === 'u' || op === 'r') && !after) return undefined;
  return { op: op as Op, before: before ?? null, after: after ?? null, source: source as Record<string, unknown>, tsMs };
}

/** A Kafka key: `{schema, payload}` with the key struct's fields, or the schema-less key object. */
export function parseKey(value: Uint8Array | string | null | undefined):
  { kind: 'key'; values: Record<string, unknown>; fields: FieldSchema[] | null } | { kind: 'none' } | { kind: 'invalid'; reason: string } {
  if (value instanceof Uint8Array && !isUtf8(value)) return { kind: 'invalid', reason: 'key is not valid UTF-8' };
  const text = toText(value);
  if (text === null || text.trim() === '') return { kind: 'none' };
  let json: unknown;
  try {
    json = parseJsonExact(text);
  } catch (error) {
    return { kind: 'invalid', reason: `key is not JSON (${(error as Error).message})` };
  }
  if (json === null) return { kind: 'none' };
  if (typeof json !== 'object' || Array.isArray(json)) return { kind: 'invalid', reason: `key is not an object (got ${describeJson(json)})` };
  if ('payload' in json && 'schema' in json) {
    const payload = (json as { payload: unknown }).payload;
    if (payload === null) return { kind: 'none' };
    if (typeof payload !== 'object' || Array.isArray(payload)) return { kind: 'invalid', reason: `key payload is not an object (got ${describeJson(payload)})` };
    return { kind: 'key', values: payload as Record<string, unknown>, fields: keyFields(text, (json as { schema: unknown }).schema) };
  }
  return { kind: 'key', values: json as Record<string, unknown>, fields: null };
}

/** Key schemas repeat per table like value schemas: validated once per distinct schema text. */
const keySchemaCache = new Map<string, FieldSchema[] | null>();

function keyFields(text: string, schema: unknown): FieldSchema[] | null {
  const schemaText = splitSchema(text)?.schemaText;
  const cached = schemaText === undefined ? undefined : keySchemaCache.get(schemaText);
  if (cached !== undefined) return cached;
  const parsed = fieldSchema.safeParse(schema);
  const fields = parsed.success ? parsed.data.fields ?? null : null;
  // Cached only when the split text really is the schema that was validated.
  if (schemaText !== undefined && JSON.stringify(schema) === JSON.stringify(JSON.parse(schemaText))) {
    if (keySchemaCache.size >= schemaCacheLimit) keySchemaCache.clear();
    keySchemaCache.set(schemaText, fields);
  }
  return fields;
}

function toText(value: Uint8Array | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  return new TextDecoder('utf-8', { fatal: true }).decode(value);
}

function issuesText(error: z.ZodError): string {
  return error.issues.slice(0, 3).map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
