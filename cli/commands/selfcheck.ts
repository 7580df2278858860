import type { Command } from 'commander';
import { selfCheckWorkflowId, selfCheckWorkflowType, type SelfCheckWorkflow } from '../../workflows/api/selfcheck.js';
import { config } from '../context.js';
import { withWorkers } from '../temporal.js';

export function registerSelfCheckCommand(program: Command): void {
  program
    .command('selfcheck')
    .description('run the selfCheck workflow: a worker probes PostgreSQL and Kafka through real activities')
    .action(async () => {
      const workflowId = selfCheckWorkflowId(new Date().toISOString());
      const result = await withWorkers((client) => client.workflow.execute<SelfCheckWorkflow>(selfCheckWorkflowType, {
        taskQueue: config().TEMPORAL_TASK_QUEUE,
        workflowId,
        args: [{ kafkaTopic: '_factory.selfcheck' }],
        workflowExecutionTimeout: '2m',
      }));
      console.log(JSON.stringify({ workflowId, ...result }, null, 2));
    });
}
