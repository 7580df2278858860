import type { Client, ScheduleSpec } from '@temporalio/client';
import type { Command } from 'commander';
import type { QualityRuleOutcome } from '../../core/quality-report.js';
import { factoryDomain, factoryStatus } from '../../workflows/api/search-attributes.js';
import { registry } from '../../domains/index.js';
import { resolveProduct } from '../../domains/products.js';
import { UnknownNameError } from '../../domains/errors.js';
import {
  lastQualityReportWorkflowId,
  lastQualityReportWorkflowType,
  qualityGateScheduleId,
  qualityGateWorkflowId,
  qualityGateWorkflowType,
  type LastQualityReportWorkflow,
  type QualityGateInput,
  type QualityGateResult,
  type QualityGateWorkflow,
} from '../../workflows/api/quality-gate.js';
import { config } from '../context.js';
import { removeSchedule, scheduleSpec, upsertSchedule } from '../schedules.js';
import { withClient, withWorkers } from '../temporal.js';
import { exitCodes } from '../exit-codes.js';
import { printTable } from './domains.js';

/** Exit code of `quality run` when the gate blocks: 1 stays for errors (unknown product, no worker). */
export const blockExitCode = exitCodes.qualityBlock;

/**
 * '<domain>.<product>' for a name typed by a person. A name this checkout does not know but that is
 * qualified goes through as typed: the workers' contracts decide, and the gate fails naming the
 * closest products if they do not know it either.
 */
export function qualityProductName(name: string): string {
  try {
    return resolveProduct(registry, name).qualifiedName;
  } catch (error) {
    if (error instanceof UnknownNameError && /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/.test(name)) return name;
    throw error;
  }
}

export function qualityGateStart(product: string, options: { concurrency?: number } = {}) {
  const cfg = config();
  const args: [QualityGateInput] = [{ product, warehouseTaskQueue: cfg.TEMPORAL_WAREHOUSE_TASK_QUEUE, ...(options.concurrency ? { concurrency: options.concurrency } : {}) }];
  return {
    workflowType: qualityGateWorkflowType,
    workflowId: qualityGateWorkflowId(product),
    taskQueue: cfg.TEMPORAL_TASK_QUEUE,
    args,
    typedSearchAttributes: [{ key: factoryDomain, value: product.split('.')[0]! }, { key: factoryStatus, value: 'started' }],
  };
}

/** Runs the gate and waits for its verdict; a gate of the same product already running is joined, not doubled. */
export async function runQualityGate(client: Client, product: string, options: { concurrency?: number } = {}): Promise<QualityGateResult> {
  const { workflowType, ...start } = qualityGateStart(product, options);
  const handle = await client.workflow.start<QualityGateWorkflow>(workflowType, { ...start, workflowIdConflictPolicy: 'USE_EXISTING' });
  return handle.result();
}

/** Creates the product's schedule, or updates it when it exists: running it twice leaves one schedule. */
export async function scheduleQualityGate(client: Client, product: string, spec: ScheduleSpec): Promise<'created' | 'updated'> {
  const { workflowType, ...start } = qualityGateStart(product);
  return upsertSchedule(client, qualityGateScheduleId(product), spec, { type: 'startWorkflow', workflowType, ...start });
}

/** Removes the product's schedule; false when there was none. */
export function unscheduleQualityGate(client: Client, product: string): Promise<boolean> {
  return removeSchedule(client, qualityGateScheduleId(product));
}

