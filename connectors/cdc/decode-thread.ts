import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DecodeJob, DecodeMessage } from './decode-worker.js';
import { packMessages, type DecodeTable, type DecodedBatch, type FetchedMessage } from './decode-batch.js';

/**
 * Decoding runs on a thread of its own: the event loop that fetches from Kafka and drives the
 * warehouse writes would otherwise spend about half its time parsing events. One thread per
 * process, shared by its ingest pipelines (a warehouse owner follows a dozen domains; a thread
 * each would cost an isolate each). Batches are answered in the order they are sent; if the thread
 * dies, every pending batch fails with its error and the next decoder opened starts a new thread.
 */

export interface Decoder {
  decode(topic: string, partition: number, messages: readonly FetchedMessage[], file: string): Promise<DecodedBatch>;
  close(): Promise<void>;
}

let shared: DecodeThread | undefined;
let nextTableSet = 0;

/** A decoder for one pipeline's tables, on the process's decode thread. */
export function openDecoder(tables: Map<string, DecodeTable>): Decoder {
  if (!shared || shared.dead) shared = new DecodeThread();
  const thread = shared;
  const tableSet = nextTableSet++;
  thread.send({ kind: 'tables', tableSet, tables: [...tables] });
  thread.users++;
  let closed = false;
  return {
    decode: (topic, partition, messages, file) => thread.decode({ tableSet, topic, partition, file }, messages),
    async close() {
      if (closed) return;
      closed = true;
      thread.send({ kind: 'forget', tableSet });
      if (--thread.users === 0 && shared === thread) {
        shared = undefined;
        await thread.terminate();
      }
    },
  };
}

class DecodeThread {
  users = 0;
  dead?: Error;
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (d: DecodedBatch) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  constructor() {
    const entry = new URL('./decode-worker.ts', import.meta.url).href;
    // The worker's TypeScript entry needs the tsx loader registered in that thread too (loaders
    // given on the command line do not reach worker threads); the ESM build of tsx's API resolves it.
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
    this.worker = new Worker(`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`, { eval: true });
    this.worker.on('message', (answer: { id: number; decoded?: DecodedBatch; error?: string }) => {
      const waiting = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      if (this.pending.size === 0) this.worker.unref();
      if (answer.decoded) waiting?.resolve(answer.decoded);
      else waiting?.reject(new Error(answer.error));
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`decode thread exited (code ${code})`)));
    // Idle, the thread does not keep the process alive; a batch in flight does.
    this.worker.unref();
  }

  send(message: DecodeMessage): void {
    if (!this.dead) this.worker.postMessage(message);
  }

  decode(job: Omit<DecodeJob, 'kind' | 'id' | 'packed'>, messages: readonly FetchedMessage[]): Promise<DecodedBatch> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    const packed = packMessages(messages);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ ...job, kind: 'decode', id, packed } satisfies DecodeJob, [packed.bytes]);
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  private failAll(error: Error): void {
    this.dead ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
