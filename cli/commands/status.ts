import { spawnSync } from 'node:child_process';
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { Command } from 'commander';
import { cdcStatus, cdcIngestWorkflowType, type CdcStatus } from '../../workflows/api/cdc-ingest.js';
import { factoryStatus } from '../../workflows/api/search-attributes.js';
import { config, repoRoot } from '../context.js';
import { withClient } from '../temporal.js';
import { printTable } from './domains.js';

/**
 * `factory status`: one screen an operator reads first — the local stack's services, the workers
 * polling each task queue, the running workflows by type, change capture's lag and freshness per
 * domain, and the runs waiting for a DPO. Each part that cannot be read says why; the rest still shows.
 */

const { TASK_QUEUE_TYPE_WORKFLOW, TASK_QUEUE_TYPE_ACTIVITY } = proto.temporal.api.enums.v1.TaskQueueType;
const waitingPhases = new Set(['awaiting-approval', 'reminded', 'escalated']);

interface StatusReport {
  stack: Array<{ service: string; address: string; state: string }>;
  workers: Array<{ taskQueue: string; kind: 'workflows' | 'activities'; pollers: Array<{ identity: string; lastSeen: string | null }> }>;
  running: Record<string, number>;
  cdc: Array<{ domain: string; state: string; lag: number; eventsPerSecond: number; freshnessP99Ms: number | null; captureP99Ms: number | null; deadLettered: number }>;
  waitingForDecision: Array<{ workflowId: string; type: string; phase: string }>;
  problems: string[];
}

function stackServices(): StatusReport['stack'] {
  const result = spawnSync('bash', [`${repoRoot}/stack/stack.sh`, 'status'], { cwd: repoRoot, encoding: 'utf8' });
  return result.stdout.trim().split('\n').filter(Boolean).map((line) => {
    const parts = line.trim().split(/\s+/);
    return { service: parts[0]!, address: parts.slice(1, -1).join(' '), state: parts.at(-1)! };
  });
}

async function workers(client: Client): Promise<StatusReport['workers']> {
  const cfg = config();
  const queues = [
    { taskQueue: cfg.TEMPORAL_TASK_QUEUE, kind: 'workflows' as const, type: TASK_QUEUE_TYPE_WORKFLOW },
    { taskQueue: cfg.TEMPORAL_TASK_QUEUE, kind: 'activities' as const, type: TASK_QUEUE_TYPE_ACTIVITY },
    { taskQueue: cfg.TEMPORAL_WAREHOUSE_TASK_QUEUE, kind: 'activities' as const, type: TASK_QUEUE_TYPE_ACTIVITY },
  ];
  return Promise.all(queues.map(async ({ taskQueue, kind, type }) => {
    const answer = await client.workflowService.describeTaskQueue({ namespace: cfg.TEMPORAL_NAMESPACE, taskQueue: { name: taskQueue }, taskQueueType: type });
    const pollers = (answer.pollers ?? []).map((p) => ({
      identity: p.identity ?? '?',
      lastSeen: p.lastAccessTime?.seconds ? new Date(Number(p.lastAccessTime.seconds) * 1000).toISOString() : null,
    }));
    return { taskQueue, kind, pollers };
  }));
}

async function runningWorkflows(client: Client, report: StatusReport): Promise<void> {
  const cdcRuns: string[] = [];
  for await (const run of client.workflow.list({ query: 'ExecutionStatus = "Running"', pageSize: 200 })) {
    report.running[run.type] = (report.running[run.type] ?? 0) + 1;
    if (run.type === cdcIngestWorkflowType) cdcRuns.push(run.workflowId);
    const phase = run.typedSearchAttributes.get(factoryStatus);
    if (phase && waitingPhases.has(phase)) report.waitingForDecision.push({ workflowId: run.workflowId, type: run.type, phase });
  }
  // A query needs a worker; without one it would wait, so each gets a deadline (all asked at once).
  const statuses = await Promise.all(cdcRuns.sort().map((workflowId) =>
    client.withDeadline(Date.now() + 5000, () => client.workflow.getHandle(workflowId).query(cdcStatus) as Promise<CdcStatus>).catch(() => undefined)));
  for (const [i, status] of statuses.entries()) {
    const domain = cdcRuns[i]!.replace(/^cdc:/, '');
    if (!status) {
      report.cdc.push({ domain, state: 'no answer (worker down?)', lag: -1, eventsPerSecond: 0, freshnessP99Ms: null, captureP99Ms: null, deadLettered: 0 });
      continue;
    }
    report.cdc.push({
      domain, state: status.paused ? 'paused' : status.stopping ? 'stopping' : 'running', lag: status.lag.reduce((n, l) => n + l.lag, 0),
      eventsPerSecond: status.eventsPerSecond, freshnessP99Ms: status.freshness?.p99Ms ?? null, captureP99Ms: status.captureDelay?.p99Ms ?? null, deadLettered: status.totals.deadLettered,
    });
  }
}

function print(report: StatusReport): void {
  console.log('stack');
  printTable(['service', 'address', 'state'], report.stack.map((s) => [s.service, s.address, s.state]));
  console.log('\nworkers');
  printTable(['task queue', 'polls for', 'workers', 'last seen'], report.workers.map((w) => [
    w.taskQueue, w.kind, w.pollers.length ? w.pollers.map((p) => p.identity).join(', ') : 'NONE: start one with `npx factory worker`',
    w.pollers.map((p) => p.lastSeen ?? '?').sort().at(-1) ?? '-',
  ]));
  console.log('\nrunning workflows');
  const running = Object.entries(report.running).sort(([a], [b]) => a.localeCompare(b));
  if (running.length) printTable(['type', 'runs'], running.map(([type, n]) => [type, String(n)]));
  else console.log('none');
  console.log('\nchange capture');
  if (report.cdc.length) {
    // Both from the source commit: end to end, and the capture's part of it (→ Kafka record).
    printTable(['domain', 'state', 'lag', 'events/s', 'freshness p99 ms', 'capture p99 ms', 'dead letters'], report.cdc.map((c) => [
      c.domain, c.state, c.lag < 0 ? '?' : String(c.lag), String(c.eventsPerSecond), c.freshnessP99Ms === null ? '-' : String(c.freshnessP99Ms),
      c.captureP99Ms === null ? '-' : String(c.captureP99Ms), String(c.deadLettered),
    ]));
  } else console.log('not running');
  console.log('\nwaiting for a decision');
  if (report.waitingForDecision.length) printTable(['workflow', 'type', 'phase'], report.waitingForDecision.map((w) => [w.workflowId, w.type, w.phase]));
  else console.log('none');
  for (const problem of report.problems) console.log(`\n! ${problem}`);
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('one screen: stack services, workers per task queue, running workflows, change capture lag and freshness, runs waiting for a DPO')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const report: StatusReport = { stack: stackServices(), workers: [], running: {}, cdc: [], waitingForDecision: [], problems: [] };
      await withClient(async (client) => {
        report.workers = await workers(client);
        await runningWorkflows(client, report);
      }).catch((error: unknown) => report.problems.push(`Temporal at ${config().TEMPORAL_ADDRESS}: ${(error as Error).message}`));
      if (opts.json) console.log(JSON.stringify(report, null, 2));
      else print(report);
    });
}
