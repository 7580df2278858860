import type { Command } from 'commander';
import { startWorkers, type WorkerRole } from '../../workers/worker.js';
import { config } from '../context.js';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run a worker until SIGINT/SIGTERM (graceful: running tasks finish first)')
    .option('--role <role>', 'all | general (workflows, source reads, Kafka) | warehouse (the single warehouse owner)', 'all')
    .action(async (opts: { role: string }) => {
      if (!['all', 'general', 'warehouse'].includes(opts.role)) {
        program.error(`--role: expected all, general or warehouse, got '${opts.role}'`);
      }
      const running = await startWorkers({ config: config(), role: opts.role as WorkerRole });
      console.error(`worker (${opts.role}) started on ${config().TEMPORAL_ADDRESS}; Ctrl-C stops it gracefully`);
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => running.shutdown());
      await running.done;
      // Everything is drained and closed; the SDK's native runtime would otherwise keep the process alive.
      process.exit(0);
    });
}
