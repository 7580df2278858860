import type { Command } from 'commander';
import { registerQualityReplayCommands } from './quality-replay.js';
import { registerQualityRunCommands } from './quality-run.js';

/** `factory quality …`: the subcommands live in their own files, registered on this one group. */
export function registerQualityCommands(program: Command): void {
  const quality = program.command('quality').description('quality gates of data products: run, report, schedule; row quarantine: list, replay');
  registerQualityRunCommands(quality);
  registerQualityReplayCommands(quality);
}
