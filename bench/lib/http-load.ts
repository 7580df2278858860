import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface HttpLoadInput {
  /** Where the server listens, e.g. http://127.0.0.1:41234. */
  baseUrl: string;
  /** The Cookie header of a signed-in session. */
  cookie: string;
  /** A path with ':id', e.g. /api/customers/:id/360. */
  pathTemplate: string;
  /** Ids drawn at random, one per request. */
  ids: number[];
  concurrency: number;
  seconds: number;
  warmupPerCaller: number;
}

export interface HttpLoadResult {
  latencies: number[];
  seconds: number;
  /** Answers by HTTP status. */
  statuses: Record<string, number>;
}

/** Runs the callers on a worker thread (http-load-worker.ts) and returns what they measured. */
export function runHttpLoad(input: HttpLoadInput): Promise<HttpLoadResult> {
  const entry = new URL('./http-load-worker.ts', import.meta.url).href;
  // The bench runs under tsx; the thread registers it too (as connectors/cdc/decode-thread.ts does).
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const worker = new Worker(`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`, { eval: true, workerData: input });
  return new Promise((resolve, reject) => {
    worker.once('message', (message: { result?: HttpLoadResult; error?: string }) => {
      void worker.terminate();
      if (message.result) resolve(message.result);
      else reject(new Error(`HTTP callers failed: ${message.error}`));
    });
    worker.once('error', reject);
  });
}
