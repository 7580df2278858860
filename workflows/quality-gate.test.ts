import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { PlanQualityGateResult, RunQualityCheckInput } from '../activities/quality/index.js';
import type { RecordQualityReportInput } from '../connectors/catalog/port.js';
import type { QualityReport, QualityRuleOutcome } from '../core/quality-report.js';
import { factoryDomain, factoryStatus } from './api/search-attributes.js';
import { UnknownNameError } from '../domains/errors.js';
import { createLocalEnv, workflowsPath } from '../test/support/time-skipping.js';
import { qualityGateWorkflowType, type QualityGateInput, type QualityGateWorkflow } from './api/quality-gate.js';

// Workflow logic only: activities are replaced to steer the gate. The real checks run in
// test/quality-gate.test.ts on the real stack.

const plan: PlanQualityGateResult = {
  product: 'booking.bookings',
  domain: 'booking',
  tables: [
    { domain: 'booking', table: 'booking', rules: [{ id: 'total_positive', kind: 'range', severity: 'block' }, { id: 'booking_volume', kind: 'volume', severity: 'warn' }] },
    { domain: 'booking', table: 'booking_line', rules: [{ id: 'lines_match_source', kind: 'reconciliation', severity: 'warn' }, { id: 'line_email', kind: 'format', severity: 'warn' }] },
    { domain: 'distribution', table: 'channel', rules: [] },
  ],
};

interface Steer {
  statuses: Record<string, QualityRuleOutcome['status']>;
  sourceFails?: boolean;
  checkDelayMs?: number;
}

