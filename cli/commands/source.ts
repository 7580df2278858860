import type { Command } from 'commander';
import { registry } from '../../domains/index.js';
import { config } from '../context.js';
import { seedSource } from '../source/seed.js';
import { formatSimulateSummary, simulate } from '../source/simulate.js';

function positiveNumber(name: string) {
  return (text: string): number => {
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} '${text}' — expected a number above 0`);
    return value;
  };
}

function wholeNumber(name: string) {
  return (text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name} '${text}' — expected a whole number, 0 or more`);
    return value;
  };
}

export function registerSourceCommands(program: Command): void {
  const source = program.command('source').description('the demo source system: DB2-shaped schemas in PostgreSQL (FACTORY_SOURCE_URL)');
  source
    .command('seed')
    .description('create the demo source schemas and fill them with deterministic, referentially consistent data (COPY)')
    .requiredOption('--scale <n>', 'volume: 1 = 400,000 bookings and ~1.2M booking rows (booking + booking_line); 10 gives ~12M', positiveNumber('--scale'))
    .option('--seed <s>', 'random seed: same scale and seed give the same data', wholeNumber('--seed'), 1)
    .option('--reset', 'drop and recreate the demo schemas if they exist (otherwise seeding a seeded database is refused)')
    .option('--concurrency <n>', 'tables loaded at the same time', wholeNumber('--concurrency'), 2)
    .action(async (opts: { scale: number; seed: number; reset?: boolean; concurrency: number }) => {
      await seedSource({
        url: config().FACTORY_SOURCE_URL,
        registry,
        scale: opts.scale,
        seed: opts.seed,
        reset: opts.reset ?? false,
        concurrency: opts.concurrency,
        log: (line) => console.log(line),
      });
    });
  source
    .command('simulate')
    .description('make inserts, updates and deletes on the booking tables at about --rate operations per second (Ctrl-C stops)')
    .requiredOption('--rate <r>', 'operations per second', positiveNumber('--rate'))
    .option('--seconds <s>', 'stop after this many seconds (default: run until Ctrl-C)', positiveNumber('--seconds'))
    .option('--seed <s>', 'random seed for the changes', wholeNumber('--seed'), 1)
    .option('--mix <i,u,d>', 'percent of inserts, updates, deletes', '50,40,10')
    .action(async (opts: { rate: number; seconds?: number; seed: number; mix: string }) => {
      const [insert, update, remove] = opts.mix.split(',').map(Number);
      if ([insert, update, remove].some((n) => n === undefined || !Number.isFinite(n) || n < 0)) {
        throw new Error(`--mix '${opts.mix}' — expected three percentages, e.g. 50,40,10`);
      }
      const controller = new AbortController();
      const stop = () => controller.abort();
      // `on`, not `once`: with Ctrl-C both the tsx wrapper and the terminal deliver SIGINT, and a second,
      // unhandled one would kill the process before it prints the summary.
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      const result = await simulate({
        url: config().FACTORY_SOURCE_URL,
        rate: opts.rate,
        seconds: opts.seconds,
        seed: opts.seed,
        mix: { insert: insert!, update: update!, delete: remove! },
        signal: controller.signal,
        registry,
      });
      console.log(formatSimulateSummary(result));
    });
}
