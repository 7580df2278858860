import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Command } from 'commander';
import { factoryDomain, factoryStatus } from '../../workflows/api/search-attributes.js';
import { registry as declared } from '../../domains/index.js';
import type { DomainRegistry } from '../../domains/registry.js';
import { resolveProduct } from '../../domains/products.js';
import {
  howToDecide, publicationStatus, publishDataProductWorkflowId, publishDataProductWorkflowType, publishRequested,
  type PublicationStatus, type PublishDataProductInput, type PublishDataProductWorkflow, type PublishRequest,
} from '../../workflows/api/publish-data-product.js';
import { config } from '../context.js';
import { withWorkers } from '../temporal.js';

export interface RequestPublicationInput {
  /** '<domain>.<product>', or a product name unique across domains. */
  product: string;
  by: string;
  reason?: string;
  taskQueue: string;
  warehouseTaskQueue: string;
}

export interface RequestPublicationResult {
  product: string;
  workflowId: string;
  handle: WorkflowHandle;
  /** The candidate this request supersedes, when one was pending. */
  supersedes: { version: number | null; phase: string } | null;
}

const running = new Set(['building', 'gating', 'snapshotting', 'awaiting-approval', 'reminded', 'escalated']);

/**
 * Starts `publishDataProduct` with signal-with-start: no run yet → a new one; a run with a pending
 * candidate → the `publish` signal makes it record that candidate superseded, close its approval
 * request and continue with this request. Either way one call, and no orphaned request.
 */
export async function requestPublication(client: Client, input: RequestPublicationInput, registry: DomainRegistry = declared): Promise<RequestPublicationResult> {
  const found = resolveProduct(registry, input.product);
  const workflowId = publishDataProductWorkflowId(found.qualifiedName);
  const handle = client.workflow.getHandle(workflowId);
  const before = await handle.query(publicationStatus).catch(() => undefined);
  const request: PublishRequest = { id: randomUUID(), by: input.by, ...(input.reason ? { reason: input.reason } : {}) };
  const args: [PublishDataProductInput] = [{ product: found.qualifiedName, warehouseTaskQueue: input.warehouseTaskQueue, request }];
  await client.workflow.signalWithStart<PublishDataProductWorkflow, [PublishRequest]>(publishDataProductWorkflowType, {
    taskQueue: input.taskQueue, workflowId, args, signal: publishRequested, signalArgs: [request],
    typedSearchAttributes: [{ key: factoryDomain, value: found.domain.name }, { key: factoryStatus, value: 'building' }],
  });
  const supersedes = before && running.has(before.phase) ? { version: before.version, phase: before.phase } : null;
  return { product: found.qualifiedName, workflowId, handle, supersedes };
}

/** Polls the status query until the run waits for a decision or has ended (the gate may take a while). */
export async function untilDecidable(handle: WorkflowHandle, previousRunVersion: number | null): Promise<PublicationStatus | undefined> {
  for (;;) {
    const status = await handle.query(publicationStatus).catch(() => undefined);
    if (status && status.version !== previousRunVersion && !['building', 'gating', 'snapshotting', 'superseded'].includes(status.phase)) return status;
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') return status;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

export function registerPublishCommand(program: Command): void {
  program
    .command('publish <product>')
    .description('publish a data product: candidate, quality gate, DPO approval (workflow publish:<domain>.<product>)')
    .option('--as <user>', 'who requests it (default: your login name)')
    .option('--reason <text>', 'why, for the approvers')
    .option('--no-wait', 'return once started, without waiting for the candidate')
    .action(async (product: string, opts: { as?: string; reason?: string; wait: boolean }) => {
      const cfg = config();
      await withWorkers(async (client) => {
        const started = await requestPublication(client, {
          product, by: opts.as ?? userInfo().username, ...(opts.reason ? { reason: opts.reason } : {}),
          taskQueue: cfg.TEMPORAL_TASK_QUEUE, warehouseTaskQueue: cfg.TEMPORAL_WAREHOUSE_TASK_QUEUE,
        });
        if (started.supersedes) console.log(`${started.product}: this request supersedes the pending candidate v${started.supersedes.version ?? '?'} (${started.supersedes.phase}); its approval request is closed`);
        console.log(`${started.workflowId} started: building the candidate and running the quality gate`);
        if (!opts.wait) return;
        const status = await untilDecidable(started.handle, started.supersedes?.version ?? null);
        if (!status) return console.log('the run ended; see the Temporal UI for its result');
        const gate = status.gate ? `quality gate ${status.gate}` : 'no gate result';
        const changes = `${status.changes.length} schema changes${status.breaking ? ' (breaking)' : ''}`;
        console.log(`${started.product} v${status.version ?? '-'}: ${status.phase} — ${changes}, ${gate}`);
        if (status.version !== null && ['awaiting-approval', 'reminded', 'escalated'].includes(status.phase)) {
          console.log(`waiting for ${status.approvers?.dpo} (DPO) or a deputy (${status.approvers?.deputies.join(', ') || 'none'}); expires ${status.expiresAt}`);
          console.log('decide with either:');
          for (const line of howToDecide(started.product, status.version, started.workflowId)) console.log(`  ${line}`);
        }
      });
    });
}
