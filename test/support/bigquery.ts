import { createBigQueryClient } from '../../connectors/bigquery/client.js';

/**
 * The BigQuery emulator for tests (`stack.sh up --with bigquery`): where it answers, and a project
 * per test run. The emulator creates a project on first use and keeps projects apart (datasets,
 * `_factory` control tables, jobs), so a run never sees another run's tables and cleans up by
 * dropping its project's datasets.
 */

export const emulatorEndpoint = process.env.BIGQUERY_API_ENDPOINT ?? 'http://127.0.0.1:9050';

/** undefined when the emulator answers; otherwise the reason a test on it is skipped. */
export async function emulatorUnavailable(): Promise<string | undefined> {
  const ready = await fetch(`${emulatorEndpoint}/readyz`).then((r) => r.ok, () => false);
  return ready ? undefined : `no BigQuery emulator at ${emulatorEndpoint} (start it: bash stack/stack.sh up --with bigquery)`;
}

/** A project id of this run's own: lower-case letters, digits and '-', at most 30 characters (GCP's rule). */
export function runProject(name: string): string {
  return `it-${name}-${process.pid.toString(36)}-${Date.now().toString(36)}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 30).replace(/-+$/, '');
}

/** Deletes every dataset of the project, with its tables (the emulator has no project deletion). */
export async function dropProject(projectId: string): Promise<void> {
  const bq = createBigQueryClient({ projectId, location: 'EU', apiEndpoint: emulatorEndpoint });
  const [datasets] = await bq.getDatasets();
  for (const dataset of datasets) await dataset.delete({ force: true });
}

/** Settings that point a worker at the emulator, in the run's own project. */
export function bigQueryEnv(projectId: string): Record<string, string> {
  return { FACTORY_WAREHOUSE: 'bigquery', GOOGLE_CLOUD_PROJECT: projectId, BIGQUERY_API_ENDPOINT: emulatorEndpoint, BIGQUERY_LOCATION: 'EU' };
}
