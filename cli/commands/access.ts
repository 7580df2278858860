import type { Command } from 'commander';
import { accessSchema, accessViewName, describeFilter, effectiveAccess, parseAccessRole, type EffectiveAccess } from '../../core/access/policy.js';
import { InvalidInputError } from '../../core/errors.js';
import { registry } from '../../domains/index.js';
import { accessContextOf, allProducts } from '../../domains/products.js';
import {
  buildAccessViewsWorkflowId, buildAccessViewsWorkflowType,
  type BuildAccessViewsWorkflow, type BuildAccessViewsWorkflowInput, type BuildAccessViewsWorkflowResult,
} from '../../workflows/api/access-views.js';
import { config } from '../context.js';
import { withWorkers } from '../temporal.js';
import { printTable } from './domains.js';

/** A product by '<domain>.<product>' (or a unique bare name); unknown → every declared product listed. */
function productName(name: string): string {
  const products = allProducts(registry).map((p) => p.qualifiedName);
  const matches = products.filter((p) => p === name || (!name.includes('.') && p.endsWith(`.${name}`)));
  if (matches.length === 1) return matches[0]!;
  throw new InvalidInputError(`${matches.length > 1 ? 'ambiguous' : 'unknown'} product "${name}": expected one of ${products.join(', ')}`);
}

function printAccess(access: EffectiveAccess): void {
  const [domain, product] = access.product.split('.') as [string, string];
  if (!access.readable) {
    console.log(`${access.role} may not read ${access.product}: no secured view of it in ${accessSchema(access.role)}`);
    return;
  }
  console.log(`${access.product} as ${access.role} (schema ${accessSchema(access.role)})`);
  for (const table of access.tables) {
    console.log(`\n${table.table} → ${accessSchema(access.role)}.${accessViewName(domain, product, table.table.split('.')[1]!)}`);
    printTable(['column', 'class', 'treatment', 'from'], table.columns.map((c) => [
      c.name, c.pii, c.treatment === 'masked' ? `masked (${c.mask})` : c.treatment, c.derivedFrom.join(', '),
    ]));
    console.log(`rows: ${describeFilter(table.filter)}`);
  }
}

function printBuild(result: BuildAccessViewsWorkflowResult): void {
  for (const p of result.products) {
    if (p.skipped) {
      console.log(`${p.product}: skipped, ${p.skipped}`);
      continue;
    }
    printTable(['view', 'role', 'columns', 'hidden', 'rows'], p.views.map((v) => [
      v.view, v.role, String(v.columns.length), String(v.hidden.length),
      v.missingSources.length ? `none until ${v.missingSources.join(', ')} is published` : v.filtered ? 'filtered' : 'all',
    ]));
    const agencies = p.agencyViews.count ? ` and ${p.agencyViews.count} for ${p.agencyViews.agencies} agencies (access_agency_<id>, e.g. ${p.agencyViews.sample?.view})` : '';
    const more = p.droppedCount > p.dropped.length ? ` and ${p.droppedCount - p.dropped.length} more` : '';
    console.log(`${p.product}: ${p.views.length} secured views${agencies}${p.droppedCount ? `, dropped ${p.dropped.join(', ')}${more}` : ''}\n`);
  }
}

export function registerAccessCommands(program: Command): void {
  const access = program
    .command('access')
    .description('access policies by PII class and role (domains/access-policy.ts) and the secured views that enforce them');

  access
    .command('show')
    .description('the columns (class, treatment) and row filter of each table of a product, as a role sees them')
    .argument('<product>', "a data product, '<domain>.<product>'")
    .requiredOption('--role <role>', 'admin, engineer, callcentre, analyst, agency:<id>, dpo:<domain> or deputy:<domain>')
    .option('--json', 'print JSON')
    .action((name: string, opts: { role: string; json?: boolean }) => {
      const role = parseAccessRole(opts.role, registry.domains.map((d) => d.name));
      const result = effectiveAccess(accessContextOf(registry), role, productName(name));
      if (opts.json) console.log(JSON.stringify(result, null, 2));
      else printAccess(result);
    });

  access
    .command('build')
    .description('create or replace the secured views of a product (every product when none is given), on the warehouse owner')
    .argument('[product]', "a data product, '<domain>.<product>'")
    .option('--json', 'print JSON')
    .action(async (name: string | undefined, opts: { json?: boolean }) => {
      const products = name === undefined ? allProducts(registry).map((p) => p.qualifiedName) : [productName(name)];
      const input: BuildAccessViewsWorkflowInput = { products, warehouseTaskQueue: config().TEMPORAL_WAREHOUSE_TASK_QUEUE };
      const result = await withWorkers((client) => client.workflow.execute<BuildAccessViewsWorkflow>(buildAccessViewsWorkflowType, {
        taskQueue: config().TEMPORAL_TASK_QUEUE, workflowId: buildAccessViewsWorkflowId(name ?? 'all', Date.now()), args: [input],
      }));
      if (opts.json) console.log(JSON.stringify(result, null, 2));
      else printBuild(result);
    });
}
