import { CaptureCoverageError } from '../errors.js';

/**
 * Waiting until a change capture provably covers a table. A backfill records its start position and
 * change capture replays from it; a table the capture does not cover yet at that moment would lose
 * the changes made until it does (issue: right after registration the PostgreSQL publication listed a
 * new table only seconds later). Each capture product says what is missing (connectors/*: Debezium
 * PostgreSQL, Debezium Db2 over ASN); this waits, bounded, and names the table and what is missing.
 */

/** What is missing for the table to be covered ([] when covered); null when no registered capture is asked to cover it. */
export type CoverageCheck = () => Promise<string[] | null>;

export interface WaitForCoverageInput {
  /** The table as the reader knows it, e.g. 'booking.booking_line (BOOK.BOOKING_LINE)'. */
  table: string;
  /** The capture, e.g. 'connector capture-factory'. */
  capture: string;
  check: CoverageCheck;
  timeoutMs: number;
  intervalMs?: number;
  /** Called on each check that is not yet covered (an activity heartbeats here). */
  onWait?: (missing: string[]) => void;
}

/** 'covered', or 'no capture' when no registered capture is asked to cover the table; throws CaptureCoverageError after the wait. */
export async function waitForCoverage(input: WaitForCoverageInput): Promise<'covered' | 'no capture'> {
  const deadline = Date.now() + input.timeoutMs;
  for (;;) {
    const missing = await input.check();
    if (missing === null) return 'no capture';
    if (missing.length === 0) return 'covered';
    if (Date.now() >= deadline) throw coverageError(input, missing);
    input.onWait?.(missing);
    await new Promise((r) => setTimeout(r, input.intervalMs ?? 500));
  }
}

export function coverageError(input: Pick<WaitForCoverageInput, 'table' | 'capture' | 'timeoutMs'>, missing: readonly string[]): CaptureCoverageError {
  return new CaptureCoverageError(
    `change capture of ${input.table} is not in place after ${Math.round(input.timeoutMs / 1000)} s (${input.capture}): ${missing.join('; ')}. ` +
      'A backfill started now could miss changes to the table; register the capture with the table first (factory cdc register).',
  );
}
