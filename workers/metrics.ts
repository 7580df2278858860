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
  const freshness = new Histogram({
    name: 'factory_cdc_freshness_seconds', help: 'Age of a change event when its write commits in the warehouse (Kafka record time to commit)',
    labelNames: ['domain', 'table'], buckets: freshnessBuckets, registers: [registry],
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
      for (const ms of run.freshnessMs) freshness.observe(labels, Math.max(0, ms) / 1000);
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
