import { spawn } from 'node:child_process';
import { simulate, type SimulateResult } from '../../cli/source/simulate.js';

/**
 * The change simulator in a process of its own, as the source system is in production: its queries
 * do not share an event loop with the pipeline a bench measures. Run as a script, it simulates and
 * prints the result as one JSON line.
 */

interface Job { url: string; rate: number; seconds: number; seed: number; pace?: 'operations' | 'rows' }

export function simulateInProcess(job: Job): Promise<SimulateResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`change simulator process exited with code ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1)!) as SimulateResult);
    });
  });
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const job = JSON.parse(process.argv[2]!) as Job;
  const result = await simulate({ url: job.url, rate: job.rate, seconds: job.seconds, seed: job.seed, pace: job.pace });
  console.log(JSON.stringify(result));
}
