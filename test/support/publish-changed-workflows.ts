// publishDataProduct changed incompatibly, for the replay test to prove it would catch such a change:
// this version builds the candidate before setting its search attributes, so the first command
// differs from the committed history's.
import { proxyActivities } from '@temporalio/workflow';
import type { createPublicationCatalogActivities } from '../../activities/catalog/publish.js';

export async function publishDataProduct(): Promise<void> {
  await proxyActivities<ReturnType<typeof createPublicationCatalogActivities>>({ startToCloseTimeout: '1m' }).buildCandidate({ product: 'booking.bookings' });
}
