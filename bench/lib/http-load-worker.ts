import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import type { HttpLoadInput, HttpLoadResult } from './http-load.js';

/**
 * The serve bench's callers, on a thread of their own so that making requests and parsing answers
 * does not queue behind the server on one event loop: `concurrency` keep-alive connections, each
 * sending its next GET as soon as the last answer is read.
 */

const input = workerData as HttpLoadInput;
const agent = new Agent({ keepAlive: true, maxSockets: input.concurrency, maxFreeSockets: input.concurrency });
const base = new URL(input.baseUrl);

function get(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: base.hostname, port: base.port, path, method: 'GET', headers: { cookie: input.cookie, accept: 'application/json' } }, (res) => {
      // The whole body is read and parsed, as a screen would.
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          JSON.parse(Buffer.concat(chunks).toString('utf8'));
          resolve(res.statusCode ?? 0);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const pathOf = (id: number) => input.pathTemplate.replace(':id', String(id));

async function main(): Promise<HttpLoadResult> {
  const statuses: Record<string, number> = {};
  // Warm-up, not measured: connections open, statements prepare, caches fill.
  await Promise.all(Array.from({ length: input.concurrency }, async (_, i) => {
    for (let n = 0; n < input.warmupPerCaller; n++) await get(pathOf(input.ids[(i * input.warmupPerCaller + n) % input.ids.length]!));
  }));
  const latencies: number[] = [];
  const started = performance.now();
  const until = started + input.seconds * 1000;
  await Promise.all(Array.from({ length: input.concurrency }, async () => {
    while (performance.now() < until) {
      const id = input.ids[Math.floor(Math.random() * input.ids.length)]!;
      const t0 = performance.now();
      const status = await get(pathOf(id));
      latencies.push(performance.now() - t0);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { latencies, seconds, statuses };
}

main().then((result) => parentPort!.postMessage({ result }), (error: unknown) => parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) }));
