import type { Client, ScheduleOptionsAction, ScheduleSpec } from '@temporalio/client';
import type { Command } from 'commander';
import type { KpiContract } from '../../contracts/kpis.js';
import { openCatalogStore } from '../../connectors/catalog/postgres.js';
import { formatKpiTarget, formatKpiValue } from '../../core/kpi/format.js';
import type { KpiTrend } from '../../core/kpi/values.js';
import { registry } from '../../domains/index.js';
import { kpisFor, type KpiReading } from '../../domains/kpis.js';
import {
  computeKpisWorkflowType, kpiRunWorkflowId, kpiScheduledWorkflowId, kpiScheduleId, type ComputeKpisInput, type ComputeKpisResult, type ComputeKpisWorkflow,
} from '../../workflows/api/kpis.js';
import { factoryStatus } from '../../workflows/api/search-attributes.js';
import { config } from '../context.js';
import { removeSchedule, scheduleSpec, upsertSchedule } from '../schedules.js';
import { withClient, withWorkers } from '../temporal.js';
import { printTable } from './domains.js';

/** `factory kpi`: the computeKpis workflow (workflows/kpis.ts) now or on a Schedule, and the stored values as a role sees them. */

export const defaultKpiCron = '15 4 * * *';

export interface KpiQueues { taskQueue: string; warehouseTaskQueue: string }

const queues = (): KpiQueues => ({ taskQueue: config().TEMPORAL_TASK_QUEUE, warehouseTaskQueue: config().TEMPORAL_WAREHOUSE_TASK_QUEUE });

/** The Schedule's action: every domain's KPIs. */
export function kpiScheduleAction({ taskQueue, warehouseTaskQueue }: KpiQueues): ScheduleOptionsAction {
  const args: [ComputeKpisInput] = [{ warehouseTaskQueue }];
  return {
    type: 'startWorkflow', workflowType: computeKpisWorkflowType, workflowId: kpiScheduledWorkflowId, taskQueue, args,
    typedSearchAttributes: [{ key: factoryStatus, value: 'scheduled' }],
  };
}

/** Creates the KPI Schedule or updates it in place. */
export function scheduleKpis(client: Client, spec: ScheduleSpec, q: KpiQueues = queues(), scheduleId = kpiScheduleId): Promise<'created' | 'updated'> {
  return upsertSchedule(client, scheduleId, spec, kpiScheduleAction(q));
}

/** Computes the KPIs once and waits for the outcome. */
export function runKpis(client: Client, input: Omit<ComputeKpisInput, 'warehouseTaskQueue'>, q: KpiQueues = queues()): Promise<ComputeKpisResult> {
  return client.workflow.execute<ComputeKpisWorkflow>(computeKpisWorkflowType, {
    taskQueue: q.taskQueue, workflowId: kpiRunWorkflowId(new Date().toISOString()), args: [{ ...input, warehouseTaskQueue: q.warehouseTaskQueue }],
  });
}

export function printKpiRun(result: ComputeKpisResult): void {
  printTable(['KPI', 'read', 'values', 'written', 'latest period', 'meet target', 'error'], result.kpis.map((k) => [
    `${k.domain}.${k.kpi}`, k.published ? k.relation : k.error ? '-' : 'not published', String(k.values), String(k.written),
    k.latest?.period ?? '-', k.latest ? `${k.latest.met} of ${k.latest.of}` : '-', k.error ?? '',
  ]));
}

/** Per dimension value, the values of the trend's periods oldest first, and whether the latest meets the target. */
function trendRows(kpi: KpiContract, trend: KpiTrend): string[][] {
  const dimensions = [...new Set(trend.values.map((v) => v.dimension))].sort();
  return dimensions.map((dimension) => {
    const cells = trend.periods.map((p) => trend.values.find((v) => v.period === p && v.dimension === dimension));
    const last = cells[cells.length - 1];
    const status = last === undefined ? 'no value' : last.meets === null ? 'no value' : last.meets ? 'meets' : 'misses';
    return [...(kpi.grain.by ? [dimension] : []), ...cells.map((v) => (v ? formatKpiValue(kpi, v.value) : '')), status];
  });
}

