import type { Command } from 'commander';
import { registry } from '../../domains/index.js';
import {
  quarantineStatusWorkflowId,
  quarantineStatusWorkflowType,
  replayQuarantineWorkflowId,
  replayQuarantineWorkflowType,
  type QuarantineStatusWorkflow,
  type QuarantineTableInput,
  type ReplayQuarantineWorkflow,
} from '../../workflows/api/quality-replay.js';
import { config } from '../context.js';
import { withWorkers } from '../temporal.js';
import { printTable } from './domains.js';

/** '<domain>.<table>' or a table name unique across domains → the workflow input. */
function tableInput(name: string): QuarantineTableInput {
  const resolved = registry.resolve(name);
  if (resolved.kind !== 'table') throw new Error(`'${name}' is a domain: expected one table, e.g. '${resolved.domain.name}.${resolved.domain.tables[0]!.name}'`);
  return { domain: resolved.domain.name, table: resolved.table.name, warehouseTaskQueue: config().TEMPORAL_WAREHOUSE_TASK_QUEUE };
}

/** `factory quality replay|quarantine <table>`: row quarantine of ingestion. Counts and keys only, never row values. */
export function registerQualityReplayCommands(quality: Command): void {
  quality
    .command('replay')
    .description('land the quarantined rows of a table that pass its rules now (after the rule or the data was fixed), each exactly once')
    .argument('<table>', "'<domain>.<table>' or a table name")
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const input = tableInput(name);
      const workflowId = replayQuarantineWorkflowId(input);
      const result = await withWorkers((client) =>
        client.workflow.execute<ReplayQuarantineWorkflow>(replayQuarantineWorkflowType, {
          taskQueue: config().TEMPORAL_TASK_QUEUE,
          workflowId,
          args: [input],
          // One replay of a table at a time; a finished one may run again.
          workflowIdConflictPolicy: 'FAIL',
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        }),
      );
      if (opts.json) {
        console.log(JSON.stringify(result, null, 2));
        return;
      }
      console.log(`${input.domain}.${input.table}: ${result.replayed} replayed (landed once), ${result.stillFailing} still failing (kept open), `
        + `${result.superseded} superseded (the key moved on)`);
    });

  quality
    .command('quarantine')
    .description('open quarantined rows of a table per rule, with up to 20 keys each (no other values: they may be personal data)')
    .argument('<table>', "'<domain>.<table>' or a table name")
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const input = tableInput(name);
      const summary = await withWorkers((client) =>
        client.workflow.execute<QuarantineStatusWorkflow>(quarantineStatusWorkflowType, {
          taskQueue: config().TEMPORAL_TASK_QUEUE,
          workflowId: quarantineStatusWorkflowId(input, Date.now()),
          args: [input],
        }),
      );
      if (opts.json) {
        console.log(JSON.stringify(summary, null, 2));
        return;
      }
      printTable(['rule', 'reason', 'open rows', 'keys (newest first)'],
        summary.rules.map((r) => [r.ruleId, r.reason, String(r.open), r.sampleKeys.join(' ') + (r.open > r.sampleKeys.length ? ' …' : '')]));
      console.log(`\n${input.domain}.${input.table}: ${summary.open} open, ${summary.replayed} replayed, ${summary.superseded} superseded`
        + (summary.pending ? `, ${summary.pending} pending (a backfill not swapped in)` : ''));
    });
}
