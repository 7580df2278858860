import type { IngestPipeline } from '../../connectors/cdc/pipeline.js';
import { waitForLag } from './cdc-workload.js';
import { say } from './measure.js';

/**
 * The highest rate the ingest pipeline sustains: steady phases at increasing rates, each produced for
 * `seconds` with the lag sampled every second, until the lag grows; the answer is the highest rate
 * whose phase ended without growth. Between phases the pipeline drains to lag 0, so every phase
 * starts even. The lag grew when the last quarter of a phase sits more than one second of events
 * above its first quarter (a pipeline that keeps up holds a flat lag, whatever its batch rhythm).
 */

export interface RateSearchInput {
  pipeline: IngestPipeline;
  /** Produces at `rate` events/s for `seconds`; returns the events sent. */
  produce(rate: number, seconds: number): Promise<number>;
  from: number;
  /** Each next rate is the last one times this factor. */
  factor: number;
  max: number;
  seconds: number;
}

export interface RateStep { rate: number; achieved: number; lagFirst: number; lagLast: number; grew: boolean }

export interface RateSearchResult {
  /** Highest rate without lag growth (0 when even the first grew). */
  maxSustained: number;
  /** Why the search stopped: the lag grew, the producer fell short of the rate, or the search's maximum. */
  stoppedBy: 'lag' | 'producer' | 'max';
  steps: RateStep[];
  events: number;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export function lagGrew(samples: number[], rate: number): { first: number; last: number; grew: boolean } {
  const quarter = Math.max(1, Math.floor(samples.length / 4));
  const first = mean(samples.slice(0, quarter));
  const last = mean(samples.slice(-quarter));
  return { first, last, grew: last > first + rate };
}

export async function rateSearch({ pipeline, produce, from, factor, max, seconds }: RateSearchInput): Promise<RateSearchResult> {
  const steps: RateStep[] = [];
  let maxSustained = 0;
  let events = 0;
  for (let rate = from; ; rate = Math.round(rate * factor)) {
    if (rate > max) return { maxSustained, stoppedBy: 'max', steps, events };
    pipeline.lease();
    const samples: number[] = [];
    const sampler = setInterval(() => void pipeline.lag().then((l) => samples.push(l.reduce((n, x) => n + x.lag, 0)), () => undefined), 1000);
    const sent = await produce(rate, seconds);
    clearInterval(sampler);
    await waitForLag(pipeline, 0, 600_000);
    await pipeline.release();
    events += sent;
    const { first, last, grew } = lagGrew(samples, rate);
    const achieved = Math.round(sent / seconds);
    steps.push({ rate, achieved, lagFirst: Math.round(first), lagLast: Math.round(last), grew });
    say(`    ${rate} events/s (produced ${achieved}/s): lag first/last quarter ${Math.round(first)}/${Math.round(last)}${grew ? ', grew' : ''}`);
    if (grew) return { maxSustained, stoppedBy: 'lag', steps, events };
    // A producer that cannot send the rate measures the producer, not the pipeline.
    if (achieved < 0.95 * rate) return { maxSustained: Math.max(maxSustained, achieved), stoppedBy: 'producer', steps, events };
    maxSustained = rate;
  }
}
