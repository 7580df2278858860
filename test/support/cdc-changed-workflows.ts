// cdcIngest changed incompatibly, for the replay test to prove it would catch such a change: this
// version runs an ingest before it sets its search attributes, so its first command differs from the
// committed histories'.
import { proxyActivities } from '@temporalio/workflow';
import type { createCdcActivities } from '../../activities/cdc/index.js';

export async function cdcIngest(): Promise<void> {
  await proxyActivities<ReturnType<typeof createCdcActivities>>({ startToCloseTimeout: '1m' }).ingestRun({ consumer: 'changed', tables: [], runSeconds: 1 });
}
