import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { createAccessActivities } from '../activities/warehouse/access.js';
import type { AccessViewsSummary } from '../connectors/warehouse/access-port.js';
import { shortIo } from './lib/activity-options.js';
import type { BuildAccessViewsWorkflowInput, BuildAccessViewsWorkflowResult } from './api/access-views.js';

/**
 * `factory access build`: the secured views of the given products, one product after the other on
 * the warehouse owner (publication rebuilds a product's own views after each promotion).
 */
export async function buildAccessViews(input: BuildAccessViewsWorkflowInput): Promise<BuildAccessViewsWorkflowResult> {
  if (!input?.products?.length || !input.warehouseTaskQueue) {
    throw ApplicationFailure.nonRetryable('buildAccessViews input: expected products (e.g. ["booking.bookings"]) and warehouseTaskQueue', 'InvalidInputError');
  }
  const warehouse = proxyActivities<ReturnType<typeof createAccessActivities>>({ ...shortIo, taskQueue: input.warehouseTaskQueue });
  const products: AccessViewsSummary[] = [];
  for (const product of input.products) products.push(await warehouse.buildAccessViews({ product }));
  return { products };
}
