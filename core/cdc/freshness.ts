/**
 * Freshness of change capture, measured per applied change from its source commit time, in two
 * parts a reader can tell apart:
 *
 * - end to end: source commit → committed in the warehouse (visible to a query);
 * - capture delay: source commit → the Kafka record's timestamp (Debezium or IIDR, Connect, the
 *   broker), the part before our pipeline sees the change;
 * - ingest delay: the Kafka record's timestamp → committed in the warehouse, the pipeline's part.
 *
 * A change whose record carries no source time is counted apart (`withoutSourceTime`): reporting it
 * as age 0, or by its Kafka time, would make the stream look fresher than it is.
 */

export interface ChangeTiming {
  /** Source commit time, ms since the epoch; null when the record has none. */
  sourceTsMs: number | null;
  /** The Kafka record's timestamp, ms since the epoch (CreateTime: when the producer sent it). */
  kafkaTsMs: number;
}

export interface FreshnessSamples {
  endToEndMs: number[];
  captureDelayMs: number[];
  ingestDelayMs: number[];
  /** Changes applied whose record carried no source time: in ingestDelayMs only. */
  withoutSourceTime: number;
}

export function emptyFreshness(): FreshnessSamples {
  return { endToEndMs: [], captureDelayMs: [], ingestDelayMs: [], withoutSourceTime: 0 };
}

/** Adds the ages of changes committed in the warehouse at `committedAtMs` to `into`. */
export function addFreshness(into: FreshnessSamples, changes: Iterable<ChangeTiming>, committedAtMs: number): void {
  for (const { sourceTsMs, kafkaTsMs } of changes) {
    into.ingestDelayMs.push(committedAtMs - kafkaTsMs);
    if (sourceTsMs === null || !Number.isFinite(sourceTsMs)) {
      into.withoutSourceTime++;
      continue;
    }
    into.endToEndMs.push(committedAtMs - sourceTsMs);
    into.captureDelayMs.push(kafkaTsMs - sourceTsMs);
  }
}

/** Appends `from`'s samples to `into`. */
export function mergeFreshness(into: FreshnessSamples, from: FreshnessSamples): void {
  for (const ms of from.endToEndMs) into.endToEndMs.push(ms);
  for (const ms of from.captureDelayMs) into.captureDelayMs.push(ms);
  for (const ms of from.ingestDelayMs) into.ingestDelayMs.push(ms);
  into.withoutSourceTime += from.withoutSourceTime;
}

export interface Percentiles { p50Ms: number; p99Ms: number; maxMs: number }

/** Nearest-rank p50, p99 and maximum; null for no samples (never 0: nothing was measured). */
export function percentiles(values: readonly number[]): Percentiles | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted[sorted.length - 1]! };
}
