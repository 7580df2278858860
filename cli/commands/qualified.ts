import type { Command } from 'commander';
import { qualifiedViewSql } from '../../core/qualified/sql.js';
import { layerSchema } from '../../connectors/warehouse/port.js';
import { registry } from '../../domains/index.js';
import {
  buildQualifiedLayersWorkflowId,
  buildQualifiedLayersWorkflowType,
  type BuildQualifiedLayersInput,
  type BuildQualifiedLayersResult,
  type BuildQualifiedLayersWorkflow,
} from '../../workflows/api/qualified-layer.js';
import { config } from '../context.js';
import { withWorkers } from '../temporal.js';
import { printTable } from './domains.js';

/** The domains a `qualified` argument names: one domain, or every domain when absent. */
function domainsOf(name: string | undefined): string[] {
  if (name === undefined || name === 'all') return registry.domains.map((d) => d.name);
  return [registry.domain(name).name];
}

function print(result: BuildQualifiedLayersResult): void {
  const rows = result.domains.flatMap((d) => [
    ...d.views.map((v) => [v.view, 'built', String(v.columns), v.tombstoneFilter ? '' : 'no _deleted column yet: tombstones not filtered']),
    ...d.skipped.map((s) => [`${layerSchema('qualified', s.table.split('.')[0]!)}.${s.table.split('.')[1]!}`, 'skipped', '', s.reason]),
  ]);
  printTable(['view', 'state', 'columns', 'note'], rows);
  const built = result.domains.reduce((n, d) => n + d.views.length, 0);
  const skipped = result.domains.reduce((n, d) => n + d.skipped.length, 0);
  console.log(`\n${built} views built, ${skipped} skipped`);
}

export function registerQualifiedCommands(program: Command): void {
  const qualified = program
    .command('qualified')
    .description('the qualified layer: qualified_<domain> views with the shared business rules applied');

  qualified
    .command('build')
    .description('create or replace the qualified views of a domain (all domains when none is given), on the warehouse owner')
    .argument('[domain]', "a domain, or 'all'")
    .option('--json', 'print JSON')
    .action(async (name: string | undefined, opts: { json?: boolean }) => {
      const input: BuildQualifiedLayersInput = { domains: domainsOf(name), warehouseTaskQueue: config().TEMPORAL_WAREHOUSE_TASK_QUEUE };
      const result = await withWorkers((client) => client.workflow.execute<BuildQualifiedLayersWorkflow>(buildQualifiedLayersWorkflowType, {
        taskQueue: config().TEMPORAL_TASK_QUEUE, workflowId: buildQualifiedLayersWorkflowId(name ?? 'all', Date.now()), args: [input],
      }));
      if (opts.json) console.log(JSON.stringify(result, null, 2));
      else print(result);
    });

  qualified
    .command('sql')
    .description('print the CREATE VIEW of a table\'s qualified view, without touching a warehouse')
    .argument('<table>', "a table ('booking.booking' or a unique bare name)")
    .option('--dialect <dialect>', 'duckdb or bigquery', 'duckdb')
    .option('--project <project>', 'BigQuery project that holds the datasets', '<project>')
    .action((name: string, opts: { dialect: string; project: string }) => {
      if (opts.dialect !== 'duckdb' && opts.dialect !== 'bigquery') throw new Error(`--dialect ${opts.dialect}: expected duckdb or bigquery`);
      const resolved = registry.resolve(name);
      if (resolved.kind !== 'table') throw new Error(`"${name}" is a domain: expected a table, e.g. ${resolved.domain.name}.${resolved.domain.tables[0]!.name}`);
      const dialect = opts.dialect;
      console.log(`${qualifiedViewSql({
        domain: resolved.domain.name, table: resolved.table, dialect,
        resolve: (d, t, layer) => (dialect === 'duckdb' ? `"${layerSchema(layer, d)}"."${t}"` : `\`${opts.project}.${layerSchema(layer, d)}.${t}\``),
        // What the warehouse will have once change capture or quarantine has touched the tables.
        tombstones: () => true,
      })};`);
    });
}
