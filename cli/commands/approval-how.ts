import type { Command } from 'commander';
import { registry as declared } from '../../domains/index.js';
import type { DomainRegistry } from '../../domains/registry.js';
import { resolveProduct } from '../../domains/products.js';
import { decideSignal, publishDataProductWorkflowId, type PublicationStatus } from '../../workflows/api/publish-data-product.js';
import type { AuthMode } from '../../activities/identity/index.js';
import { config } from '../context.js';
import { withWorkers } from '../temporal.js';
import { untilDecidable } from './publish.js';

const deciding = new Set(['awaiting-approval', 'reminded', 'escalated']);

/**
 * The two ways the DPO can decide on a waiting candidate, with every value filled in: the CLI
 * command, and the Temporal UI signal (workflow id, signal name, the JSON input to paste, and the
 * same signal from a terminal). Empty when the publication does not wait for a decision.
 */
export function approvalInstructions(status: PublicationStatus, workflowId: string, auth: AuthMode, comment = 'reviewed: schema, PII and quality'): string[] {
  if (status.version === null || !deciding.has(status.phase) || !status.approvers) return [];
  const { product, version } = status;
  const dpo = status.approvers.dpo;
  const deputies = status.approvers.deputies.length ? ` or a deputy (${status.approvers.deputies.join(', ')})` : '';
  const head = `${product} v${version} waits for its DPO ${dpo}${deputies}: quality gate ${status.gate ?? '-'}, ${status.changes.length} schema changes${status.breaking ? ' (breaking)' : ''}; expires ${status.expiresAt ?? '-'}`;
  if (auth === 'dev') {
    const payload = JSON.stringify({ version, decision: 'approve', by: dpo, comment });
    return [
      head,
      'Approve it in either way (a worker must be running: npx factory worker). FACTORY_AUTH=dev: the name you give is not verified (local demo only):',
      '  1. the CLI:',
      `     npx factory approve ${product} ${version} --as ${dpo} --comment "${comment}"`,
      `     (to reject: npx factory reject ${product} ${version} --as ${dpo} --comment "<why>")`,
      `  2. the Temporal UI: open workflow ${workflowId}, "Send a Signal":`,
      `     signal name: ${decideSignal.name}`,
      `     input:       ${payload}`,
      `     (the same from a terminal: temporal workflow signal --workflow-id ${workflowId} --name ${decideSignal.name} --input '${payload}')`,
    ];
  }
  const payload = JSON.stringify({ version, decision: 'approve', token: '<access token>', comment });
  return [
    head,
    'FACTORY_AUTH=oidc: only a signed-in member of the domain\'s DPO or deputy directory group may decide; every attempt is verified and audited.',
    '  0. sign in: npx factory login (a browser on this machine) or npx factory login --device (any device); npx factory whoami shows your roles',
    '  1. the CLI (sends your session\'s token):',
    `     npx factory approve ${product} ${version} --comment "${comment}"`,
    `     (to reject: npx factory reject ${product} ${version} --comment "<why>")`,
    `  2. the Temporal UI: open workflow ${workflowId}, "Send a Signal" named ${decideSignal.name} with input`,
    `     ${payload}`,
    '     where <access token> is what `npx factory token` prints (valid for minutes; the token is verified, only the verified user is kept)',
    `     (from a terminal, encrypted through the codec server: temporal workflow signal --codec-endpoint http://127.0.0.1:8234 --codec-auth "Bearer $(npx factory token)" --workflow-id ${workflowId} --name ${decideSignal.name} --input "${payload.replaceAll('"', '\\"').replace('<access token>', '$(npx factory token)')}")`,
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
      await withWorkers(async (client) => {
        const status = await untilDecidable(client.workflow.getHandle(workflowId), null);
        const lines = status ? approvalInstructions(status, workflowId, config().FACTORY_AUTH, opts.comment) : [];
        if (lines.length === 0) {
          console.error(`${found.qualifiedName} does not wait for a decision (${status ? `phase ${status.phase}` : `no run of ${workflowId}`}); see the Temporal UI`);
          process.exitCode = 1;
          return;
        }
        for (const line of lines) console.log(line);
      });
    });
}
