import { ScheduleNotFoundError, type Client, type ScheduleOptionsAction, type ScheduleSpec } from '@temporalio/client';
import type { Command } from 'commander';
import {
  retentionRunWorkflowId, retentionRunWorkflowType, retentionScheduledWorkflowId, retentionScheduleId,
  type RetentionRunInput, type RetentionRunResult, type RetentionRunWorkflow,
} from '../../workflows/api/retention.js';
import { factoryStatus } from '../../workflows/api/search-attributes.js';
import { config } from '../context.js';
import { removeSchedule, scheduleSpec, upsertSchedule } from '../schedules.js';
import { withClient, withWorkers } from '../temporal.js';
import { printTable } from './domains.js';

/** `factory retention`: the retentionRun workflow (workflows/retention.ts) now, on a Schedule, and its last runs. */

export const defaultRetentionCron = '30 3 * * *';

export interface RetentionQueues { taskQueue: string; warehouseTaskQueue: string }

const queues = (): RetentionQueues => ({ taskQueue: config().TEMPORAL_TASK_QUEUE, warehouseTaskQueue: config().TEMPORAL_WAREHOUSE_TASK_QUEUE });

/** The Schedule's action: a full (not dry) run over every domain. */
export function retentionScheduleAction({ taskQueue, warehouseTaskQueue }: RetentionQueues): ScheduleOptionsAction {
  const args: [RetentionRunInput] = [{ warehouseTaskQueue }];
  return {
    type: 'startWorkflow', workflowType: retentionRunWorkflowType, workflowId: retentionScheduledWorkflowId, taskQueue, args,
    typedSearchAttributes: [{ key: factoryStatus, value: 'scheduled' }],
  };
}

/** Creates the retention Schedule or updates it in place (one schedule, however often it is run). */
export function scheduleRetention(client: Client, spec: ScheduleSpec, q: RetentionQueues = queues(), scheduleId = retentionScheduleId): Promise<'created' | 'updated'> {
  return upsertSchedule(client, scheduleId, spec, retentionScheduleAction(q));
}

/** Runs retention once and waits for its counts. */
export async function runRetention(client: Client, input: Omit<RetentionRunInput, 'warehouseTaskQueue'>, q: RetentionQueues = queues()): Promise<RetentionRunResult> {
  return client.workflow.execute<RetentionRunWorkflow>(retentionRunWorkflowType, {
    taskQueue: q.taskQueue,
    workflowId: retentionRunWorkflowId(new Date().toISOString()),
    args: [{ ...input, warehouseTaskQueue: q.warehouseTaskQueue }],
  });
}

export function printRetention(result: RetentionRunResult): void {
  const verb = result.dryRun ? 'would delete' : 'deleted';
  printTable(['change log', 'kept', 'cutoff', 'before', verb, 'after'], result.changeLogs.map((c) => [
    `${c.domain}.${c.table}`, `${c.days} d`, c.cutoff, String(c.before), String(c.deleted), String(c.after),
  ]));
  console.log(`(${result.tablesWithoutChangeLog} tables have no change log yet)\n`);
  printTable(['product', 'kept', 'cutoff', 'serves', result.dryRun ? 'would drop' : 'dropped', 'kept versions'], result.snapshots.map((s) => [
    `${s.domain}.${s.product}`, `${s.days} d`, s.cutoff, `v${s.servedVersion}`,
    s.dropped.map((d) => `v${d.version}`).join(' ') || '-', s.kept.map((v) => `v${v}`).join(' ') || '-',
  ]));
  const t = result.totals;
  const [deleted, dropped] = result.dryRun ? ['would be deleted', 'would be dropped'] : ['deleted', 'dropped'];
  console.log(`\n${result.dryRun ? 'dry run: ' : ''}${t.changeLogRowsDeleted} change-log rows ${deleted}, ${t.snapshotVersionsDropped} superseded versions (${t.snapshotTablesDropped} snapshots) ${dropped}; audit entries ${result.auditIds.join(', ')}`);
}

