import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { Command } from 'commander';
import { factoryDomain, factoryStatus, factoryTable } from '../../workflows/api/search-attributes.js';
import { registry } from '../../domains/index.js';
import type { BackfillManyInput } from '../../workflows/backfill-many.js';
import type { BackfillTableInput } from '../../workflows/backfill-table.js';
import { config } from '../context.js';
import { withClient } from '../temporal.js';
import { printTable } from './domains.js';

interface Target {
  workflowType: 'backfillTable' | 'backfillDomain' | 'backfillAll';
  workflowId: string;
  args: [BackfillTableInput] | [BackfillManyInput];
  domain: string;
  table?: string;
}

/** 'all', a domain, or a table ('<domain>.<table>' or a bare name unique across domains). */
export function backfillTarget(name: string, options: { tableConcurrency?: number } = {}): Target {
  const cfg = config();
  const common = { chunkRows: cfg.FACTORY_CHUNK_ROWS, warehouseTaskQueue: cfg.TEMPORAL_WAREHOUSE_TASK_QUEUE };
  const many = { ...common, chunkConcurrency: cfg.FACTORY_CHUNK_CONCURRENCY, tableConcurrency: options.tableConcurrency ?? 2 };
  if (name === 'all') return { workflowType: 'backfillAll', workflowId: 'backfill:all', args: [many], domain: '*' };
  const resolved = registry.resolve(name);
  if (resolved.kind === 'domain') {
    return { workflowType: 'backfillDomain', workflowId: `backfill:${resolved.domain.name}`, args: [{ ...many, domain: resolved.domain.name }], domain: resolved.domain.name };
  }
  return {
    workflowType: 'backfillTable',
    workflowId: `backfill:${resolved.qualifiedName}`,
    args: [{ ...common, domain: resolved.domain.name, table: resolved.table.name, concurrency: cfg.FACTORY_CHUNK_CONCURRENCY }],
    domain: resolved.domain.name,
    table: resolved.qualifiedName,
  };
}

function searchAttributes(target: Target) {
  return [
    { key: factoryDomain, value: target.domain },
    ...(target.table ? [{ key: factoryTable, value: target.table }] : []),
    { key: factoryStatus, value: 'scheduled' },
  ];
}

/** Starts a backfill now; a run already in progress under the same id is refused with its run id. */
export async function startBackfill(client: Client, target: Target, taskQueue = config().TEMPORAL_TASK_QUEUE): Promise<WorkflowHandleWithFirstExecutionRunId> {
  try {
    return await client.workflow.start(target.workflowType, {
      taskQueue,
      workflowId: target.workflowId,
      args: target.args,
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      typedSearchAttributes: searchAttributes(target),
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      const running = await client.workflow.getHandle(target.workflowId).describe();
      throw new Error(`a backfill ${target.workflowId} is already running (run ${running.runId}, started ${running.startTime.toISOString()}): wait for it, or cancel it in the Temporal UI`);
    }
    throw error;
  }
}

interface Progress {
  phase?: string;
  chunksTotal?: number;
  chunksDone?: number;
  rowsDone?: number;
  tablesTotal?: number;
  tablesDone?: number;
  tablesFailed?: number;
  rows?: number;
  rowsPerSecond?: number;
  etaSeconds?: number | null;
}

function progressLine(p: Progress): string {
  const [done, total, unit] = p.tablesTotal !== undefined ? [p.tablesDone ?? 0, p.tablesTotal, 'tables'] : [p.chunksDone ?? 0, p.chunksTotal ?? 0, 'chunks'];
  const width = 30;
  const filled = total > 0 ? Math.round((done / total) * width) : 0;
  const rows = p.rows ?? p.rowsDone ?? 0;
  const extra = [p.phase, p.rowsPerSecond !== undefined ? `${p.rowsPerSecond.toLocaleString('en')} rows/s` : '', p.etaSeconds != null ? `ETA ${p.etaSeconds}s` : '', p.tablesFailed ? `${p.tablesFailed} failed` : '']
    .filter(Boolean)
    .join(', ');
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${unit}, ${rows.toLocaleString('en')} rows ${extra}`;
}

/** Polls the run's progress query once a second and redraws one line until the run ends. */
async function follow(handle: WorkflowHandle): Promise<unknown> {
  const result = handle.result();
  let finished = false;
  void result.then(() => (finished = true), () => (finished = true));
  while (!finished) {
    try {
      const p = await handle.query<Progress>('progress');
      process.stderr.write(`\r${progressLine(p)}\x1b[K`);
    } catch {
      // The first workflow task may not have run yet; the next poll will show progress.
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  process.stderr.write('\n');
  return result;
}

export function registerBackfillCommands(program: Command): void {
  const backfill = program
    .command('backfill')
    .description('load source tables into the warehouse: `backfill <table|domain|all>`, or `backfill status`')
    .argument('[target]', "a table ('booking.booking_line' or a unique bare name), a domain, or 'all'")
    .option('--schedule <cron>', 'create a Temporal Schedule instead of starting now, e.g. "0 2 * * *"')
    .option('--table-concurrency <n>', 'tables in flight at once for a domain or all', (v) => Number(v))
    .option('--no-follow', 'start and return without showing progress')
    .action(async (name: string | undefined, opts: { schedule?: string; follow: boolean; tableConcurrency?: number }) => {
      if (!name) return backfill.help();
      if (name === 'status') return showStatus();
      const target = backfillTarget(name, { tableConcurrency: opts.tableConcurrency });
      await withClient(async (client) => {
        if (opts.schedule) {
          const scheduleId = `schedule:${target.workflowId}`;
          await client.schedule.create({
            scheduleId,
            spec: { cronExpressions: [opts.schedule!] },
            action: { type: 'startWorkflow', workflowType: target.workflowType, workflowId: target.workflowId, args: target.args, taskQueue: config().TEMPORAL_TASK_QUEUE, typedSearchAttributes: searchAttributes(target) },
          });
          console.log(`schedule ${scheduleId} created: ${target.workflowType} on "${opts.schedule}"`);
          return;
        }
        const handle = await startBackfill(client, target);
        console.log(`started ${target.workflowType} ${handle.workflowId} (run ${handle.firstExecutionRunId})`);
        if (!opts.follow) return;
        const result = await follow(handle);
        console.log(JSON.stringify(result, null, 2));
      });
    });
}

async function showStatus(): Promise<void> {
  await withClient(async (client) => {
    const rows: string[][] = [];
    const query = "WorkflowType IN ('backfillTable', 'backfillDomain', 'backfillAll')";
    for await (const run of client.workflow.list({ query, pageSize: 100 })) {
      let rowsLoaded = '';
      if (run.status.name === 'COMPLETED') {
        const result = await client.workflow.getHandle(run.workflowId, run.runId).result().catch(() => undefined);
        rowsLoaded = String((result as { rows?: number } | undefined)?.rows ?? '');
      } else if (run.status.name === 'RUNNING') {
        const p = await client.workflow.getHandle(run.workflowId, run.runId).query<Progress>('progress').catch(() => undefined);
        rowsLoaded = String(p?.rows ?? p?.rowsDone ?? '');
      }
      rows.push([run.workflowId, run.status.name.toLowerCase(), rowsLoaded, run.startTime.toISOString(), run.closeTime?.toISOString() ?? '']);
      if (rows.length >= 100) break;
    }
    printTable(['workflow', 'state', 'rows', 'started', 'closed'], rows);
  });
}
