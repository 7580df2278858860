import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { seedSource } from '../cli/source/seed.js';
import { simulate } from '../cli/source/simulate.js';
import { createKafka } from '../connectors/kafka/client.js';
import { registry } from '../domains/index.js';
import { backfillTableWorkflowType, type BackfillTableWorkflow } from '../workflows/api/backfill-table.js';
import { cdcIngestWorkflowType, cdcStatus, type CdcIngestWorkflow } from '../workflows/api/cdc-ingest.js';
import { startWorkers, type RunningWorkers } from '../workers/worker.js';
import { registerCapture } from './support/capture.js';
import { scrape, type Scrape } from './support/metrics.js';
import { createScratchDatabase } from './support/postgres.js';
import { connectClient, drainCdc, isolatedEnv, testConfig } from './support/temporal.js';

/**
 * /metrics of an in-process worker on the real stack: a backfill of one table moves the rows-loaded
 * counter by exactly the source's row count, and a change-capture run (Debezium on a scratch source,
 * the simulator changing it) moves the applied-events counters while it runs, by exactly what the
 * workflow reports at the end; the Temporal SDK's runtime metrics come in the same scrape.
 */
describe('worker metrics during a backfill and a change-capture run', () => {
  const base = testConfig();
  const topicPrefix = `itm${process.pid}`;
  const kafka = createKafka({ brokers: base.KAFKA_BROKERS, clientId: 'metrics-test' });
  let scratch: { url: string; drop: () => Promise<void> };
  let capture: Awaited<ReturnType<typeof registerCapture>> | undefined;
  let dir: string;
  let workers: RunningWorkers;
  let client: Client;
  let closeClient: () => Promise<void>;
  let config: ReturnType<typeof testConfig>;
  let metricsUrl: string;

  beforeAll(async () => {
    scratch = await createScratchDatabase(base.FACTORY_SOURCE_URL, `factory_it_metrics_${process.pid}`);
    await seedSource({ url: scratch.url, registry, scale: 0.01, seed: 5 });
    capture = await registerCapture({ connectUrl: base.KAFKA_CONNECT_URL, sourceUrl: scratch.url, topicPrefix, registry, domain: 'booking' });
    dir = await mkdtemp(join(tmpdir(), 'factory-metrics-'));
    config = testConfig(isolatedEnv('metrics', dir, scratch.url, { FACTORY_CDC_TOPIC_PREFIX: topicPrefix, FACTORY_METRICS_PORT: '0' }));
    workers = await startWorkers({ config, role: 'all', registry });
    metricsUrl = workers.metricsUrl!;
    ({ client, close: closeClient } = await connectClient(config));
  }, 300_000);

  afterAll(async () => {
    workers?.shutdown();
    await workers?.done;
    await closeClient?.();
    await capture?.remove(kafka);
    await scratch?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('serves our metrics and the Temporal SDK runtime metrics on one loopback port', async () => {
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const first = await scrape(metricsUrl);
    expect(first.text).toMatch(/^# TYPE factory_cdc_source_freshness_seconds histogram$/m);
    // The SDK's exporter is pulled into the same answer (a worker is one scrape target).
    expect(first.samples.some((s) => s.name.startsWith('temporal_'))).toBe(true);
    expect(first.text).not.toMatch(/SDK runtime metrics unavailable/);
    // Counted from Temporal visibility at each scrape: a number, not the "unknown" of a failed query.
    expect(Number.isNaN(first.sum('factory_pending_approvals'))).toBe(false);
    expect(first.find('factory_pending_approvals')).toHaveLength(1);
  });

  it('moves rows loaded by the rows of the backfilled table', async () => {
    const table = registry.table('booking.booking');
    const source = new pg.Client({ connectionString: scratch.url });
    await source.connect();
    const sourceRows = Number((await source.query<{ n: string }>(`SELECT count(*) AS n FROM "${table.source.schema}"."${table.source.table}"`)).rows[0]!.n);
    await source.end();
    expect(sourceRows).toBeGreaterThan(0);

    const labels = { domain: 'booking', table: 'booking' };
    const before = await scrape(metricsUrl);
    const result = await client.workflow.execute<BackfillTableWorkflow>(backfillTableWorkflowType, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: `backfill:booking.booking-metrics-${Date.now()}`,
      args: [{ domain: 'booking', table: 'booking', chunkRows: Math.ceil(sourceRows / 3), concurrency: 2, warehouseTaskQueue: config.TEMPORAL_WAREHOUSE_TASK_QUEUE }],
    });
    const after = await scrape(metricsUrl);
    expect(result.rows).toBe(sourceRows);
    expect(after.sum('factory_backfill_rows_loaded_total', labels) - before.sum('factory_backfill_rows_loaded_total', labels)).toBe(sourceRows);
    // The SDK's own counters moved with the activities it ran.
    expect(after.sum('temporal_activity_execution_latency_seconds_count')).toBeGreaterThan(before.sum('temporal_activity_execution_latency_seconds_count'));
  });

  it('moves events applied and freshness while change capture runs, by what the workflow reports', async () => {
    const before = await scrape(metricsUrl);
    const events = (s: Scrape) => s.sum('factory_cdc_events_applied_total', { domain: 'booking' });
    const changes = (s: Scrape) => s.sum('factory_cdc_changes_applied_total', { domain: 'booking' });
    const observed = (s: Scrape) => s.sum('factory_cdc_source_freshness_seconds_count', { domain: 'booking' });
    const captured = (s: Scrape) => s.sum('factory_cdc_capture_delay_seconds_count', { domain: 'booking' });
    const ingested = (s: Scrape) => s.sum('factory_cdc_ingest_delay_seconds_count', { domain: 'booking' });
    const cdc = await client.workflow.start<CdcIngestWorkflow>(cdcIngestWorkflowType, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: `cdc:booking-metrics-${Date.now()}`,
      args: [{ domain: 'booking', warehouseTaskQueue: config.TEMPORAL_WAREHOUSE_TASK_QUEUE, consumer: `cdc.booking.${topicPrefix}`, runSeconds: 2 }],
    });
    const simulated = await simulate({ url: scratch.url, rate: 40, seconds: 6, seed: 3 });
    expect(simulated.operations.total).toBeGreaterThan(50);

    // While the workflow still runs, the counters move as batches commit (not only when a run ends).
    let during = await scrape(metricsUrl);
    for (let attempt = 0; attempt < 60 && events(during) === events(before); attempt++) {
      await new Promise((r) => setTimeout(r, 1000));
      during = await scrape(metricsUrl);
    }
    expect(events(during)).toBeGreaterThan(events(before));
    expect((await cdc.describe()).status.name).toBe('RUNNING');

    // Everything the simulator did, applied: the status totals stop growing at the source's count.
    for (let attempt = 0; attempt < 60; attempt++) {
      const status = await cdc.query(cdcStatus);
      if (status.lag.length > 0 && status.lag.every((l) => l.lag === 0) && status.totals.events > 0) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const final = await drainCdc(cdc);
    const after = await scrape(metricsUrl);
    expect(final.totals.events).toBeGreaterThan(0);
    // The counters count every committed write; the workflow's totals add up the runs that returned, so
    // a run whose activity was retried (a heartbeat missed on a loaded machine) is in the counters only:
    // at least the totals (CI once saw 757 events counted for 524 in the totals).
    expect(events(after) - events(before)).toBeGreaterThanOrEqual(final.totals.events);
    expect(changes(after) - changes(before)).toBeGreaterThanOrEqual(final.totals.applied);
    // Debezium gives every change its source commit time: one source freshness and one capture delay
    // observation per applied change event, one ingest delay each too; tombstones have none.
    expect(observed(after) - observed(before)).toBeGreaterThan(0);
    expect(captured(after) - captured(before)).toBe(observed(after) - observed(before));
    expect(ingested(after) - ingested(before)).toBe(observed(after) - observed(before));
    expect(observed(after) - observed(before)).toBeLessThanOrEqual(events(after) - events(before));
    expect(after.sum('factory_cdc_changes_without_source_time_total', { domain: 'booking' })).toBe(0);
    expect(after.sum('factory_cdc_dead_letters_total', { domain: 'booking' })).toBe(final.totals.deadLettered);
    // Lag per partition of every followed topic, as the last run measured it.
    const lagTopics = new Set(after.find('factory_cdc_lag_messages', { domain: 'booking' }).map((s) => s.labels.topic));
    expect([...lagTopics].sort()).toEqual([...new Set(final.lag.map((l) => l.topic))].sort());
    expect(after.sum('factory_cdc_lag_messages', { domain: 'booking' })).toBe(final.lag.reduce((n, l) => n + l.lag, 0));
  });
});
