import type { Command } from 'commander';
import { registry } from '../../domains/index.js';
import { verifyTablesWorkflowId, verifyTablesWorkflowType, type VerifyTablesInput, type VerifyTablesWorkflow } from '../../workflows/api/verify.js';
import { config } from '../context.js';
import { withWorkers } from '../temporal.js';
import { printTable } from './domains.js';

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description('compare source and warehouse per table (row count and content checksum); exits 1 on any difference')
    .argument('<target>', "a table, a domain, or 'all'")
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const resolved = name === 'all' ? undefined : registry.resolve(name);
      const input: VerifyTablesInput = {
        tables: resolved?.kind === 'table' ? [resolved.qualifiedName] : [],
        domain: resolved?.kind === 'domain' ? resolved.domain.name : undefined,
        warehouseTaskQueue: config().TEMPORAL_WAREHOUSE_TASK_QUEUE,
      };
      const result = await withWorkers((client) =>
        client.workflow.execute<VerifyTablesWorkflow>(verifyTablesWorkflowType, { taskQueue: config().TEMPORAL_TASK_QUEUE, workflowId: verifyTablesWorkflowId(name, Date.now()), args: [input] }),
      );
      if (opts.json) {
        console.log(JSON.stringify(result, null, 2));
      } else {
        printTable(
          ['table', 'source rows', 'warehouse rows', 'checksum', 'equal'],
          result.tables.map((t) => [t.table, String(t.source.rows), String(t.warehouse.rows), t.warehouse.checksum, t.equal ? 'yes' : 'NO']),
        );
        const rows = result.tables.reduce((n, t) => n + t.warehouse.rows, 0);
        console.log(`\n${result.tables.length} tables, ${rows.toLocaleString('en')} rows: ${result.allEqual ? 'warehouse == source' : 'DIFFERENCES FOUND'}`);
      }
      if (!result.allEqual) process.exitCode = 1;
    });
}
