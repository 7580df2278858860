import type { TableContract } from '../../contracts/contract.js';
import { parseEnvelope, parseKey, type Envelope, type Op } from './envelope.js';
import { parseIidrRecord } from './iidr.js';
import type { FieldSchema } from './logical-types.js';
import { db2Position, pgPosition, type PositionResult } from './position.js';
import type { ContractColumnType } from './schema-change.js';

/**
 * Envelope adapters: what a change-capture product writes to Kafka → one parsed record the decoder
 * (decode.ts) turns into a decoded change, whatever product wrote it. Chosen per source system by
 * configuration (FACTORY_CDC_FORMATS), because which product captures a system is a fact of the
 * deployment (the demo's PostgreSQL stand-in uses Debezium, production Db2 may use IBM IIDR), not of
 * the data the contract describes.
 *
 * - 'debezium': Debezium PostgreSQL or Db2, told apart by the event's source.connector (the default).
 * - 'debezium-postgresql' / 'debezium-db2': the same, refusing events of the other connector (their
 *   positions would not compare).
 * - 'iidr-kcop-json': IBM IIDR's JSON audit KCOP (iidr.ts).
 */

export const envelopeFormats = ['debezium', 'debezium-postgresql', 'debezium-db2', 'iidr-kcop-json'] as const;
export type EnvelopeFormat = (typeof envelopeFormats)[number];

/** Kafka record headers as text (kafkajs hands bytes; the pipeline decodes them as UTF-8, null when they are not). */
export type RecordHeaders = Record<string, string | null>;

export interface KafkaRecordInput {
  topic: string;
  partition: number;
  offset: string | number;
  key: Uint8Array | string | null;
  value: Uint8Array | string | null;
  timestamp: string;
  headers?: RecordHeaders;
}

export interface ParsedRecord {
  op: Op;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  /** Field schemas of the row image; null when the record carries none (values are then read by the contract type). */
  rowFields: FieldSchema[] | null;
  position: string;
  /**
   * When the change committed at the source, ms since the epoch; null when the record does not say
   * (freshness then reports the change as without a source time, never as age 0).
   */
  sourceTsMs: number | null;
  /** Whether DECIMAL values follow Debezium's decimal.handling.mode, which the decoder then checks. */
  debeziumDecimals: boolean;
  /** The key as the adapter read it (field → value); undefined: the decoder parses the Kafka key as Debezium writes it. */
  key?: KeyResult;
}

export type KeyResult = ReturnType<typeof parseKey>;

export type AdapterResult =
  | { kind: 'record'; record: ParsedRecord }
  /** Nothing to apply: a Debezium tombstone, an IIDR before-image record whose after image follows. */
  | { kind: 'tombstone' }
  | { kind: 'invalid'; reason: string };

export interface AdapterTable { contract: TableContract; columns: ContractColumnType[] }

export type EnvelopeAdapter = (input: KafkaRecordInput, table: AdapterTable) => AdapterResult;

export function envelopeAdapter(format: EnvelopeFormat = 'debezium'): EnvelopeAdapter {
  switch (format) {
    case 'debezium': return (input, table) => debezium(input, table.contract, undefined);
    case 'debezium-postgresql': return (input, table) => debezium(input, table.contract, 'postgresql');
    case 'debezium-db2': return (input, table) => debezium(input, table.contract, 'db2');
    case 'iidr-kcop-json': return parseIidrRecord;
  }
}

function debezium(input: KafkaRecordInput, table: TableContract, connector: 'postgresql' | 'db2' | undefined): AdapterResult {
  const parsed = parseEnvelope(input.value);
  if (parsed.kind !== 'envelope') return parsed;
  const env = parsed.envelope;
  const wrongTable = checkSourceTable(env, table);
  if (wrongTable) return { kind: 'invalid', reason: wrongTable };
  if (connector !== undefined && env.source.connector !== connector) {
    return { kind: 'invalid', reason: `source.connector ${JSON.stringify(env.source.connector) ?? 'missing'}, but this source is captured by Debezium ${connector} (FACTORY_CDC_FORMATS)` };
  }
  const position = positionOf(env);
  if (!position.ok) return { kind: 'invalid', reason: position.reason };
  // source.ts_ms is the source's commit time. The envelope's own ts_ms is when Debezium processed
  // the change: taking it instead would hide the capture delay, so a record without source.ts_ms
  // has no source time (the change still applies: ordering rests on the position, not on time).
  const sourceTsMs = typeof env.source.ts_ms === 'number' ? env.source.ts_ms : null;
  return {
    kind: 'record',
    record: { op: env.op, before: env.before, after: env.after, rowFields: env.rowFields, position: position.position, sourceTsMs, debeziumDecimals: true },
  };
}

function checkSourceTable(env: Envelope, table: TableContract): string | undefined {
  const { schema, table: name } = env.source;
  if (typeof name !== 'string') return undefined;
  const expected = `${table.source.schema}.${table.source.table}`;
  const actual = typeof schema === 'string' ? `${schema}.${name}` : name;
  const matches = typeof schema === 'string' ? actual.toUpperCase() === expected.toUpperCase() : name.toUpperCase() === table.source.table;
  return matches ? undefined : `event is for source table ${actual}, the contract reads ${expected}`;
}

function positionOf(env: Envelope): PositionResult {
  switch (env.source.connector) {
    case 'postgresql': return pgPosition(env.source, env.op);
    case 'db2': return db2Position(env.source, env.op);
    default: return { ok: false, reason: `source.connector ${JSON.stringify(env.source.connector) ?? 'missing'} is not supported (expected postgresql or db2)` };
  }
}
