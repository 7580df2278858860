import { describe, expect, it } from 'vitest';
import { runFactory } from './support/factory-cli.js';
import { uniqueQueue } from './support/temporal.js';

// Task queues no worker polls: commands that wait on a workflow must say so, not wait in silence.
const env = { TEMPORAL_TASK_QUEUE: uniqueQueue('nobody'), TEMPORAL_WAREHOUSE_TASK_QUEUE: uniqueQueue('nobody-wh') };
const hint = /no worker polls task queue 'nobody-[^']+' \(workflows\) or 'nobody-wh-[^']+' \(warehouse owner\) in namespace 'default'[\s\S]*npx factory worker/;

describe('factory commands without a worker', () => {
  it('stops waiting commands after a short grace with the hint and exit code 1', async () => {
    const results = await Promise.all([['verify', 'booking.booking'], ['quality', 'run', 'booking.bookings'], ['retention', 'run'], ['erase', 'status', 'f'.repeat(64)]].map((args) => runFactory(args, env)));
    for (const result of results) {
      expect(result.stderr).toMatch(/^waiting up to 5 s for a worker/m);
      expect(result.stderr).toMatch(hint);
      expect(result.code).toBe(1);
    }
  }, 60_000); // a bound for a loaded machine: the grace is 5 s, four tsx starts side by side a few more

  it('a bad configuration exits 4, naming the variable', async () => {
    const result = await runFactory(['verify', 'booking.booking'], { ...env, FACTORY_CHUNK_ROWS: 'many' });
    expect(result.stderr).toContain('FACTORY_CHUNK_ROWS');
    expect(result.code).toBe(4);
  }, 15_000);

  it('factory status shows the stack and, per task queue, that no worker polls it', async () => {
    const result = await runFactory(['status', '--json'], env);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { stack: Array<{ service: string; state: string }>; workers: Array<{ taskQueue: string; kind: string; pollers: unknown[] }> };
    expect(report.stack).toEqual(expect.arrayContaining([{ service: 'temporal', address: expect.any(String), state: 'running' }]));
    expect(report.workers).toEqual([
      { taskQueue: env.TEMPORAL_TASK_QUEUE, kind: 'workflows', pollers: [] },
      { taskQueue: env.TEMPORAL_TASK_QUEUE, kind: 'activities', pollers: [] },
      { taskQueue: env.TEMPORAL_WAREHOUSE_TASK_QUEUE, kind: 'activities', pollers: [] },
    ]);
  }, 30_000);
});
