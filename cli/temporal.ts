import { Client, Connection } from '@temporalio/client';
import { payloadProtection } from '../connectors/temporal-codec/index.js';
import { config } from './context.js';
import { requireWorkers } from './workers-check.js';

let warned = false;

/** Runs `work` with a Temporal client on the configured namespace, closing the connection after. */
export async function withClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const cfg = config();
  // The same codec as the workers': what one encrypts, the other must read.
  const { dataConverter, warning } = payloadProtection(cfg);
  if (warning && !warned) {
    warned = true;
    console.error(`warning: ${warning}`);
  }
  const connection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS });
  try {
    return await work(new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE, dataConverter }));
  } finally {
    await connection.close();
  }
}

/** withClient for commands that wait on a workflow: first makes sure workers poll its task queues (NoWorkerError otherwise). */
export function withWorkers<T>(work: (client: Client) => Promise<T>): Promise<T> {
  return withClient(async (client) => {
    await requireWorkers(client, config());
    return work(client);
  });
}