export function printKpiReadings(role: string, readings: KpiReading[]): void {
  if (readings.length === 0) {
    console.log('no KPIs declared for this domain');
    return;
  }
  for (const r of readings) {
    const { kpi } = r;
    console.log(`${r.domain}.${kpi.name} — ${kpi.description}`);
    console.log(`  owner ${kpi.owner}; per ${kpi.grain.time}${kpi.grain.by ? ` and ${kpi.grain.by}` : ''} of ${kpi.grain.column} in ${r.domain}.${kpi.product} (${kpi.table}); target ${formatKpiTarget(kpi)}`);
    if (r.status === 'refused') {
      console.log(`  refused for ${role}: ${r.reason}\n`);
      continue;
    }
    if (r.trend.periods.length === 0) {
      console.log('  no values yet: `factory kpi run` computes them once the product is published\n');
      continue;
    }
    const header = [...(kpi.grain.by ? [kpi.grain.by] : []), ...r.trend.periods, `latest vs target`];
    printTable(header, trendRows(kpi, r.trend));
    console.log(`  computed ${r.trend.values.map((v) => v.computedAt).sort().at(-1)}\n`);
  }
}

export function registerKpiCommands(program: Command): void {
  const kpi = program.command('kpi').description("each domain's steering KPIs (declared in the contracts): compute, schedule, show");
  kpi
    .command('run')
    .description('compute the KPIs once (workflow computeKpis) and print what was stored')
    .option('--domain <domain...>', 'only these domains')
    .option('--periods <n>', 'how many of the latest periods to recompute (default 35)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { domain?: string[]; periods?: string; json?: boolean }) => {
      const result = await withWorkers((client) => runKpis(client, { ...(opts.domain ? { domains: opts.domain } : {}), ...(opts.periods ? { periods: Number(opts.periods) } : {}) }));
      if (opts.json) console.log(JSON.stringify(result, null, 2));
      else printKpiRun(result);
    });
  kpi
    .command('schedule')
    .description(`compute the KPIs on a Temporal Schedule (id ${kpiScheduleId}); running it again updates the schedule`)
    .option('--cron <expression>', 'a cron expression (UTC)', defaultKpiCron)
    .option('--every <interval>', 'an interval instead of --cron: 1h, 1d')
    .action(async (opts: { cron: string; every?: string }) => {
      const spec = scheduleSpec(opts.every ? { every: opts.every } : { cron: opts.cron });
      const outcome = await withClient((client) => scheduleKpis(client, spec));
      console.log(`schedule ${kpiScheduleId} ${outcome}: ${computeKpisWorkflowType} ${opts.every ? `every ${opts.every}` : `on "${opts.cron}"`}`);
    });
  kpi
    .command('unschedule')
    .description('remove the KPI schedule (nothing to do when there is none)')
    .action(async () => {
      const removed = await withClient((client) => removeSchedule(client, kpiScheduleId));
      console.log(removed ? `schedule ${kpiScheduleId} removed` : `no schedule ${kpiScheduleId}: nothing to remove`);
    });
  kpi
    .command('show <domain>')
    .description("a domain's KPIs with their last values and target status, as a role may see them (refused KPIs say why)")
    .option('--role <role>', 'admin, engineer, callcentre, analyst, agency:<id>, dpo:<domain> or deputy:<domain>', 'engineer')
    .option('--periods <n>', 'how many of the latest periods to show', '7')
    .option('--json', 'print JSON')
    .action(async (domain: string, opts: { role: string; periods: string; json?: boolean }) => {
      const periods = Number(opts.periods);
      if (!Number.isInteger(periods) || periods < 1 || periods > 366) throw new Error(`--periods "${opts.periods}": expected a whole number from 1 to 366`);
      const catalog = await openCatalogStore({ url: config().FACTORY_CATALOG_URL });
      try {
        const readings = await kpisFor(domain, opts.role, { registry, trends: catalog, periods });
        if (opts.json) console.log(JSON.stringify(readings, null, 2));
        else printKpiReadings(opts.role, readings);
      } finally {
        await catalog.close();
      }
    });
}
