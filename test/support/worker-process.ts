// A worker as its own OS process, serving the contracts in a JSON file: fault tests SIGKILL it.
// Usage: tsx test/support/worker-process.ts <role> <declarations.json>; config from the environment.
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../core/config.js';
import { loadDomains } from '../../domains/load.js';
import { startWorkers, type WorkerRole } from '../../workers/worker.js';

const [role, declarationsFile] = process.argv.slice(2) as [WorkerRole, string];
const registry = loadDomains(JSON.parse(readFileSync(declarationsFile, 'utf8')) as unknown[]);
const running = await startWorkers({ config: parseConfig(process.env), role, registry });
process.stdout.write('worker ready\n');
process.once('SIGTERM', () => running.shutdown());
await running.done;
process.exit(0);
