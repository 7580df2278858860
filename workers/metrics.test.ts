import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseExposition } from '../test/support/metrics.js';
import { createWorkerMetrics } from './metrics.js';

const dashboard = JSON.parse(readFileSync(new URL('../docker/grafana/data-factory.json', import.meta.url), 'utf8')) as {
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
  templating: { list: Array<{ definition?: string }> };
};

/** Metric names in a PromQL expression: by their unit or type suffix (functions and label names have none). */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b([a-z_][a-z0-9_]*_(?:total|seconds|messages|approvals|bucket|count|sum))\b/g)].map((m) => m[1]!);
}

describe('worker metrics registry', () => {
  it('has every metric the Grafana dashboard queries', async () => {
    const { registry } = createWorkerMetrics({ role: 'all' });
    const registered = new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
    const exprs = [...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)), ...dashboard.templating.list.flatMap((v) => (v.definition ? [v.definition] : []))];
    const queried = new Set(exprs.flatMap(metricNames));
    expect(queried.size).toBeGreaterThanOrEqual(8);
    // A histogram's series are <name>_bucket, _sum and _count.
    const missing = [...queried].filter((name) => !registered.has(name) && !registered.has(name.replace(/_(bucket|sum|count)$/, '')));
    expect(missing).toEqual([]);
  });

  it('records through the activities\' port with contract names as labels', async () => {
    const { registry, recorder } = createWorkerMetrics({ role: 'warehouse' });
    recorder.rowsLoaded({ domain: 'booking', table: 'booking' }, 500);
    recorder.rowsLoaded({ domain: 'booking', table: 'booking' }, 250);
    recorder.changesCommitted({ domain: 'booking', table: 'booking' }, {
      events: 3, applied: 2, deadLettered: 1,
      freshness: { endToEndMs: [900, 3000], captureDelayMs: [700, 2500], ingestDelayMs: [40, 200, 500], withoutSourceTime: 1 },
    });
    recorder.lag({ domain: 'booking' }, [{ topic: 'factory.BOOK.BOOKING', partition: 0, lag: 7 }]);
    recorder.gateResult({ domain: 'booking' }, 'block');
    const scrape = parseExposition(await registry.metrics());
    expect(scrape.sum('factory_backfill_rows_loaded_total', { domain: 'booking', table: 'booking', role: 'warehouse' })).toBe(750);
    expect(scrape.sum('factory_cdc_events_applied_total')).toBe(3);
    expect(scrape.sum('factory_cdc_changes_applied_total')).toBe(2);
    expect(scrape.sum('factory_cdc_dead_letters_total')).toBe(1);
    expect(scrape.sum('factory_cdc_source_freshness_seconds_count')).toBe(2);
    expect(scrape.sum('factory_cdc_source_freshness_seconds_bucket', { le: '1' })).toBe(1);
    expect(scrape.sum('factory_cdc_capture_delay_seconds_bucket', { le: '1' })).toBe(1);
    expect(scrape.sum('factory_cdc_capture_delay_seconds_sum')).toBeCloseTo(3.2);
    expect(scrape.sum('factory_cdc_ingest_delay_seconds_count')).toBe(3);
    // The change without a source time is counted as such, not observed as fresh.
    expect(scrape.sum('factory_cdc_changes_without_source_time_total')).toBe(1);
    expect(scrape.sum('factory_cdc_lag_messages', { topic: 'factory.BOOK.BOOKING', partition: '0' })).toBe(7);
    expect(scrape.sum('factory_quality_gate_results_total', { status: 'block' })).toBe(1);
    // No approvals source set (a warehouse worker): the gauge says 0 and never queries.
    expect(scrape.find('factory_pending_approvals')).toHaveLength(1);
  });

  it('reports pending approvals as unknown, not zero, when the count fails', async () => {
    const metrics = createWorkerMetrics({ role: 'general' });
    const errors: unknown[] = [];
    metrics.countPendingApprovals(() => Promise.reject(new Error('visibility down')), (e) => errors.push(e));
    expect(Number.isNaN(parseExposition(await metrics.registry.metrics()).sum('factory_pending_approvals'))).toBe(true);
    expect(errors).toHaveLength(1);
    metrics.countPendingApprovals(() => Promise.resolve(2), () => undefined);
    expect(parseExposition(await metrics.registry.metrics()).sum('factory_pending_approvals')).toBe(2);
  });
});
