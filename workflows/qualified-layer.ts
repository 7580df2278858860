import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { createQualifiedActivities } from '../activities/warehouse/qualified.js';
import type { BuildQualifiedLayerResult } from '../connectors/warehouse/qualified-port.js';
import { shortIo } from './lib/activity-options.js';
import type { BuildQualifiedLayersInput, BuildQualifiedLayersResult } from './api/qualified-layer.js';

/**
 * Builds the qualified views of each domain on the warehouse owner, one domain after the other
 * (they share the owner's single writer anyway). Views only read raw tables, so the order of the
 * domains does not matter.
 */
export async function qualifyDomains(input: BuildQualifiedLayersInput): Promise<BuildQualifiedLayersResult> {
  const warehouse = proxyActivities<ReturnType<typeof createQualifiedActivities>>({ ...shortIo, taskQueue: input.warehouseTaskQueue });
  const domains: BuildQualifiedLayerResult[] = [];
  for (const domain of input.domains) domains.push(await warehouse.buildQualifiedLayer({ domain }));
  return { domains };
}

/** `factory qualified build [domain]`: the qualified layer of the given domains, on demand. */
export async function buildQualifiedLayers(input: BuildQualifiedLayersInput): Promise<BuildQualifiedLayersResult> {
  if (!input?.domains?.length || !input.warehouseTaskQueue) {
    throw ApplicationFailure.nonRetryable('buildQualifiedLayers input: expected domains (e.g. ["booking"]) and warehouseTaskQueue', 'InvalidInputError');
  }
  return qualifyDomains(input);
}
