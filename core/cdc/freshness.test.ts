import { describe, expect, it } from 'vitest';
import { bookingFix, readFixture, record, valueOf } from '../../test/support/cdc-contracts.js';
import { decodeRecord, type DecodeResult, type DecodedChange, type KafkaRecordInput } from './decode.js';
import { addFreshness, emptyFreshness, mergeFreshness, percentiles } from './freshness.js';

const precise = readFixture('pg-precise.json');
const booking = { domain: 'fix', table: bookingFix };

function change(result: DecodeResult): DecodedChange {
  if (result.kind !== 'change') throw new Error(`expected a change, got ${JSON.stringify(result)}`);
  return result.change;
}

function withoutSourceTs(base: KafkaRecordInput): KafkaRecordInput {
  const v = valueOf(base);
  delete v.payload.source.ts_ms;
  return { ...base, value: Buffer.from(JSON.stringify(v)) };
}

describe('source commit time of a decoded change', () => {
  it('is Debezium source.ts_ms, not the envelope ts_ms (when Debezium processed it)', () => {
    // Captured from Debezium 3.6: source.ts_ms 1795909842441, envelope ts_ms 1795909842948, Kafka 1795909843417.
    const input = record(precise, 'BOOKING_FIX', 2);
    const c = change(decodeRecord(input, booking));
    expect(c.sourceTsMs).toBe(1795909842441);
    expect(valueOf(input).payload.ts_ms).toBe(1795909842948);
    expect(Number(c.kafka.timestamp)).toBe(1795909843417);
  });

  it('is null, not 0 nor the envelope time, when the record carries no source.ts_ms; the change still decodes', () => {
    const c = change(decodeRecord(withoutSourceTs(record(precise, 'BOOKING_FIX', 3)), booking));
    expect(c.sourceTsMs).toBeNull();
    expect(c.values?.[0]).toBe('1');
  });
});

describe('freshness of applied changes', () => {
  it('measures source commit → warehouse commit, and apart capture (→ Kafka record) and ingest (Kafka record →) delays', () => {
    const committedAt = 1795909843900;
    const samples = emptyFreshness();
    const changes = [2, 3, 4].map((offset) => change(decodeRecord(record(precise, 'BOOKING_FIX', offset), booking)));
    addFreshness(samples, changes.map((c) => ({ sourceTsMs: c.sourceTsMs, kafkaTsMs: Number(c.kafka.timestamp) })), committedAt);
    expect(samples.endToEndMs).toEqual([1459, 1456, 1456]);
    expect(samples.captureDelayMs).toEqual([976, 973, 973]);
    expect(samples.ingestDelayMs).toEqual([483, 483, 483]);
    // The parts add up to the whole, change by change.
    samples.endToEndMs.forEach((ms, i) => expect(samples.captureDelayMs[i]! + samples.ingestDelayMs[i]!).toBe(ms));
    expect(samples.withoutSourceTime).toBe(0);
  });

  it('counts a change without a source time apart: in no source-based figure, not as age 0', () => {
    const samples = emptyFreshness();
    const timeless = change(decodeRecord(withoutSourceTs(record(precise, 'BOOKING_FIX', 3)), booking));
    addFreshness(samples, [{ sourceTsMs: timeless.sourceTsMs, kafkaTsMs: 1000 }, { sourceTsMs: 400, kafkaTsMs: 900 }], 1500);
    expect(samples).toEqual({ endToEndMs: [1100], captureDelayMs: [500], ingestDelayMs: [500, 600], withoutSourceTime: 1 });
    const run = emptyFreshness();
    mergeFreshness(run, samples);
    mergeFreshness(run, samples);
    expect(run.withoutSourceTime).toBe(2);
    expect(percentiles(run.endToEndMs)).toEqual({ p50Ms: 1100, p99Ms: 1100, maxMs: 1100 });
  });

  it('has no percentiles when nothing was measured (null, never 0)', () => {
    expect(percentiles([])).toBeNull();
    expect(percentiles([5, 1, 3, 2, 4])).toEqual({ p50Ms: 3, p99Ms: 5, maxMs: 5 });
  });
});
