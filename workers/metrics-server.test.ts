import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { closedPort } from '../test/support/ports.js';
import { startMetricsServer, type MetricsServer } from './metrics-server.js';
import { createWorkerMetrics } from './metrics.js';

describe('the worker metrics endpoint', () => {
  const opened: MetricsServer[] = [];
  afterAll(async () => { await Promise.all(opened.map((s) => s.close())); });

  it('appends the SDK exporter\'s text to ours, and says so in a comment when the SDK does not answer', async () => {
    const sdk = createServer((_request, response) => response.writeHead(200).end('# TYPE temporal_worker_start_total counter\ntemporal_worker_start_total 1\n'));
    await new Promise<void>((resolve) => sdk.listen(0, '127.0.0.1', resolve));
    const sdkUrl = `http://127.0.0.1:${(sdk.address() as AddressInfo).port}/metrics`;
    const { registry } = createWorkerMetrics({ role: 'all' });
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0, registry, sdkMetricsUrl: sdkUrl });
    opened.push(server);
    const text = await (await fetch(server.url)).text();
    expect(text).toMatch(/^# TYPE factory_backfill_rows_loaded_total counter$/m);
    expect(text).toMatch(/^temporal_worker_start_total 1$/m);
    expect((await fetch(server.url.replace('/metrics', '/'))).status).toBe(404);
    await new Promise<void>((resolve) => sdk.close(() => resolve()));

    const gone = await startMetricsServer({ host: '127.0.0.1', port: 0, registry, sdkMetricsUrl: `http://127.0.0.1:${await closedPort()}/metrics` });
    opened.push(gone);
    const answer = await fetch(gone.url);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toMatch(/^# Temporal SDK runtime metrics unavailable from http:\/\/127\.0\.0\.1:\d+\/metrics: /m);
  });

  it('refuses a port in use, naming FACTORY_METRICS_PORT', async () => {
    const { registry } = createWorkerMetrics({ role: 'all' });
    const first = await startMetricsServer({ host: '127.0.0.1', port: 0, registry });
    opened.push(first);
    const port = Number(new URL(first.url).port);
    await expect(startMetricsServer({ host: '127.0.0.1', port, registry })).rejects.toThrow(`FACTORY_METRICS_PORT: cannot serve metrics on 127.0.0.1:${port} (EADDRINUSE)`);
  });
});
