import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { WorkflowFailedError } from '@temporalio/client';
import { createLocalEnv, workflowsPath } from '../test/support/time-skipping.js';
import { backfillTableWorkflowType, type BackfillTableInput } from './api/backfill-table.js';

// Workflow logic only: activities are replaced to steer the workflow into its branches. The real
// activities run in test/backfill*.test.ts on the real stack.

describe('backfillTable workflow logic', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createLocalEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  const input: BackfillTableInput = { domain: 'booking', table: 'booking_line', chunkRows: 10, concurrency: 2, warehouseTaskQueue: 'wh' };

  function activities(calls: string[], loaded: { rows: number; checksum: string }, inspected: { sourceEnforcesKey?: boolean } = {}) {
    const record = (name: string) => calls.push(name);
    return {
      source: {
        async awaitCaptureCoverage() { record('capture'); return { capture: 'covered' }; },
        async inspectSourceTable() { record('inspect'); return { key: ['ID'], approxRows: 30, sourcePosition: '0/16B3748', addedColumns: [], ...inspected }; },
        async planChunks() { record('plan'); return { chunks: [0, 1, 2].map((index) => ({ index, lower: null, upper: null })) }; },
        async exportChunk(i: { bounds: { index: number } }) { record(`export${i.bounds.index}`); return { file: `/s/${i.bounds.index}.csv`, rows: 10, checksum: '100', bytes: 1 }; },
        async removeStagedFiles() { record('cleanup'); },
      },
      warehouse: {
        async prepareLoad() { record('prepare'); return { loadTable: 'raw_booking.booking_line__load_x' }; },
        async loadChunk() { return { rows: 10, alreadyLoaded: false }; },
        async validateLoad(i: { sourceEnforcesKey: boolean }) { record(i.sourceEnforcesKey ? 'validate' : 'validate+keys'); return { ...loaded, duplicateKeys: 0 }; },
        async quarantineLoad() { record('quarantine'); return { quarantined: 2 }; },
        async swapIn() { record('swap'); return { table: 'raw_booking.booking_line' }; },
        async dropLoad() { record('drop'); },
        async recordBackfill() { record('record'); },
      },
    };
  }

  async function run(calls: string[], loaded: { rows: number; checksum: string }, workflowInput: unknown = input, inspected: { sourceEnforcesKey?: boolean } = { sourceEnforcesKey: true }) {
    const fakes = activities(calls, loaded, inspected);
    const source = await Worker.create({ connection: env.nativeConnection, taskQueue: 'main', workflowsPath, activities: fakes.source });
    const warehouse = await Worker.create({ connection: env.nativeConnection, taskQueue: 'wh', activities: fakes.warehouse });
    return source.runUntil(warehouse.runUntil(env.client.workflow.execute(backfillTableWorkflowType, { taskQueue: 'main', workflowId: `t-${Math.random()}`, args: [workflowInput] })));
  }

  it('swaps in only after the load matches what the source exported', async () => {
    const calls: string[] = [];
    const result = await run(calls, { rows: 30, checksum: '300' });
    expect(result).toMatchObject({ rows: 30, checksum: '300', chunks: 3, sourcePosition: '0/16B3748', warehouseTable: 'raw_booking.booking_line', quarantined: 2 });
    // Quarantine moves rows out of a load already proven equal to the source, and only then is it swapped in.
    expect(calls.indexOf('quarantine')).toBeGreaterThan(calls.indexOf('validate'));
    expect(calls.indexOf('swap')).toBeGreaterThan(calls.indexOf('quarantine'));
    expect(calls).toContain('record');
    // The position recorded by inspect is where change capture takes over: the capture covers the table first.
    expect(calls.slice(0, 2)).toEqual(['capture', 'inspect']);
  });

  it('asks the warehouse to count duplicate keys unless the source enforces the key', async () => {
    for (const [inspected, validate] of [[{ sourceEnforcesKey: true }, 'validate'], [{ sourceEnforcesKey: false }, 'validate+keys'], [{}, 'validate+keys']] as const) {
      const calls: string[] = [];
      await run(calls, { rows: 30, checksum: '300' }, input, inspected);
      expect(calls, JSON.stringify(inspected)).toContain(validate);
    }
  });

  it('never swaps in a load whose checksum differs, and drops it', async () => {
    const calls: string[] = [];
    const error = await run(calls, { rows: 30, checksum: '299' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause?.message).toBe(
      'booking.booking_line: validation failed, nothing swapped in — source 30 rows / checksum 300, warehouse 30 rows / checksum 299, 0 duplicate keys',
    );
    expect(calls).toContain('drop');
    expect(calls).not.toContain('quarantine');
    expect(calls).not.toContain('swap');
  });

  it('rejects bad input at once, naming what is expected', async () => {
    const error = await run([], { rows: 0, checksum: '0' }, { domain: 'booking' }).catch((e: unknown) => e);
    expect((error as WorkflowFailedError).cause?.message).toBe(
      'backfillTable input: expected table (e.g. "booking_line"), chunkRows > 0, concurrency > 0, warehouseTaskQueue',
    );
  });
});
