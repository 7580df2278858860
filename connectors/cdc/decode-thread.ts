import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DecodeJob } from './decode-worker.js';
import { packMessages, type DecodeTable, type DecodedBatch, type RawMessage } from './decode-batch.js';

/**
 * Decoding runs on its own thread: the event loop that fetches from Kafka and drives the warehouse
 * writes would otherwise spend about half its time parsing events. Batches are answered in the order
 * they are sent; if the thread dies, every pending batch fails with its error.
 */
export class DecodeThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (d: DecodedBatch) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private dead?: Error;

  constructor(tables: Map<string, DecodeTable>) {
    const entry = new URL('./decode-worker.ts', import.meta.url).href;
    // The worker's TypeScript entry needs the tsx loader registered in that thread too (loaders
    // given on the command line do not reach worker threads).
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
    this.worker = new Worker(
      `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`,
      { eval: true, workerData: { tables: [...tables] } },
    );
    this.worker.on('message', (answer: { id: number; decoded?: DecodedBatch; error?: string }) => {
      const waiting = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      if (answer.decoded) waiting?.resolve(answer.decoded);
      else waiting?.reject(new Error(answer.error));
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`decode thread exited (code ${code})`)));
    this.worker.unref();
  }

  decode(topic: string, partition: number, messages: readonly RawMessage[], file: string): Promise<DecodedBatch> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    const packed = packMessages(messages);
    const job: DecodeJob = { id, topic, partition, packed, file };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(job, [packed.bytes]);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private failAll(error: Error): void {
    this.dead ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
