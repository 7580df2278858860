import type { EnvelopeFormat, RecordHeaders } from '../../core/cdc/adapter.js';
import { decodeRecord } from '../../core/cdc/decode.js';
import type { AcceptedSchemaChange, SchemaChange } from '../../core/cdc/schema-change.js';
import type { DecimalMode } from '../../core/cdc/logical-types.js';
import type { TableContract } from '../../contracts/contract.js';
import { changeLine } from './batch-file.js';

/**
 * One fetched batch of a table topic → the staged CSV of its changes and what the pipeline must do
 * with the rest (dead letters, a pause at a breaking schema change). Pure: runs on the decode
 * thread (decode-worker.ts) or inline alike.
 */

export interface DecodeTable {
  domain: string;
  table: TableContract;
  /** Breaking changes the table's DPO accepted: decoded instead of pausing the table. */
  accepted?: AcceptedSchemaChange;
  /** How the source sends DECIMAL values (FACTORY_CDC_DECIMAL_MODE); default precise. */
  decimalMode?: DecimalMode;
  /** Which product writes the table's records (FACTORY_CDC_FORMATS); default Debezium. */
  format?: EnvelopeFormat;
}

export interface RawMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  headers?: RecordHeaders;
}

export interface DecodedBatch {
  /** Events up to the pause (or the whole batch): changes, tombstones and dead letters. */
  events: number;
  tombstones: number;
  changes: number;
  /** Index into the batch and the reason, for each event that goes to the dead-letter topic. */
  deadLetters: Array<{ index: number; reason: string }>;
  /** Offset of the last event counted in `events`; undefined when the batch's first event paused the table. */
  lastOffset?: string;
  lastPosition?: string;
  addedColumns?: string[];
  /**
   * Per applied change event (a Kafka record that staged changes), its index into the batch and its
   * source commit time (null: the record has none), in batch order: the pipeline measures freshness
   * from them once the write commits.
   */
  changeIndexes: number[];
  sourceTsMs: Array<number | null>;
  /** The table stops at this event: a breaking schema change nobody accepted yet. */
  paused?: { reason: string; offset: string; change: SchemaChange; blockers: string[] };
}

export function decodeBatch(capture: DecodeTable, topic: string, partition: number, messages: readonly RawMessage[]): DecodedBatch & { csv: string } {
  const columns = capture.table.columns.map((c) => c.name);
  const contract = {
    domain: capture.domain, table: capture.table, ...(capture.accepted ? { accepted: capture.accepted } : {}), ...(capture.decimalMode ? { decimalMode: capture.decimalMode } : {}),
    ...(capture.format ? { format: capture.format } : {}),
  };
  const batch: DecodedBatch & { csv: string } = { events: 0, tombstones: 0, changes: 0, deadLetters: [], changeIndexes: [], sourceTsMs: [], csv: '' };
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index]!;
    const result = decodeRecord({
      topic, partition, offset: message.offset, key: message.key, value: message.value, timestamp: message.timestamp, ...(message.headers ? { headers: message.headers } : {}),
    }, contract);
    if (result.kind === 'schema-change') {
      // Everything before the breaking event applies; the table then waits for a decision.
      batch.paused = { reason: result.reason, offset: message.offset, change: result.schemaChange, blockers: result.blockers };
      break;
    }
    batch.events++;
    batch.lastOffset = message.offset;
    if (result.kind === 'tombstone') {
      batch.tombstones++;
    } else if (result.kind === 'failure') {
      batch.deadLetters.push({ index, reason: result.reason });
    } else {
      if (result.keyChangedFrom) {
        batch.csv += changeLine(columns, result.keyChangedFrom);
        batch.changes++;
      }
      batch.csv += changeLine(columns, result.change);
      batch.changes++;
      batch.lastPosition = result.change.position;
      batch.changeIndexes.push(index);
      batch.sourceTsMs.push(result.change.sourceTsMs);
      if (result.change.addedColumns.length) batch.addedColumns = result.change.addedColumns;
    }
  }
  return batch;
}

/**
 * A batch as one transferable buffer (keys and values copied side by side) plus per-message bounds:
 * handing it to the decode thread moves the bytes instead of cloning thousands of small buffers.
 */
export interface PackedMessages {
  bytes: ArrayBuffer;
  /** Per message: key start, key length, value start, value length; length -1 is a null key or value. */
  bounds: Int32Array;
  offsets: string[];
  timestamps: string[];
  /** Per message, its headers as text; absent when no message of the batch has any (Debezium's records). */
  headers?: Array<RecordHeaders | undefined>;
}

/** Kafka record headers as kafkajs hands them: bytes or text, repeated names as arrays. */
export type KafkaHeaders = Record<string, Buffer | string | Array<Buffer | string> | undefined>;

/** A fetched Kafka message as kafkajs hands it. */
export interface FetchedMessage { offset: string; key: Buffer | null; value: Buffer | null; timestamp: string; headers?: KafkaHeaders }

export function packMessages(messages: readonly FetchedMessage[]): PackedMessages {
  let size = 0;
  for (const m of messages) size += (m.key?.length ?? 0) + (m.value?.length ?? 0);
  const bytes = Buffer.allocUnsafeSlow(size);
  const bounds = new Int32Array(messages.length * 4);
  let at = 0;
  const put = (part: Buffer | null, slot: number) => {
    bounds[slot] = at;
    bounds[slot + 1] = part === null ? -1 : part.length;
    if (part !== null) at += part.copy(bytes, at);
  };
  messages.forEach((m, i) => {
    put(m.key, i * 4);
    put(m.value, i * 4 + 2);
  });
  const headers = messages.some((m) => m.headers && Object.keys(m.headers).length > 0) ? messages.map((m) => headerText(m.headers)) : undefined;
  return { bytes: bytes.buffer, bounds, offsets: messages.map((m) => m.offset), timestamps: messages.map((m) => m.timestamp), ...(headers ? { headers } : {}) };
}

export function unpackMessages({ bytes, bounds, offsets, timestamps, headers }: PackedMessages): RawMessage[] {
  const buffer = Buffer.from(bytes);
  const part = (slot: number) => (bounds[slot + 1]! < 0 ? null : buffer.subarray(bounds[slot]!, bounds[slot]! + bounds[slot + 1]!));
  return offsets.map((offset, i) => {
    const h = headers?.[i];
    return { offset, key: part(i * 4), value: part(i * 4 + 2), timestamp: timestamps[i]!, ...(h ? { headers: h } : {}) };
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Header values as UTF-8 text (the last of a repeated name); null when a value is not valid UTF-8, so an adapter never reads a guessed text. */
function headerText(headers: KafkaHeaders | undefined): RecordHeaders | undefined {
  if (!headers) return undefined;
  const out: RecordHeaders = {};
  for (const [name, raw] of Object.entries(headers)) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value === undefined) continue;
    try {
      out[name] = typeof value === 'string' ? value : utf8.decode(value);
    } catch {
      out[name] = null;
    }
  }
  return out;
}
