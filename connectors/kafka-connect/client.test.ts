import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createConnectClient, KafkaConnectError } from './client.js';

/** A stand-in for Connect's REST API on loopback that answers from a script, one reply per request. */
function scripted(replies: Array<[number, string]>): Promise<{ server: Server; url: string; requests: () => number }> {
  let served = 0;
  const server = createServer((_req, res) => {
    const [status, body] = replies[Math.min(served++, replies.length - 1)]!;
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () =>
    resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => served })));
}

describe('Kafka Connect client', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('sends a request Connect refused during a rebalance again, and answers with what follows', async () => {
    const connect = await scripted([
      [500, '{"error_code":500,"message":"Request cannot be completed because a rebalance is expected"}'],
      [409, '{"error_code":409,"message":"Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)"}'],
      [200, '[{"config":{"task.class":"x"}}]'],
    ]);
    server = connect.server;
    const client = createConnectClient(connect.url, { rebalanceWaitMs: 10 });
    expect(await client.taskConfigs('capture-x')).toEqual([{ 'task.class': 'x' }]);
    expect(connect.requests()).toBe(3);
  });

  it('gives up after its retries with the last answer, and never retries another error', async () => {
    const busy = await scripted([[500, '{"error_code":500,"message":"Request cannot be completed because a rebalance is expected"}']]);
    server = busy.server;
    await expect(createConnectClient(busy.url, { rebalanceRetries: 2, rebalanceWaitMs: 10 }).status('capture-x'))
      .rejects.toThrow(new KafkaConnectError('Kafka Connect GET /connectors/capture-x/status: HTTP 500: {"error_code":500,"message":"Request cannot be completed because a rebalance is expected"}', true));
    expect(busy.requests()).toBe(3);
    await new Promise<void>((resolve) => busy.server.close(() => resolve()));

    const broken = await scripted([[409, '{"error_code":409,"message":"Connector capture-x already exists"}']]);
    server = broken.server;
    await expect(createConnectClient(broken.url, { rebalanceWaitMs: 10 }).createStopped('capture-x', {})).rejects.toThrow(/HTTP 409: .*already exists/);
    expect(broken.requests()).toBe(1);
  });
});
