import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Debezium PostgreSQL change events for the benchmark, built on the schema of a real captured event
 * (core/cdc/fixtures/pg-precise.json, table BOOKING_FIX): the same envelope, with schemas, that
 * Debezium 3.6 produces, so decoding costs what it costs in production.
 */

const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../../core/cdc/fixtures/pg-precise.json', import.meta.url)), 'utf8')) as Array<{ value: string | null; key: string | null; topic: string }>;
const sample = fixture.find((r) => r.value && r.topic.endsWith('BOOKING_FIX'))!;
const valueSchema = JSON.stringify((JSON.parse(sample.value!) as { schema: unknown }).schema);
const keySchema = JSON.stringify((JSON.parse(sample.key!) as { schema: unknown }).schema);
const sourceTemplate = (JSON.parse(sample.value!) as { payload: { source: Record<string, unknown> } }).payload.source;

export interface BenchRow {
  id: number;
  channel: string;
  amountUnscaled: bigint;
  updatedMicros: number;
  arrivalDays: number;
  note: string | null;
  bookDateNum: number;
  active: boolean;
}

/** Big-endian two's complement, base64: Kafka Connect's Decimal bytes. */
export function decimalBytes(unscaled: bigint): string {
  let hex = (unscaled < 0n ? (1n << BigInt(8 * byteLength(unscaled))) + unscaled : unscaled).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Buffer.from(hex, 'hex');
  const needsSignByte = unscaled >= 0n && bytes.length > 0 && (bytes[0]! & 0x80) !== 0;
  return (needsSignByte ? Buffer.concat([Buffer.from([0]), bytes]) : bytes.length ? bytes : Buffer.from([0])).toString('base64');
}

function byteLength(n: bigint): number {
  let bytes = 1;
  while (n < -(1n << BigInt(8 * bytes - 1))) bytes++;
  return bytes;
}

function image(row: BenchRow) {
  return {
    BOOKING_ID: row.id,
    CHANNEL_CODE: row.channel,
    AMOUNT: decimalBytes(row.amountUnscaled),
    UPDATED_TS: row.updatedMicros,
    ARRIVAL_DATE: row.arrivalDays,
    NOTE: row.note,
    BOOK_DATE_NUM: decimalBytes(BigInt(row.bookDateNum)),
    ACTIVE: row.active,
  };
}

/** One change: key and value texts; `lsn` orders changes (strictly increasing per call site). */
export function changeEvent(op: 'c' | 'u' | 'd', row: BenchRow, lsn: bigint, lastCommit: bigint): { key: string; value: string } {
  const nowMs = Date.now();
  const source = { ...sourceTemplate, ts_ms: nowMs, snapshot: 'false', sequence: JSON.stringify([lastCommit.toString(), lsn.toString()]), lsn: Number(lsn), txId: Number(lsn % 1_000_000n) };
  const payload = {
    before: op === 'd' ? { ...image(row), CHANNEL_CODE: '', NOTE: null } : null,
    after: op === 'd' ? null : image(row),
    source,
    transaction: null,
    op,
    ts_ms: nowMs,
  };
  return { key: `{"schema":${keySchema},"payload":{"BOOKING_ID":${row.id}}}`, value: `{"schema":${valueSchema},"payload":${JSON.stringify(payload)}}` };
}
