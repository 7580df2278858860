import { spawnSync } from 'node:child_process';
import type { Command } from 'commander';
import { startWorkers, type WorkerRole } from '../../workers/worker.js';
import { config, repoRoot } from '../context.js';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run a worker until SIGINT/SIGTERM (graceful: running tasks finish first)')
    .option('--role <role>', 'all | general (workflows, source reads, Kafka) | warehouse (the single warehouse owner)', 'all')
    .action(async (opts: { role: string }) => {
      if (!['all', 'general', 'warehouse'].includes(opts.role)) {
        program.error(`--role: expected all, general or warehouse, got '${opts.role}'`);
      }
      await runWorker(opts.role as WorkerRole, `worker (${opts.role})`);
    });

  program
    .command('dev')
    .description('local development in one foreground command: the stack (with Kafka Connect), a worker of all roles, and where the Temporal UI is; Ctrl-C stops the worker (the stack keeps running)')
    .option('--with <extras>', 'optional services besides connect, comma-separated: bigquery, identity', '')
    .action(async (opts: { with: string }) => {
      const extras = ['connect', ...opts.with.split(',').map((s) => s.trim()).filter(Boolean)].join(',');
      const up = spawnSync('bash', [`${repoRoot}/stack/stack.sh`, 'up', '--with', extras], { stdio: 'inherit', cwd: repoRoot });
      if (up.status !== 0) process.exit(up.status ?? 1);
      console.error('Temporal UI: http://127.0.0.1:8233 — `npx factory status` in another terminal shows workers, workflows and approvals');
      await runWorker('all', 'dev worker (all roles)');
    });
}

/** Runs workers of a role until SIGINT/SIGTERM, then exits once everything is drained and closed. */
async function runWorker(role: WorkerRole, name: string): Promise<never> {
  const running = await startWorkers({ config: config(), role });
  console.error(`${name} started on ${config().TEMPORAL_ADDRESS}; Ctrl-C stops it gracefully`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => running.shutdown());
  await running.done;
  // The SDK's native runtime would otherwise keep the process alive.
  process.exit(0);
}
