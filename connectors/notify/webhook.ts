import type { Notification, Notifier } from './port.js';

export interface WebhookNotifierOptions {
  url: string;
  /** Per request; a hung endpoint must not hold the activity until its timeout. */
  timeoutMs?: number;
}

/** Thrown for a non-2xx answer or a network failure; the message names the endpoint's host, never its path (which may hold a token). */
export class WebhookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookError';
  }
}

/**
 * POSTs each notification as JSON (`content-type: application/json`, the Notification object as
 * the body) with Node's fetch. Any 2xx is delivered; anything else fails, so the activity retries.
 */
export function createWebhookNotifier({ url, timeoutMs = 10_000 }: WebhookNotifierOptions): Notifier {
  const host = new URL(url).host;
  return {
    async notify(notification: Notification) {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(notification),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new WebhookError(`notification webhook at ${host}: ${(error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (error as Error).message}`);
      }
      await response.body?.cancel();
      if (!response.ok) throw new WebhookError(`notification webhook at ${host} answered ${response.status} ${response.statusText} (expected 2xx)`);
    },
  };
}
