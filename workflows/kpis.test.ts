import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComputeKpiInput } from '../connectors/warehouse/kpi-port.js';
import { startTimeSkippingWorkers, workflowsPath, type TimeSkippingWorkers } from '../test/support/time-skipping.js';
import { computeKpisWorkflowType, type ComputeKpisWorkflow, type PlannedKpi, type RecordKpiValuesInput } from './api/kpis.js';

// The real computeKpis on the time-skipping test server, with stand-in activities: a KPI whose query
// keeps failing is reported after three attempts and the others are still stored; a product never
// published stores nothing; the latest period is judged against the target.

const planned = (name: string, product = 'bookings'): PlannedKpi => ({
  domain: 'booking',
  kpi: { name, product, table: 'booking', measure: { kind: 'count', where: [] }, grain: { time: 'day', column: 'BOOK_DATE', by: 'RESORT_CODE' }, target: { value: 2, direction: 'at_least' } },
});
const computeCalls: ComputeKpiInput[] = [];
const recorded: RecordKpiValuesInput[] = [];

const warehouse = {
  async planKpis(input: { domains?: string[] }) {
    return input.domains?.includes('nothing') ? [] : [planned('per_day'), planned('never', 'unpublished'), planned('broken')];
  },
  async computeKpi(input: ComputeKpiInput) {
    computeCalls.push(input);
    if (input.kpi.name === 'broken') throw new Error('Binder Error: column "BOOK_DATE" not found');
    if (input.kpi.product === 'unpublished') return { relation: 'published_booking.unpublished__booking', published: false, rows: [] };
    return {
      relation: 'published_booking.bookings__booking', published: true,
      rows: [
        { period: '2026-01-08', dimension: 'ALPS', numerator: 3, denominator: null },
        { period: '2026-01-09', dimension: 'ALPS', numerator: 1, denominator: null },
        { period: '2026-01-09', dimension: 'LAKE', numerator: 5, denominator: null },
      ],
    };
  },
};
const general = {
  async recordKpiValues(input: RecordKpiValuesInput) {
    recorded.push(input);
    return { written: input.rows.length, alreadyRecorded: false };
  },
};

describe('computeKpis', () => {
  let started: TimeSkippingWorkers | undefined;
  beforeAll(async () => {
    started = await startTimeSkippingWorkers({ workflowsPath, general, warehouse });
  });
  afterAll(async () => {
    await started?.stop();
  });

  it('stores each published KPI, skips an unpublished one, and reports a failing one without holding back the others', async () => {
    const result = await started!.env.client.workflow.execute<ComputeKpisWorkflow>(computeKpisWorkflowType, {
      taskQueue: 'main', workflowId: 'kpis:test-1', args: [{ warehouseTaskQueue: 'wh', periods: 7 }],
    });
    expect(result.kpis).toEqual([
      { domain: 'booking', kpi: 'per_day', relation: 'published_booking.bookings__booking', published: true, values: 3, written: 3, latest: { period: '2026-01-09', met: 1, of: 2 } },
      { domain: 'booking', kpi: 'never', relation: 'published_booking.unpublished__booking', published: false, values: 0, written: 0 },
      { domain: 'booking', kpi: 'broken', relation: '', published: false, values: 0, written: 0, error: 'Binder Error: column "BOOK_DATE" not found' },
    ]);
    expect(computeCalls.filter((c) => c.kpi.name === 'broken')).toHaveLength(3);
    expect(computeCalls.every((c) => c.periods === 7 && !('target' in c.kpi))).toBe(true);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ domain: 'booking', kpi: 'per_day', target: { value: 2, direction: 'at_least' }, computedAt: result.computedAt, runId: expect.stringMatching(/^kpis:test-1\//) });
  });

  it('refuses invalid input at once', async () => {
    const run = started!.env.client.workflow.execute<ComputeKpisWorkflow>(computeKpisWorkflowType, {
      taskQueue: 'main', workflowId: 'kpis:test-2', args: [{ warehouseTaskQueue: '', periods: 0 }],
    });
    await expect(run).rejects.toMatchObject({ cause: { message: 'computeKpis input: expected warehouseTaskQueue, periods from 1 to 366' } });
  });
});
