import { spawnSync } from 'node:child_process';
import type { Command } from 'commander';
import { repoRoot } from '../context.js';

function runStackScript(args: string[]): never {
  const result = spawnSync('bash', [`${repoRoot}/stack/stack.sh`, ...args], { stdio: 'inherit', cwd: repoRoot });
  process.exit(result.status ?? 1);
}

export function registerStackCommands(program: Command): void {
  const stack = program.command('stack').description('the local real stack (Temporal, Kafka, PostgreSQL, …) on 127.0.0.1, without Docker');
  stack
    .command('up')
    .description('provision (idempotent, pinned versions) and start every service; returns when all answer their health checks')
    .option('--with <extras>', 'extra services, comma-separated: connect, bigquery')
    .action((opts: { with?: string }) => runStackScript(['up', ...(opts.with ? ['--with', opts.with] : [])]));
  stack.command('down').description('stop the services that `stack up` started').action(() => runStackScript(['down']));
  stack.command('status').description('print each service, its address and state').action(() => runStackScript(['status']));
  stack
    .command('restart <service>')
    .description('restart one service (temporal, kafka, postgres, connect): used by fault tests')
    .action((service: string) => runStackScript(['restart-service', service]));
}
