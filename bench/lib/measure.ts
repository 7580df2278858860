import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = process.hrtime.bigint();
  const result = await work();
  return { result, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** Peak resident set size of a live process, from the kernel's high-water mark (VmHWM). */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

export const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

/** Progress goes to stderr so stdout ends with the one JSON line. */
export const say = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

/**
 * Flushes dirty pages before a timed phase, so that it does not pay for the kernel writing back
 * what an earlier phase wrote (GBs of CSV, database files or Kafka log): seen as seconds of kernel
 * writeback CPU inside the next phase on this 2-core machine.
 */
export function settleDisk(): void {
  execFileSync('sync');
}

/**
 * `runs` runs of `one`, each after settleDisk, printing its seconds; `median` is the run of median
 * time (of an even count, the slower middle one): single runs on a shared machine vary.
 */
export async function repeatRuns<T>(runs: number, one: (run: number) => Promise<T>, seconds: (result: T) => number): Promise<{ all: T[]; median: T }> {
  if (runs < 1) throw new Error(`repeatRuns: expected at least one run, got ${runs}`);
  const all: T[] = [];
  for (let run = 1; run <= runs; run++) {
    settleDisk();
    const result = await one(run);
    say(`    run ${run}: ${round(seconds(result))} s`);
    all.push(result);
  }
  return { all, median: [...all].sort((a, b) => seconds(a) - seconds(b))[Math.floor(all.length / 2)]! };
}
