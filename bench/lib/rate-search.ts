import type { IngestPipeline } from '../../connectors/cdc/pipeline.js';
import { waitForLag } from './cdc-workload.js';
import { say } from './measure.js';

/**
 * The highest rate the ingest pipeline sustains: steady phases at increasing rates, each produced for
 * `seconds` with the lag sampled every second, until the lag grows; the answer is the highest rate
 * whose phase ended without growth. Between phases the pipeline drains to lag 0, so every phase
 * starts even. The lag grew when its least-squares slope over the phase is more than 2 % of the rate:
 * the pipeline then applied less than 98 % of what arrived. A pipeline that keeps up holds a flat lag
 * whatever its batch rhythm: the saw-tooth of its writes averages out of a slope fitted to every
 * sample (a comparison of the first and last quarters with a one-second tolerance let a pipeline
 * 5 % short of the rate pass a 20 s phase).
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

/** Share of the rate the lag may grow by each second and still count as flat. */
export const LAG_GROWTH_SHARE = 0.02;

/** Lag samples taken one second apart: first and last quarter means, the fitted slope (events/s), and whether it grew. */
export function lagGrew(samples: number[], rate: number): { first: number; last: number; slope: number; grew: boolean } {
  const quarter = Math.max(1, Math.floor(samples.length / 4));
  const first = mean(samples.slice(0, quarter));
  const last = mean(samples.slice(-quarter));
  const slope = leastSquaresSlope(samples);
  return { first, last, slope, grew: slope > LAG_GROWTH_SHARE * rate };
}

/** Slope of the line fitted to samples at x = 0, 1, 2, …; 0 for fewer than two samples. */
function leastSquaresSlope(samples: number[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const meanX = (n - 1) / 2;
  const meanY = mean(samples);
  let covariance = 0;
  let variance = 0;
  samples.forEach((y, x) => {
    covariance += (x - meanX) * (y - meanY);
    variance += (x - meanX) ** 2;
  });
  return covariance / variance;
}

/** Runs `work` while the pipeline's total lag is sampled once a second; its result and the samples. */
export async function sampleLagDuring<T>(pipeline: Pick<IngestPipeline, 'lag'>, work: () => Promise<T>): Promise<{ result: T; samples: number[] }> {
  const samples: number[] = [];
  const sampler = setInterval(() => void pipeline.lag().then((l) => samples.push(l.reduce((n, x) => n + x.lag, 0)), () => undefined), 1000);
  try {
    return { result: await work(), samples };
  } finally {
    clearInterval(sampler);
  }
}

export async function rateSearch({ pipeline, produce, from, factor, max, seconds }: RateSearchInput): Promise<RateSearchResult> {
  const steps: RateStep[] = [];
  let maxSustained = 0;
  let events = 0;
  for (let rate = from; ; rate = Math.round(rate * factor)) {
    if (rate > max) return { maxSustained, stoppedBy: 'max', steps, events };
    pipeline.lease();
    const { result: sent, samples } = await sampleLagDuring(pipeline, () => produce(rate, seconds));
    await waitForLag(pipeline, 0, 600_000);
    await pipeline.release();
    events += sent;
    const { first, last, slope, grew } = lagGrew(samples, rate);
    const achieved = Math.round(sent / seconds);
    steps.push({ rate, achieved, lagFirst: Math.round(first), lagLast: Math.round(last), grew });
    say(`    ${rate} events/s (produced ${achieved}/s): lag first/last quarter ${Math.round(first)}/${Math.round(last)}, slope ${Math.round(slope)} events/s${grew ? ', grew' : ''}`);
    if (grew) return { maxSustained, stoppedBy: 'lag', steps, events };
    // A producer that cannot send the rate measures the producer, not the pipeline.
    if (achieved < 0.95 * rate) return { maxSustained: Math.max(maxSustained, achieved), stoppedBy: 'producer', steps, events };
    maxSustained = rate;
  }
}
