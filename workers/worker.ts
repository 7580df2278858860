import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createHealthActivities } from '../activities/health/index.js';
import type { Config } from '../core/config.js';
import { createKafka } from '../connectors/kafka/client.js';

export type WorkerRole = 'all' | 'general' | 'warehouse';

export interface StartWorkersInput {
  config: Config;
  role: WorkerRole;
}

export interface RunningWorkers {
  /** Resolves when every worker has stopped (after shutdown() or a fatal error). */
  done: Promise<void>;
  shutdown(): void;
}

const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * Wires connectors into activity factories and starts the workers of a role:
 * `general` (workflows and scale-out activities: source reads, Kafka), `warehouse` (the single
 * owner of the warehouse), or `all` for a one-process setup.
 */
export async function startWorkers({ config, role }: StartWorkersInput): Promise<RunningWorkers> {
  installRuntimeOnce(config.FACTORY_LOG_LEVEL);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID });
  const workers: Worker[] = [];
  if (role === 'all' || role === 'general') {
    workers.push(
      await Worker.create({
        connection,
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowsPath,
        activities: { ...createHealthActivities({ sourceUrl: config.FACTORY_SOURCE_URL, kafka }) },
      }),
    );
  }
  const done = Promise.all(workers.map((w) => w.run())).then(async () => {
    await connection.close();
  });
  return {
    done,
    shutdown: () => workers.forEach((w) => w.shutdown()),
  };
}

let runtimeInstalled = false;

/** The SDK logs every worker state change at INFO; keep its output at warnings unless asked for more. */
function installRuntimeOnce(level: string): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const sdkLevel = level === 'trace' ? 'TRACE' : level === 'debug' ? 'DEBUG' : 'WARN';
  Runtime.install({ logger: new DefaultLogger(sdkLevel) });
}
