import { Client, Connection } from '@temporalio/client';
import type { Command } from 'commander';
import { config } from '../context.js';

export function registerSelfCheckCommand(program: Command): void {
  program
    .command('selfcheck')
    .description('run the selfCheck workflow: a worker probes PostgreSQL and Kafka through real activities')
    .action(async () => {
      const cfg = config();
      const connection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS });
      try {
        const client = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });
        const workflowId = `selfcheck:${new Date().toISOString()}`;
        const result = await client.workflow.execute('selfCheck', {
          taskQueue: cfg.TEMPORAL_TASK_QUEUE,
          workflowId,
          args: [{ kafkaTopic: '_factory.selfcheck' }],
          workflowExecutionTimeout: '2m',
        });
        console.log(JSON.stringify({ workflowId, ...result }, null, 2));
      } finally {
        await connection.close();
      }
    });
}
