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
  const text = toText(value);
  if (text === null || text.trim() === '') return { kind: 'tombstone' };
  let json: unknown;
  try {
    json = parseJsonExact(text);
  } catch (error) {
    return { kind: 'invalid', reason: `value is not JSON (${(error as Error).message})` };
  }
  if (json === null) return { kind: 'tombstone' };
  return envelopeFromJson(json);
}

export function envelopeFromJson(json: unknown): EnvelopeResult {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { kind: 'invalid', reason: `value is not a Debezium envelope (got ${describeJson(json)})` };
  }
  const withSchema = 'payload' in json && 'schema' in json;
  // A schemas-included tombstone is {"schema": null, "payload": null}.
  if (withSchema && (json as { payload: unknown }).payload === null) return { kind: 'tombstone' };
  const payload = withSchema ? (json as { payload: unknown }).payload : json;
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) return { kind: 'invalid', reason: `not a Debezium envelope: ${issuesText(parsed.error)}` };
  const p = parsed.data;
  let rowFields: FieldSchema[] | null = null;
  if (withSchema) {
    const schema = fieldSchema.safeParse((json as { schema: unknown }).schema);
    if (!schema.success) return { kind: 'invalid', reason: `envelope schema is malformed: ${issuesText(schema.error)}` };
    const image = (name: string) => schema.data.fields?.find((f) => f.field === name)?.fields;
    rowFields = image('after') ?? image('before') ?? null;
    if (rowFields === null && p.op !== 't') return { kind: 'invalid', reason: "envelope schema has no 'after' or 'before' struct" };
  }
  if ((p.op === 'c' || p.op === 'u' || p.op === 'r') && !p.after) return { kind: 'invalid', reason: `op '${p.op}' without an after image` };
  return {
    kind: 'envelope',
    envelope: { op: p.op, before: p.before ?? null, after: p.after ?? null, source: p.source, tsMs: p.ts_ms, rowFields: withSchema ? rowFields ?? [] : null },
  };
}

/** A Kafka key: `{schema, payload}` with the key struct's fields, or the schema-less key object. */
export function parseKey(value: Uint8Array | string | null | undefined):
  { kind: 'key'; values: Record<string, unknown>; fields: FieldSchema[] | null } | { kind: 'none' } | { kind: 'invalid'; reason: string } {
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
    const schema = fieldSchema.safeParse((json as { schema: unknown }).schema);
    if (payload === null) return { kind: 'none' };
    if (typeof payload !== 'object' || Array.isArray(payload)) return { kind: 'invalid', reason: `key payload is not an object (got ${describeJson(payload)})` };
    return { kind: 'key', values: payload as Record<string, unknown>, fields: schema.success ? schema.data.fields ?? null : null };
  }
  return { kind: 'key', values: json as Record<string, unknown>, fields: null };
}

function toText(value: Uint8Array | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  return new TextDecoder('utf-8', { fatal: false }).decode(value);
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