async function showStatus(client: Client, json: boolean): Promise<void> {
  const schedule = await client.schedule.getHandle(retentionScheduleId).describe().catch((error: unknown) => {
    if (error instanceof ScheduleNotFoundError) return undefined;
    throw error;
  });
  const runs: { workflowId: string; status: string; started: string; closed: string; result?: RetentionRunResult }[] = [];
  for await (const run of client.workflow.list({ query: `WorkflowType = '${retentionRunWorkflowType}'`, pageSize: 10 })) {
    const result = run.status.name === 'COMPLETED'
      ? await client.workflow.getHandle<RetentionRunWorkflow>(run.workflowId, run.runId).result().catch(() => undefined) : undefined;
    runs.push({ workflowId: run.workflowId, status: run.status.name.toLowerCase(), started: run.startTime.toISOString(), closed: run.closeTime?.toISOString() ?? '', ...(result ? { result } : {}) });
    if (runs.length >= 10) break;
  }
  if (json) {
    console.log(JSON.stringify({ schedule: schedule ? { spec: schedule.spec, paused: schedule.state.paused, next: schedule.info.nextActionTimes.map((t) => t.toISOString()) } : null, runs }, null, 2));
    return;
  }
  if (!schedule) console.log(`no schedule ${retentionScheduleId}: \`factory retention schedule\` creates it (default "${defaultRetentionCron}")`);
  else console.log(`schedule ${retentionScheduleId}${schedule.state.paused ? ' (paused)' : ''}: next runs ${schedule.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()).join(', ') || '-'}; ${schedule.info.numActionsTaken} run so far`);
  console.log('');
  printTable(['workflow', 'state', 'started', 'rows deleted', 'versions dropped', 'dry run'], runs.map((r) => [
    r.workflowId, r.status, r.started, String(r.result?.totals.changeLogRowsDeleted ?? ''), String(r.result?.totals.snapshotVersionsDropped ?? ''), r.result ? String(r.result.dryRun) : '',
  ]));
}

export function registerRetentionCommands(program: Command): void {
  const retention = program.command('retention').description('retention of change logs and superseded published snapshots (ages declared in the contracts)');
  retention
    .command('run')
    .description('run retention once and print the counts per change log and product')
    .option('--dry-run', 'count what would go, delete nothing (audited too)')
    .option('--domain <domain...>', 'only these domains')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { dryRun?: boolean; domain?: string[]; json?: boolean }) => {
      const result = await withWorkers((client) => runRetention(client, { ...(opts.dryRun ? { dryRun: true } : {}), ...(opts.domain ? { domains: opts.domain } : {}) }));
      if (opts.json) console.log(JSON.stringify(result, null, 2));
      else printRetention(result);
    });
  retention
    .command('schedule')
    .description(`run retention on a Temporal Schedule (id ${retentionScheduleId}); running it again updates the schedule`)
    .option('--cron <expression>', 'a cron expression (UTC)', defaultRetentionCron)
    .option('--every <interval>', 'an interval instead of --cron: 12h, 1d')
    .action(async (opts: { cron: string; every?: string }) => {
      const spec = scheduleSpec(opts.every ? { every: opts.every } : { cron: opts.cron });
      const outcome = await withClient((client) => scheduleRetention(client, spec));
      console.log(`schedule ${retentionScheduleId} ${outcome}: ${retentionRunWorkflowType} ${opts.every ? `every ${opts.every}` : `on "${opts.cron}"`}`);
    });
  retention
    .command('unschedule')
    .description('remove the retention schedule (nothing to do when there is none)')
    .action(async () => {
      const removed = await withClient((client) => removeSchedule(client, retentionScheduleId));
      console.log(removed ? `schedule ${retentionScheduleId} removed` : `no schedule ${retentionScheduleId}: nothing to remove`);
    });
  retention
    .command('status')
    .description('the schedule and the last retention runs with their counts')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => withClient((client) => showStatus(client, opts.json ?? false)));
}