export function registerQualityRunCommands(quality: Command): void {
  quality
    .command('run <product>')
    .description(`run the quality gate of a data product ('<domain>.<product>'); exits ${blockExitCode} on block, 0 on pass or warn`)
    .option('--json', 'print the result as JSON')
    .option('--concurrency <n>', 'checks in flight at once', (v) => Number(v))
    .action(async (name: string, opts: { json?: boolean; concurrency?: number }) => {
      const product = qualityProductName(name);
      const result = await withWorkers((client) => runQualityGate(client, product, { concurrency: opts.concurrency }));
      if (opts.json) console.log(JSON.stringify(result, null, 2));
      else printOutcomes(product, result.status, result.results, `report ${result.reportId}, ${seconds(result.durationMs)}`);
      if (result.status === 'block') process.exitCode = blockExitCode;
    });

  quality
    .command('report <product>')
    .description('show the last stored quality report of a data product')
    .option('--json', 'print the report as JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const product = qualityProductName(name);
      const cfg = config();
      const report = await withWorkers((client) => client.workflow.execute<LastQualityReportWorkflow>(lastQualityReportWorkflowType, {
        taskQueue: cfg.TEMPORAL_TASK_QUEUE,
        workflowId: lastQualityReportWorkflowId(product, Date.now()),
        args: [{ product, warehouseTaskQueue: cfg.TEMPORAL_WAREHOUSE_TASK_QUEUE }],
      }));
      if (!report) {
        console.error(`no quality report stored for ${product} yet: run \`factory quality run ${product}\``);
        process.exitCode = 1;
        return;
      }
      if (opts.json) return console.log(JSON.stringify(report, null, 2));
      printOutcomes(product, report.status, report.results, `report ${report.reportId}, checked ${report.checkedAt}, ${seconds(report.durationMs)}`);
    });

  quality
    .command('schedule <product>')
    .description(`scan a data product on a Temporal Schedule (id quality:<domain>.<product>); running it again updates the schedule`)
    .option('--every <interval>', 'an interval: 30m, 1h, 1d')
    .option('--cron <expression>', 'a cron expression, e.g. "0 6 * * *"')
    .action(async (name: string, opts: { every?: string; cron?: string }) => {
      const product = qualityProductName(name);
      const spec = scheduleSpec(opts);
      const outcome = await withClient((client) => scheduleQualityGate(client, product, spec));
      console.log(`schedule quality:${product} ${outcome}: qualityGate ${opts.every ? `every ${opts.every}` : `on "${opts.cron}"`}`);
    });

  quality
    .command('unschedule <product>')
    .description('remove the schedule of a data product (nothing to do when there is none)')
    .action(async (name: string) => {
      const product = qualityProductName(name);
      const removed = await withClient((client) => unscheduleQualityGate(client, product));
      console.log(removed ? `schedule quality:${product} removed` : `no schedule quality:${product}: nothing to remove`);
    });
}

function printOutcomes(product: string, status: string, results: QualityRuleOutcome[], footer: string): void {
  printTable(
    ['table', 'rule', 'kind', 'severity', 'metric', 'threshold', 'status'],
    results.map((r) => [`${r.domain}.${r.table}`, r.ruleId, r.kind, r.severity, formatMetric(r, r.metric), formatMetric(r, r.threshold), r.status.toUpperCase()]),
  );
  const failed = results.filter((r) => r.status !== 'pass');
  if (failed.length) console.log('');
  for (const r of failed) {
    console.log(`${r.status.toUpperCase()} ${r.domain}.${r.table} ${r.ruleId}: ${r.detail}`);
    if (r.sampleKeys.length) console.log(`  sample keys: ${r.sampleKeys.join(', ')}`);
  }
  const count = (s: string) => results.filter((r) => r.status === s).length;
  console.log(`\n${product}: ${status.toUpperCase()} — ${results.length} rules, ${count('pass')} pass, ${count('warn')} warn, ${count('block')} block (${footer})`);
}

/** A metric in its rule's unit: shares of rows as percent, ages as durations, changes in percent. */
function formatMetric(r: Pick<QualityRuleOutcome, 'kind'>, value: number | null): string {
  if (value === null) return '-';
  if (r.kind === 'freshness') return duration(value);
  if (r.kind === 'volume') return `${round(value)}%`;
  if (r.kind === 'distribution') return String(round(value));
  return `${round(value * 100)}%`;
}

const round = (n: number) => Math.round(n * 1000) / 1000;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function duration(totalSeconds: number): string {
  const s = Math.round(totalSeconds);
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
