import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { Config } from '../core/config.js';

/**
 * A command that waits on a workflow would wait forever, in silence, when no worker polls the task
 * queues: Temporal keeps the task until one does. Such commands ask Temporal first which workers
 * poll (a poller stays listed for a few minutes after it stops, so a worker that has just died can
 * still pass) and stop at once with the command that starts one.
 */

export class NoWorkerError extends Error {
  override name = 'NoWorkerError';
}

type TaskQueueType = proto.temporal.api.enums.v1.TaskQueueType;
// A CommonJS package: its enums are reached through the default export.
const { TASK_QUEUE_TYPE_WORKFLOW: workflowTasks, TASK_QUEUE_TYPE_ACTIVITY: activityTasks } = proto.temporal.api.enums.v1.TaskQueueType;

async function pollers(client: Client, namespace: string, name: string, type: TaskQueueType): Promise<number> {
  const answer = await client.workflowService.describeTaskQueue({ namespace, taskQueue: { name }, taskQueueType: type });
  return answer.pollers?.length ?? 0;
}

/** How long a command waits for a worker that is starting (bundling workflows takes a few seconds). */
const graceMs = 5_000;

/** Throws NoWorkerError naming each task queue nobody polls and how to start a worker for it, after a short grace. */
export async function requireWorkers(client: Client, config: Pick<Config, 'TEMPORAL_NAMESPACE' | 'TEMPORAL_TASK_QUEUE' | 'TEMPORAL_WAREHOUSE_TASK_QUEUE'>): Promise<void> {
  const ns = config.TEMPORAL_NAMESPACE;
  const deadline = Date.now() + graceMs;
  for (let said = false; ; said = true) {
    const missing: string[] = [];
    if ((await pollers(client, ns, config.TEMPORAL_TASK_QUEUE, workflowTasks)) === 0) missing.push(`'${config.TEMPORAL_TASK_QUEUE}' (workflows)`);
    if ((await pollers(client, ns, config.TEMPORAL_WAREHOUSE_TASK_QUEUE, activityTasks)) === 0) missing.push(`'${config.TEMPORAL_WAREHOUSE_TASK_QUEUE}' (warehouse owner)`);
    if (missing.length === 0) return;
    if (Date.now() >= deadline) {
      throw new NoWorkerError(`no worker polls task queue ${missing.join(' or ')} in namespace '${ns}', so this command would wait forever. `
        + 'Start one in another terminal: `npx factory worker` (both roles), then run the command again');
    }
    if (!said) console.error(`waiting up to ${graceMs / 1000} s for a worker on ${missing.join(' and ')}…`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
