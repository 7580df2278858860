import { Client, Connection } from '@temporalio/client';
import { config } from './context.js';

/** Runs `work` with a Temporal client on the configured namespace, closing the connection after. */
export async function withClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const cfg = config();
  const connection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS });
  try {
    return await work(new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE }));
  } finally {
    await connection.close();
  }
}
