import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { Command } from 'commander';
import { factoryDomain, factoryStatus, factoryTable } from '../../workflows/api/search-attributes.js';
import { registry } from '../../domains/index.js';
import {
  backfillAllWorkflowId,
  backfillAllWorkflowType,
  backfillDomainWorkflowId,
  backfillDomainWorkflowType,
  backfillManyProgress,
  type BackfillManyInput,
  type BackfillManyProgress,
  type BackfillManyWorkflow,
} from '../../workflows/api/backfill-many.js';
import {
  backfillTableProgress,
  backfillTableWorkflowId,
  backfillTableWorkflowType,
  type BackfillTableInput,
  type BackfillTableProgress,
  type BackfillTableWorkflow,
} from '../../workflows/api/backfill-table.js';
import { config } from '../context.js';
import { scheduleSpec, upsertSchedule } from '../schedules.js';
import { withClient } from '../temporal.js';
import { requireWorkers } from '../workers-check.js';
import { printTable } from './domains.js';

type BackfillWorkflowType = typeof backfillTableWorkflowType | typeof backfillDomainWorkflowType | typeof backfillAllWorkflowType;
const backfillWorkflowTypes: BackfillWorkflowType[] = [backfillTableWorkflowType, backfillDomainWorkflowType, backfillAllWorkflowType];

interface Target {
  workflowType: BackfillWorkflowType;
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
  if (name === 'all') return { workflowType: backfillAllWorkflowType, workflowId: backfillAllWorkflowId, args: [many], domain: '*' };
  const resolved = registry.resolve(name);
  if (resolved.kind === 'domain') {
    return { workflowType: backfillDomainWorkflowType, workflowId: backfillDomainWorkflowId(resolved.domain.name), args: [{ ...many, domain: resolved.domain.name }], domain: resolved.domain.name };
  }
  return {
    workflowType: backfillTableWorkflowType,
    workflowId: backfillTableWorkflowId(resolved.qualifiedName),
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

type Progress = BackfillTableProgress | BackfillManyProgress;

/** The progress query of a backfill run: a table's chunks, or the tables of a domain or of all. */
function progressOf(handle: WorkflowHandle, workflowType: string): Promise<Progress> {
  return workflowType === backfillTableWorkflowType ? handle.query(backfillTableProgress) : handle.query(backfillManyProgress);
}

function progressLine(p: Progress): string {
  const many = 'tablesTotal' in p;
  const [done, total, unit] = many ? [p.tablesDone, p.tablesTotal, 'tables'] : [p.chunksDone, p.chunksTotal, 'chunks'];
  const width = 30;
  const filled = total > 0 ? Math.round((done / total) * width) : 0;
  const rows = many ? p.rows : p.rowsDone;
  const extra = (many
    ? [`${p.rowsPerSecond.toLocaleString('en')} rows/s`, p.etaSeconds != null ? `ETA ${p.etaSeconds}s` : '', p.tablesFailed ? `${p.tablesFailed} failed` : '']
    : [p.phase])
    .filter(Boolean)
    .join(', ');
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${unit}, ${rows.toLocaleString('en')} rows ${extra}`;
}

/**
 * Polls the run's progress query once a second until the run ends: on a terminal one line redrawn in
 * place; elsewhere (a log, CI) a plain line whenever the progress changes, at most every 10 s.
 */
async function follow(handle: WorkflowHandle, workflowType: BackfillWorkflowType): Promise<unknown> {
  const result = handle.result();
  const terminal = process.stderr.isTTY === true;
  let finished = false;
  let last = { line: '', at: 0 };
  void result.then(() => (finished = true), () => (finished = true));
  while (!finished) {
    try {
      const line = progressLine(await progressOf(handle, workflowType));
      if (terminal) process.stderr.write(`\r${line}\x1b[K`);
      else if (line !== last.line && Date.now() - last.at >= 10_000) {
        process.stderr.write(`${line}\n`);
        last = { line, at: Date.now() };
      }
    } catch {
      // The first workflow task may not have run yet; the next poll will show progress.
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  if (terminal) process.stderr.write('\n');
  return result;
}

export function registerBackfillCommands(program: Command): void {
  const backfill = program
    .command('backfill')
    .description('load source tables into the warehouse: `backfill <table|domain|all>`, or `backfill status`')
    .argument('[target]', "a table ('booking.booking_line' or a unique bare name), a domain, or 'all'")
    .option('--schedule <cron>', 'create (or update) a Temporal Schedule instead of starting now, e.g. "0 2 * * *"')
    .option('--table-concurrency <n>', 'tables in flight at once for a domain or all', (v) => Number(v))
    .option('--no-follow', 'start and return without showing progress')
    .option('--json', 'with status: print JSON')
    .action(async (name: string | undefined, opts: { schedule?: string; follow: boolean; tableConcurrency?: number; json?: boolean }) => {
      if (!name) return backfill.help();
      if (name === 'status') return showStatus(opts.json === true);
      const target = backfillTarget(name, { tableConcurrency: opts.tableConcurrency });
      await withClient(async (client) => {
        if (opts.schedule) {
          const scheduleId = `schedule:${target.workflowId}`;
          const outcome = await upsertSchedule(client, scheduleId, scheduleSpec({ cron: opts.schedule }), {
            type: 'startWorkflow', workflowType: target.workflowType, workflowId: target.workflowId, args: target.args, taskQueue: config().TEMPORAL_TASK_QUEUE, typedSearchAttributes: searchAttributes(target),
          });
          console.log(`schedule ${scheduleId} ${outcome}: ${target.workflowType} on "${opts.schedule}"`);
          return;
        }
        if (opts.follow) await requireWorkers(client, config());
        const handle = await startBackfill(client, target);
        console.log(`started ${target.workflowType} ${handle.workflowId} (run ${handle.firstExecutionRunId})`);
        if (!opts.follow) return;
        const result = await follow(handle, target.workflowType);
        console.log(JSON.stringify(result, null, 2));
      });
    });
}

async function showStatus(json: boolean): Promise<void> {
  await withClient(async (client) => {
    const rows: string[][] = [];
    const query = `WorkflowType IN (${backfillWorkflowTypes.map((t) => `'${t}'`).join(', ')})`;
    for await (const run of client.workflow.list({ query, pageSize: 100 })) {
      let rowsLoaded = '';
      if (run.status.name === 'COMPLETED') {
        const result = await client.workflow.getHandle<BackfillTableWorkflow | BackfillManyWorkflow>(run.workflowId, run.runId).result().catch(() => undefined);
        rowsLoaded = String(result?.rows ?? '');
      } else if (run.status.name === 'RUNNING') {
        const p = await progressOf(client.workflow.getHandle(run.workflowId, run.runId), run.type).catch(() => undefined);
        rowsLoaded = String(p === undefined ? '' : 'rows' in p ? p.rows : p.rowsDone);
      }
      rows.push([run.workflowId, run.status.name.toLowerCase(), rowsLoaded, run.startTime.toISOString(), run.closeTime?.toISOString() ?? '']);
      if (rows.length >= 100) break;
    }
    const header = ['workflow', 'state', 'rows', 'started', 'closed'];
    if (json) console.log(JSON.stringify(rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] || null]))), null, 2));
    else printTable(header, rows);
  });
}
