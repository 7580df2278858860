import { describe, expect, it } from 'vitest';
import { CaptureCoverageError } from '../errors.js';
import { waitForCoverage } from './coverage.js';

const base = { table: 'booking.booking_line (BOOK.BOOKING_LINE)', capture: 'connector capture-factory', intervalMs: 1 };

describe('waitForCoverage', () => {
  it('returns once nothing is missing, and says so when no capture is asked to cover the table', async () => {
    const answers: Array<string[] | null> = [['publication x does not list it yet'], []];
    const waits: string[][] = [];
    expect(await waitForCoverage({ ...base, timeoutMs: 60_000, check: async () => answers.shift()!, onWait: (m) => waits.push(m) })).toBe('covered');
    expect(waits).toEqual([['publication x does not list it yet']]);
    expect(await waitForCoverage({ ...base, timeoutMs: 60_000, check: async () => null })).toBe('no capture');
  });

  it('fails permanently after the wait, naming the table, the capture and everything missing', async () => {
    const error = await waitForCoverage({ ...base, timeoutMs: 0, check: async () => ['publication x does not list it yet', 'replication slot x_slot has no active stream'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaptureCoverageError);
    expect((error as Error).message).toBe(
      'change capture of booking.booking_line (BOOK.BOOKING_LINE) is not in place after 0 s (connector capture-factory): publication x does not list it yet; ' +
        'replication slot x_slot has no active stream. A backfill started now could miss changes to the table; register the capture with the table first (factory cdc register).',
    );
  });
});
