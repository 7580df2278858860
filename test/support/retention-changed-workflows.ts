// retentionRun changed incompatibly, for the replay test to prove it would catch such a change:
// this version audits before it plans, so the first command differs from the committed history's.
import { proxyActivities } from '@temporalio/workflow';
import type { createPublicationCatalogActivities } from '../../activities/catalog/publish.js';

export async function retentionRun(): Promise<void> {
  await proxyActivities<ReturnType<typeof createPublicationCatalogActivities>>({ startToCloseTimeout: '1m' })
    .appendAudit({ actor: 'system', action: 'retention.run', authorized: true, detail: 'changed', at: '2026-12-03T03:30:00.000Z' });
}
