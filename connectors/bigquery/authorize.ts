import type { BigQuery } from '@google-cloud/bigquery';
import { withRetry } from './client.js';

/**
 * Authorized datasets (BigQuery itself; the emulator keeps no access lists): lets the views of each
 * `reader` dataset read `source`, so whoever may query those views needs no access to `source`.
 * Used for the secured views (`access_<role>` on `published_<domain>`) and the published views
 * (`published_<domain>` on `_factory`, whose version pointer they read). A dataset lists at most
 * 2,500 authorized resources: one entry per reader dataset, not per view.
 */
export async function authorizeDatasets(client: BigQuery, projectId: string, source: string, readers: string[]): Promise<void> {
  const dataset = client.dataset(source);
  const [metadata] = await withRetry(() => dataset.getMetadata());
  const access = (metadata.access ?? []) as Array<{ dataset?: { dataset?: { datasetId?: string } } }>;
  const present = new Set(access.map((a) => a.dataset?.dataset?.datasetId).filter((id) => id !== undefined));
  const missing = readers.filter((r) => !present.has(r));
  if (missing.length === 0) return;
  const added = missing.map((datasetId) => ({ dataset: { dataset: { projectId, datasetId }, targetTypes: ['VIEWS'] } }));
  // The etag makes a concurrent change of the list fail (and the activity retry) rather than be overwritten.
  await withRetry(() => dataset.setMetadata({ access: [...access, ...added], etag: metadata.etag }));
}