describe('qualityGate workflow logic', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createLocalEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  async function run(steer: Steer, input: unknown = { product: 'booking.bookings', warehouseTaskQueue: 'wh', concurrency: 2 }) {
    const seen = { checks: [] as RunQualityCheckInput[], stored: [] as QualityReport[], baselineTables: [] as unknown[], maxInFlight: 0, catalog: [] as RecordQualityReportInput[] };
    let inFlight = 0;
    const general = await Worker.create({
      connection: env.nativeConnection, taskQueue: 'main', workflowsPath,
      activities: {
        async sourceTableStats() {
          if (steer.sourceFails) throw ApplicationFailure.nonRetryable('source unreachable', 'SourceDown');
          return { rows: 7, checksum: '77' };
        },
        async recordQualityReport(summary: RecordQualityReportInput) {
          seen.catalog.push(summary);
          return { alreadyRecorded: false };
        },
      },
    });
    const warehouse = await Worker.create({
      connection: env.nativeConnection, taskQueue: 'wh',
      activities: {
        async planQualityGate({ product }: { product: string }) {
          if (product !== 'booking.bookings' && product !== 'bookings') {
            throw new UnknownNameError(product, ['booking.bookings'], 'product');
          }
          return plan;
        },
        async qualityBaselines({ tables }: { tables: unknown[] }) {
          seen.baselineTables.push(...tables);
          return { baselines: [{ domain: 'booking', table: 'booking', ruleId: 'booking_volume', metrics: { row_count: 90 }, recordedAt: '2024-01-01T00:00:00.000Z' }] };
        },
        async runQualityCheck(input: RunQualityCheckInput): Promise<QualityRuleOutcome> {
          seen.checks.push(input);
          seen.maxInFlight = Math.max(seen.maxInFlight, ++inFlight);
          await new Promise((r) => setTimeout(r, steer.checkDelayMs ?? 0));
          inFlight--;
          const status = steer.statuses[input.ruleId] ?? 'pass';
          return {
            domain: input.domain, table: input.table, ruleId: input.ruleId, kind: 'range', severity: 'block', status, metric: 0, threshold: 0,
            sampleKeys: status === 'pass' ? [] : ['17', '18'], measured: {}, detail: status, durationMs: 1,
          };
        },
        async storeQualityReport(report: QualityReport) {
          seen.stored.push(report);
          return { reportId: report.reportId };
        },
      },
    });
    const workflowId = `quality:test-${Math.random()}`;
    const result = general.runUntil(warehouse.runUntil(env.client.workflow.execute<QualityGateWorkflow>(qualityGateWorkflowType, { taskQueue: 'main', workflowId, args: [input as QualityGateInput] })));
    return { result: await result, seen, workflowId };
  }

  it('blocks when a block rule fails, reports every rule, and stores the report it returns', async () => {
    const { result, seen, workflowId } = await run({ statuses: { total_positive: 'block', line_email: 'warn' } });
    expect(result.status).toBe('block');
    expect(result.results.map((r) => [r.ruleId, r.status])).toEqual([
      ['total_positive', 'block'], ['booking_volume', 'pass'], ['lines_match_source', 'pass'], ['line_email', 'warn'],
    ]);
    expect(result.results[0]!.sampleKeys).toEqual(['17', '18']);
    expect(seen.stored).toHaveLength(1);
    expect(seen.stored[0]).toMatchObject({ reportId: result.reportId, product: 'booking.bookings', domain: 'booking', status: 'block', results: result.results });
    // The catalog gets the run's summary, its evidence for `factory catalog show`.
    expect(seen.catalog).toEqual([{
      reportId: result.reportId, domain: 'booking', product: 'bookings', status: 'block', rules: 4, warned: 1, blocked: 1,
      durationMs: result.durationMs, checkedAt: seen.stored[0]!.checkedAt,
    }]);
    const description = await env.client.workflow.getHandle(workflowId).describe();
    expect(description.typedSearchAttributes.get(factoryDomain)).toBe('booking');
    expect(description.typedSearchAttributes.get(factoryStatus)).toBe('block');
  });

  it('warns when only warn rules fail, and passes when none does', async () => {
    expect((await run({ statuses: { line_email: 'warn' } })).result.status).toBe('warn');
    expect((await run({ statuses: {} })).result.status).toBe('pass');
  });

  it('hands each rule its own baseline and the source figures of its table, one clock for all', async () => {
    const { seen } = await run({ statuses: {} });
    expect(seen.baselineTables).toEqual([{ domain: 'booking', table: 'booking' }]);
    const byRule = new Map(seen.checks.map((c) => [c.ruleId, c]));
    expect(byRule.get('booking_volume')!.baseline).toEqual({ row_count: 90 });
    expect(byRule.get('total_positive')!.baseline).toBeUndefined();
    expect(byRule.get('lines_match_source')!.source).toEqual({ rows: 7, checksum: '77' });
    expect(byRule.get('line_email')!.source).toBeUndefined();
    expect(new Set(seen.checks.map((c) => c.now)).size).toBe(1);
  });

  it('still decides when the source cannot be read: the reconciliation rule gets the reason instead', async () => {
    const { result, seen } = await run({ statuses: {}, sourceFails: true });
    expect(result.status).toBe('pass');
    const reconciliation = seen.checks.find((c) => c.ruleId === 'lines_match_source')!;
    expect(reconciliation.source).toBeUndefined();
    expect(reconciliation.sourceError).toBe('source unreachable');
  });

  it('keeps at most `concurrency` checks in flight', async () => {
    const { seen } = await run({ statuses: {}, checkDelayMs: 200 });
    expect(seen.checks).toHaveLength(4);
    expect(seen.maxInFlight).toBe(2);
  });

  it('fails at once on an unknown product, naming the closest products', async () => {
    const error = await run({ statuses: {} }, { product: 'booking.bokings', warehouseTaskQueue: 'wh' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause).toMatchObject({
      message: 'qualityGate: unknown product "booking.bokings": closest are booking.bookings', type: 'UnknownNameError', nonRetryable: true,
    });
  });

  it('rejects malformed input, naming what is expected', async () => {
    const error = await run({ statuses: {} }, { product: { domain: 'booking' } }).catch((e: unknown) => e);
    expect((error as WorkflowFailedError).cause?.message).toBe(
      `qualityGate input: expected product ('<domain>.<product>', e.g. "booking.bookings", or { domain, product }), warehouseTaskQueue`,
    );
  });

  it('accepts the product as { domain, product }', async () => {
    const { result } = await run({ statuses: {} }, { product: { domain: 'booking', product: 'bookings' }, warehouseTaskQueue: 'wh' });
    expect(result.product).toBe('booking.bookings');
  });
});
