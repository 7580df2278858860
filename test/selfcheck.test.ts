import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { selfCheckWorkflowType, type SelfCheckWorkflow } from '../workflows/api/selfcheck.js';
import { startWorkers, type RunningWorkers } from '../workers/worker.js';
import { connectClient, testConfig, uniqueQueue } from './support/temporal.js';

describe('selfCheck workflow on the real stack', () => {
  const config = testConfig({ TEMPORAL_TASK_QUEUE: uniqueQueue('selfcheck') });
  let workers: RunningWorkers;
  let client: Client;
  let closeClient: () => Promise<void>;

  beforeAll(async () => {
    workers = await startWorkers({ config, role: 'general' });
    ({ client, close: closeClient } = await connectClient(config));
  });

  afterAll(async () => {
    workers?.shutdown();
    await workers?.done;
    await closeClient?.();
  });

  it('runs activities against PostgreSQL and Kafka through the Temporal dev server', async () => {
    const topic = `_factory.selfcheck.${Date.now()}`;
    const workflowId = `selfcheck:test-${Date.now()}`;
    const result = await client.workflow.execute<SelfCheckWorkflow>(selfCheckWorkflowType, { taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId, args: [{ kafkaTopic: topic }] });
    expect(result.postgres.walLevel).toBe('logical');
    expect(result.postgres.serverVersion).toMatch(/^\d+\.\d+/);
    expect(result.kafka.topic).toBe(topic);
    expect(result.kafka.offset).toBe('0');
    const description = await client.workflow.getHandle(workflowId).describe();
    expect(description.status.name).toBe('COMPLETED');
  });

  it('refuses input without a Kafka topic, without retrying', async () => {
    const workflowId = `selfcheck:test-bad-${Date.now()}`;
    await expect(
      client.workflow.execute(selfCheckWorkflowType, { taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId, args: [{}] }),
    ).rejects.toMatchObject({ cause: { message: 'selfCheck input: kafkaTopic is required, e.g. { "kafkaTopic": "_factory.selfcheck" }' } });
  });
});
