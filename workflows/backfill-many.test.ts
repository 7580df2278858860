import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalEnv, workflowsPath } from '../test/support/time-skipping.js';
import { backfillAllWorkflowType, backfillDomainWorkflowType, type BackfillManyInput, type BackfillManyWorkflow } from './api/backfill-many.js';

// Workflow logic only: activities are replaced to steer the workflow. Every child backfill fails at
// its first step, so the test does not depend on the steps of a table backfill; the real layer is
// built in test/qualified-layer.test.ts.

describe('backfillDomain / backfillAll: the qualified layer after the tables', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createLocalEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  async function run(workflowType: typeof backfillDomainWorkflowType | typeof backfillAllWorkflowType, tables: string[], calls: string[]) {
    const source = {
      async listTables() { return { tables }; },
      async awaitCaptureCoverage() { return { capture: 'covered' }; },
      async inspectSourceTable(input: { domain: string; table: string }) {
        calls.push(`inspect ${input.domain}.${input.table}`);
        throw ApplicationFailure.nonRetryable('source table missing', 'InvalidInputError');
      },
    };
    const warehouse = {
      async buildQualifiedLayer(input: { domain: string }) {
        calls.push(`qualify ${input.domain}`);
        return { domain: input.domain, views: [], skipped: [{ table: `${input.domain}.x`, reason: 'not loaded' }] };
      },
    };
    const input: BackfillManyInput = { domain: 'booking', tableConcurrency: 2, chunkRows: 10, chunkConcurrency: 1, warehouseTaskQueue: 'wh-many' };
    const main = await Worker.create({ connection: env.nativeConnection, taskQueue: 'main-many', workflowsPath, activities: source });
    const wh = await Worker.create({ connection: env.nativeConnection, taskQueue: 'wh-many', activities: warehouse });
    return main.runUntil(wh.runUntil(env.client.workflow.execute<BackfillManyWorkflow>(workflowType, { taskQueue: 'main-many', workflowId: `many-${Math.random()}`, args: [input] })));
  }

  it('builds the views of the domain once every child has ended, failed ones included', async () => {
    const calls: string[] = [];
    const error = await run(backfillDomainWorkflowType, ['booking.booking', 'booking.booking_line'], calls).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const failure = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect(failure.type).toBe('BackfillFailedError');
    expect(failure.details?.[0]).toMatchObject({ qualified: [{ domain: 'booking', views: [], skipped: [{ table: 'booking.x', reason: 'not loaded' }] }] });
    expect(calls.slice(0, 2).sort()).toEqual(['inspect booking.booking', 'inspect booking.booking_line']);
    expect(calls.slice(2)).toEqual(['qualify booking']);
  });

  it('builds each loaded domain once for backfillAll', async () => {
    const calls: string[] = [];
    await run(backfillAllWorkflowType, ['reference.currency', 'booking.booking', 'reference.country'], calls).catch(() => undefined);
    expect(calls.filter((c) => c.startsWith('qualify'))).toEqual(['qualify booking', 'qualify reference']);
    expect(calls.findIndex((c) => c.startsWith('qualify'))).toBe(3);
  });
});
