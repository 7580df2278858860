import type { Command } from 'commander';
import { registry as declared } from '../../domains/index.js';
import type { DomainRegistry } from '../../domains/registry.js';
import { resolveProduct } from '../../domains/products.js';
import { decideSignal, publishDataProductWorkflowId, type PublicationStatus } from '../../workflows/api/publish-data-product.js';
import { withClient } from '../temporal.js';
import { untilDecidable } from './publish.js';

const deciding = new Set(['awaiting-approval', 'reminded', 'escalated']);

/**
 * The two ways the DPO can decide on a waiting candidate, with every value filled in: the CLI
 * command, and the Temporal UI signal (workflow id, signal name, the JSON input to paste, and the
 * same signal from a terminal). Empty when the publication does not wait for a decision.
 */
export function approvalInstructions(status: PublicationStatus, workflowId: string, comment = 'reviewed: schema, PII and quality'): string[] {
  if (status.version === null || !deciding.has(status.phase) || !status.approvers) return [];
  const { product, version } = status;
  const dpo = status.approvers.dpo;
  const payload = JSON.stringify({ version, decision: 'approve', by: dpo, comment });
  const deputies = status.approvers.deputies.length ? ` or a deputy (${status.approvers.deputies.join(', ')})` : '';
  return [
    `${product} v${version} waits for its DPO ${dpo}${deputies}: quality gate ${status.gate ?? '-'}, ${status.changes.length} schema changes${status.breaking ? ' (breaking)' : ''}; expires ${status.expiresAt ?? '-'}`,
    'Approve it in either way (a worker must be running: npx factory worker):',
    '  1. the CLI:',
    `     npx factory approve ${product} ${version} --as ${dpo} --comment "${comment}"`,
    `     (to reject: npx factory reject ${product} ${version} --as ${dpo} --comment "<why>")`,
    `  2. the Temporal UI: open workflow ${workflowId}, "Send a Signal":`,
    `     signal name: ${decideSignal.name}`,
    `     input:       ${payload}`,
    `     (the same from a terminal: temporal workflow signal --workflow-id ${workflowId} --name ${decideSignal.name} --input '${payload}')`,
  ];
}

/** Registers `factory approvals how <product>` on the `approvals` command. */
export function registerApprovalHow(approvals: Command, registry: DomainRegistry = declared): void {
  approvals
    .command('how <product>')
    .description('wait until the publication of a product waits for its DPO, then print both ways to decide (CLI and Temporal UI signal)')
    .option('--comment <text>', 'the comment to put in the printed commands', 'reviewed: schema, PII and quality')
    .action(async (product: string, opts: { comment: string }) => {
      const found = resolveProduct(registry, product);
      const workflowId = publishDataProductWorkflowId(found.qualifiedName);
      await withClient(async (client) => {
        const status = await untilDecidable(client.workflow.getHandle(workflowId), null);
        const lines = status ? approvalInstructions(status, workflowId, opts.comment) : [];
        if (lines.length === 0) {
          console.error(`${found.qualifiedName} does not wait for a decision (${status ? `phase ${status.phase}` : `no run of ${workflowId}`}); see the Temporal UI`);
          process.exitCode = 1;
          return;
        }
        for (const line of lines) console.log(line);
      });
    });
}
