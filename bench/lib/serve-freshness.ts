import pg from 'pg';
import { simulate, type VisibleBooking } from '../../cli/source/simulate.js';
import type { IngestPipeline } from '../../connectors/cdc/pipeline.js';
import { registry } from '../../domains/index.js';
import { summarize, type LatencySummary } from './percentiles.js';

/**
 * Freshness of customer-360 after a change at the source: `factory source simulate` commits changes
 * at `changeRate` rows a second; of each committed transaction a few bookings customer-360 should now
 * show are polled (`read`: over HTTP in the bench) until it shows them. Measured from the moment
 * COMMIT returned to the simulator to the arrival of the answer showing the change, so it includes
 * Debezium, Kafka, decoding, the store's apply and the API.
 */

export interface FreshnessInput {
  sourceUrl: string;
  /** customer-360 of one customer as the caller sees it (the bench: GET over HTTP with the agent's session). */
  read: (customerId: string) => Promise<Customer360Body>;
  changeRate: number;
  seconds: number;
  probeMs: number;
  pipeline: IngestPipeline;
  /** Bookings polled per committed transaction (default 3). */
  probesPerCommit?: number;
  /** Give up on one probe after this long (default 30 s): then the source says superseded or missed. */
  probeTimeoutMs?: number;
}

export interface FreshnessResult {
  latency: LatencySummary;
  changesS: number;
  operationsS: number;
  /** Probes whose booking the source changed again (or deleted) before the API showed it: not counted. */
  superseded: number;
  /** Probes the API never showed although the source still holds them as sampled: a lost change. */
  missed: number;
  deadLettered: number;
}

export interface Customer360Body { bookings?: { readable: boolean; rows?: Array<Record<string, unknown>> } }

const shows = (body: Customer360Body, booking: VisibleBooking): boolean =>
  body.bookings?.rows?.some((r) => String(r.BOOKING_ID) === booking.bookingId && Number(r.TOTAL_AMOUNT) === Number(booking.totalAmount) && r.STATUS_CODE === booking.status) ?? false;

export async function freshnessFromSource(input: FreshnessInput): Promise<FreshnessResult> {
  const timeoutMs = input.probeTimeoutMs ?? 30_000;
  const probesPerCommit = input.probesPerCommit ?? 3;
  const lags: number[] = [];
  const unseen: VisibleBooking[] = [];
  const probes: Promise<void>[] = [];
  let failure: Error | undefined;

  const probe = async (committedAt: number, booking: VisibleBooking) => {
    for (;;) {
      const body = await input.read(booking.customerId);
      const at = Date.now();
      if (shows(body, booking)) {
        lags.push(at - committedAt);
        return;
      }
      if (at - committedAt > timeoutMs) {
        unseen.push(booking);
        return;
      }
      await new Promise((r) => setTimeout(r, input.probeMs));
    }
  };

  const simulated = await simulate({
    url: input.sourceUrl, rate: input.changeRate, pace: 'rows', seconds: input.seconds, seed: 23,
    onCommit: (commit) => {
      // Several of a transaction's bookings, spread over it: a loaded source commits fewer, larger transactions.
      const step = Math.max(1, Math.ceil(commit.bookings.length / probesPerCommit));
      for (let i = 0; i < commit.bookings.length; i += step) {
        probes.push(probe(commit.committedAt, commit.bookings[i]!).catch((error: unknown) => { failure ??= error instanceof Error ? error : new Error(String(error)); }));
      }
    },
  });
  await Promise.all(probes);
  if (failure) throw failure;
  if (input.pipeline.failed) throw input.pipeline.failed;

  // A probe not shown in time: superseded if the source no longer holds the sampled state.
  let missed = 0;
  if (unseen.length) {
    const booking = registry.table('booking.booking');
    const client = new pg.Client({ connectionString: input.sourceUrl });
    await client.connect();
    try {
      for (const b of unseen) {
        const { rows } = await client.query<{ status: string; amount: string }>(
          `SELECT "STATUS_CODE" AS status, "TOTAL_AMOUNT"::text AS amount FROM "${booking.source.schema}"."${booking.source.table}" WHERE "BOOKING_ID" = $1`, [b.bookingId]);
        if (rows[0] && rows[0].status === b.status && Number(rows[0].amount) === Number(b.totalAmount)) missed++;
      }
    } finally {
      await client.end();
    }
  }
  return {
    latency: summarize(lags), changesS: simulated.rowsChanged / simulated.seconds, operationsS: simulated.achievedRate,
    superseded: unseen.length - missed, missed, deadLettered: await input.pipeline.deadLetterTotal(),
  };
}
