import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FactoryMetrics } from '../activities/lib/metrics.js';

/**
 * The worker's Prometheus registry: one per started worker set, so a process that starts workers
 * twice (tests) never registers a name twice. Labels are contract names and Kafka coordinates only.
 * docker/grafana/data-factory.json queries these names (a unit test keeps the two in step).
 */

/** Freshness buckets (seconds): sub-second for a stream that keeps up, minutes for a backlog drain. */
const freshnessBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900];

export interface WorkerMetrics {
  registry: Registry;
  recorder: FactoryMetrics;
  /** Sets how pending approvals are counted at each scrape (workers that run workflows only). */
  countPendingApprovals(count: () => Promise<number>, onError: (error: unknown) => void): void;
}

export function createWorkerMetrics(labels: { role: string }): WorkerMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ role: labels.role });
  collectDefaultMetrics({ register: registry });
  const rowsLoaded = new Counter({
    name: 'factory_backfill_rows_loaded_total', help: 'Rows committed into backfill load tables', labelNames: ['domain', 'table'], registers: [registry],
  });
  const eventsApplied = new Counter({
    name: 'factory_cdc_events_applied_total', help: 'Change events committed in the warehouse (Kafka records, tombstones included)', labelNames: ['domain', 'table'], registers: [registry],
  });
  const changesApplied = new Counter({
    name: 'factory_cdc_changes_applied_total', help: 'Row changes applied to current-state tables by change capture', labelNames: ['domain', 'table'], registers: [registry],
  });
  const writes = new Counter({
    name: 'factory_cdc_warehouse_writes_total', help: 'Warehouse transactions of change capture', labelNames: ['domain', 'table'], registers: [registry],
  });
  const deadLetters = new Counter({
    name: 'factory_cdc_dead_letters_total', help: 'Change events sent to a dead-letter topic', labelNames: ['domain', 'table'], registers: [registry],
  });
  // Three ages of each applied change (core/cdc/freshness.ts): end to end, and its two parts.
  const freshness = new Histogram({
    name: 'factory_cdc_source_freshness_seconds', help: 'Age of an applied change when its write commits in the warehouse, from its source commit time',
    labelNames: ['domain', 'table'], buckets: freshnessBuckets, registers: [registry],
  });
  const captureDelay = new Histogram({
    name: 'factory_cdc_capture_delay_seconds', help: 'Source commit time to the Kafka record time of an applied change (Debezium or IIDR, Connect, broker)',
    labelNames: ['domain', 'table'], buckets: freshnessBuckets, registers: [registry],
  });
  const ingestDelay = new Histogram({
    name: 'factory_cdc_ingest_delay_seconds', help: 'Kafka record time to warehouse commit of an applied change (the ingest pipeline)',
    labelNames: ['domain', 'table'], buckets: freshnessBuckets, registers: [registry],
  });
  const withoutSourceTime = new Counter({
    name: 'factory_cdc_changes_without_source_time_total', help: 'Applied changes whose record carried no source commit time (not in the source freshness histogram)',
    labelNames: ['domain', 'table'], registers: [registry],
  });
  const lag = new Gauge({
    name: 'factory_cdc_lag_messages', help: 'Messages behind per partition at the end of the last ingest run', labelNames: ['domain', 'topic', 'partition'], registers: [registry],
  });
  const gates = new Counter({
    name: 'factory_quality_gate_results_total', help: 'Quality gate verdicts (pass, warn, block)', labelNames: ['domain', 'status'], registers: [registry],
  });
  let pending: { count: () => Promise<number>; onError: (error: unknown) => void } | undefined;
  new Gauge({
    name: 'factory_pending_approvals', help: 'Running workflows waiting for a decision (awaiting approval, reminded or escalated), from Temporal visibility',
    registers: [registry],
    async collect() {
      if (!pending) return;
      try {
        this.set(await pending.count());
      } catch (error) {
        // Unknown, not zero: a scrape still answers with everything else.
        this.set(Number.NaN);
        pending.onError(error);
      }
    },
  });

  const recorder: FactoryMetrics = {
    rowsLoaded: ({ domain, table }, rows) => rowsLoaded.inc({ domain, table }, rows),
    changesCommitted: ({ domain, table }, run) => {
      const labels = { domain, table };
      eventsApplied.inc(labels, run.events);
      changesApplied.inc(labels, run.applied);
      writes.inc(labels);
      if (run.deadLettered) deadLetters.inc(labels, run.deadLettered);
      // Clocks of the source, Kafka and this worker may differ by a little: a negative age is counted as 0.
      for (const ms of run.freshness.endToEndMs) freshness.observe(labels, Math.max(0, ms) / 1000);
      for (const ms of run.freshness.captureDelayMs) captureDelay.observe(labels, Math.max(0, ms) / 1000);
      for (const ms of run.freshness.ingestDelayMs) ingestDelay.observe(labels, Math.max(0, ms) / 1000);
      if (run.freshness.withoutSourceTime) withoutSourceTime.inc(labels, run.freshness.withoutSourceTime);
    },
    lag: ({ domain }, partitions) => {
      for (const p of partitions) lag.set({ domain, topic: p.topic, partition: String(p.partition) }, p.lag);
    },
    gateResult: ({ domain }, status) => gates.inc({ domain, status }),
  };
  return {
    registry,
    recorder,
    countPendingApprovals: (count, onError) => { pending = { count, onError }; },
  };
}
