import { writeFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { decodeBatch, unpackMessages, type DecodeTable, type PackedMessages } from './decode-batch.js';

/**
 * The decode thread of an ingest pipeline (see decode-thread.ts): decodes each batch it is sent,
 * writes the staged CSV file of its changes, and answers in the order batches came in.
 */

export interface DecodeJob {
  id: number;
  topic: string;
  partition: number;
  packed: PackedMessages;
  /** Where the staged changes go; written only when the batch has events to commit. */
  file: string;
}

const tables = new Map((workerData as { tables: Array<[string, DecodeTable]> }).tables);

parentPort!.on('message', (job: DecodeJob) => {
  try {
    const table = tables.get(job.topic);
    if (!table) throw new Error(`decode thread: topic ${job.topic} is not one of this pipeline's tables`);
    const { csv, ...decoded } = decodeBatch(table, job.topic, job.partition, unpackMessages(job.packed));
    if (decoded.lastOffset !== undefined) writeFileSync(job.file, csv);
    parentPort!.postMessage({ id: job.id, decoded });
  } catch (error) {
    parentPort!.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) });
  }
});
