import { type Config, ConfigError, parseConfig } from '../core/config.js';
import { exitCodes } from './exit-codes.js';

let parsed: Config | undefined;

/** The configuration, parsed once from the environment on first use; a bad variable ends the command with its message. */
export function config(): Config {
  if (!parsed) {
    try {
      parsed = parseConfig(process.env);
    } catch (error) {
      if (error instanceof ConfigError) {
        console.error(error.message);
        process.exit(exitCodes.configuration);
      }
      throw error;
    }
  }
  return parsed;
}

/** Repository root: the CLI runs from anywhere. */
export const repoRoot = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
