import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notification } from './port.js';
import { combineNotifiers, type Notifier } from './port.js';
import { createLogNotifier } from './log.js';
import { createWebhookNotifier } from './webhook.js';

// A real HTTP endpoint on loopback receives the POSTs.
describe('webhook notifier', () => {
  const received: Array<{ path: string; type: string | undefined; body: unknown }> = [];
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ path: req.url ?? '', type: req.headers['content-type'], body: JSON.parse(text) });
        res.statusCode = req.url?.startsWith('/fail') ? 503 : 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const notification: Notification = {
    kind: 'reminder', product: 'booking.bookings', version: 4, to: ['dpo.booking'],
    message: 'booking.bookings v4 waits for your decision', at: '2026-01-01T08:00:00.000Z', workflowId: 'publish:booking.bookings',
  };

  it('posts the notification as JSON', async () => {
    await createWebhookNotifier({ url: `${base}/hooks/factory` }).notify(notification);
    expect(received.at(-1)).toEqual({ path: '/hooks/factory', type: 'application/json', body: notification });
  });

  it('fails on a non-2xx answer, naming the host but not the path (it may hold a token)', async () => {
    const error = await createWebhookNotifier({ url: `${base}/fail/secret-token` }).notify(notification).catch((e: unknown) => e as Error);
    expect(error?.message).toBe(`notification webhook at ${new URL(base).host} answered 503 Service Unavailable (expected 2xx)`);
    expect(error?.message).not.toContain('secret-token');
  });

  it('writes the log line even when the webhook fails, and still fails the call', async () => {
    const lines: string[] = [];
    const log: Notifier = createLogNotifier({ info: (_fields, message) => lines.push(message) });
    const both = combineNotifiers([log, createWebhookNotifier({ url: `${base}/fail` })]);
    await expect(both.notify(notification)).rejects.toThrow('answered 503');
    expect(lines).toEqual(['booking.bookings v4 waits for your decision']);
  });
});
