import type { FreshnessSamples } from '../../core/cdc/freshness.js';

/**
 * What activities report for monitoring. The worker passes an implementation (workers/metrics.ts,
 * Prometheus) to the factories that move data; without one nothing is recorded. Every label is a
 * name from a contract or a Kafka coordinate, never a value of a row.
 */
export interface FactoryMetrics {
  /** Rows committed into a backfill's load table (a chunk counted once, not again on a retry that finds it loaded). */
  rowsLoaded(ref: { domain: string; table: string }, rows: number): void;
  /**
   * A change-capture write committed in the warehouse, with the ages of its applied changes: source
   * commit → commit, capture delay, ingest delay, and how many had no source time (core/cdc/freshness.ts).
   */
  changesCommitted(ref: { domain: string; table: string }, run: { events: number; applied: number; deadLettered: number; freshness: FreshnessSamples }): void;
  /** Messages behind per partition, as last measured. */
  lag(ref: { domain: string }, partitions: ReadonlyArray<{ topic: string; partition: number; lag: number }>): void;
  /** A quality gate's verdict, once per stored report. */
  gateResult(ref: { domain: string }, status: string): void;
}

export const noMetrics: FactoryMetrics = {
  rowsLoaded: () => undefined,
  changesCommitted: () => undefined,
  lag: () => undefined,
  gateResult: () => undefined,
};
