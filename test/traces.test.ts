import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { selfCheckWorkflowType, type SelfCheckWorkflow } from '../workflows/api/selfcheck.js';
import { startWorkers, type RunningWorkers } from '../workers/worker.js';
import { connectClient, testConfig, uniqueQueue } from './support/temporal.js';

interface ReceivedSpan { name: string; traceId: string; spanId: string; parentSpanId?: string }

/**
 * Traces on the real stack: a worker configured with OTEL_EXPORTER_OTLP_ENDPOINT sends, over
 * OTLP/HTTP to a receiver this test runs, a span for a workflow run and one per activity it ran, in
 * the same trace (Temporal carries the context in headers).
 */
describe('OpenTelemetry traces through Temporal interceptors', () => {
  const received: ReceivedSpan[] = [];
  const requests: string[] = [];
  let receiver: Server;
  let workers: RunningWorkers | undefined;
  let client: Client;
  let closeClient: () => Promise<void>;
  let config: ReturnType<typeof testConfig>;

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        requests.push(`${request.method} ${request.url} ${request.headers['content-type']}`);
        const payload = JSON.parse(body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: ReceivedSpan[] }> }> };
        for (const r of payload.resourceSpans) for (const s of r.scopeSpans) received.push(...s.spans);
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    config = testConfig({ TEMPORAL_TASK_QUEUE: uniqueQueue('traces'), OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_SERVICE_NAME: 'factory-trace-test' });
    workers = await startWorkers({ config, role: 'general' });
    ({ client, close: closeClient } = await connectClient(config));
  });

  afterAll(async () => {
    workers?.shutdown();
    await workers?.done;
    await closeClient?.();
    await new Promise<void>((resolve) => receiver?.close(() => resolve()));
  });

  it('sends a workflow span and its activities\' spans in one trace', async () => {
    const workflowId = `selfcheck:traces-${Date.now()}`;
    await client.workflow.execute<SelfCheckWorkflow>(selfCheckWorkflowType, {
      taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId, args: [{ kafkaTopic: `_factory.selfcheck.traces.${Date.now()}` }],
    });
    // Shutting the workers down sends what the batch processor still holds.
    workers!.shutdown();
    await workers!.done;
    workers = undefined;

    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((r) => r.startsWith('POST /v1/traces application/json'))).toBe(true);
    // The only workflow this worker (its own task queue) ran.
    const workflowSpans = received.filter((s) => s.name === 'RunWorkflow:selfCheck');
    expect(workflowSpans, `spans received: ${received.map((s) => s.name).join(', ')}`).toHaveLength(1);
    const workflowSpan = workflowSpans[0];
    const inTrace = received.filter((s) => s.traceId === workflowSpan!.traceId).map((s) => s.name);
    expect(inTrace).toEqual(expect.arrayContaining(['StartActivity:checkPostgres', 'StartActivity:checkKafka', 'RunActivity:checkPostgres', 'RunActivity:checkKafka']));
  });
});
