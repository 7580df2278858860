import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { backfillTarget, startBackfill } from '../cli/commands/backfill.js';
import { factoryTable } from '../workflows/api/search-attributes.js';
import { connectClient, testConfig, uniqueQueue } from './support/temporal.js';

/** The CLI's start path against the real Temporal server: ids, search attributes, refusal of a second run. */
describe('factory backfill start', () => {
  let client: Client;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ client, close } = await connectClient(testConfig()));
  });
  afterAll(async () => {
    await close?.();
  });

  it('names runs by business id and resolves tables, domains and all', () => {
    expect(backfillTarget('booking.booking_line')).toMatchObject({ workflowType: 'backfillTable', workflowId: 'backfill:booking.booking_line' });
    expect(backfillTarget('booking')).toMatchObject({ workflowType: 'backfillDomain', workflowId: 'backfill:booking' });
    expect(backfillTarget('all')).toMatchObject({ workflowType: 'backfillAll', workflowId: 'backfill:all' });
    expect(() => backfillTarget('bookng_line')).toThrow('unknown table or domain "bookng_line": closest are booking.booking_line');
  });

  it('refuses to start a backfill that is already running, naming the run', async () => {
    // No worker polls this queue, so the first run stays running while the second start is refused.
    const target = { ...backfillTarget('booking.booking_line'), workflowId: `backfill:test-${process.pid}-${Date.now()}` };
    const queue = uniqueQueue('no-worker');
    const first = await startBackfill(client, target, queue);
    try {
      const description = await first.describe();
      expect(description.status.name).toBe('RUNNING');
      expect(description.typedSearchAttributes.get(factoryTable)).toBe('booking.booking_line');
      await expect(startBackfill(client, target, queue)).rejects.toThrow(
        new RegExp(`^a backfill ${target.workflowId} is already running \\(run ${first.firstExecutionRunId}, started .*\\): wait for it, or cancel it in the Temporal UI$`),
      );
    } finally {
      await first.terminate('test done');
    }
  });
});
