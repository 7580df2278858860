import { writeFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { decodeBatch, unpackMessages, type DecodeTable, type PackedMessages } from './decode-batch.js';

/**
 * The decode thread (see decode-thread.ts): holds the tables of each pipeline that uses it, decodes
 * each batch it is sent, writes the staged CSV file of its changes, and answers in arrival order.
 */

export interface DecodeJob {
  kind: 'decode';
  id: number;
  /** Which pipeline's tables the topic belongs to. */
  tableSet: number;
  topic: string;
  partition: number;
  packed: PackedMessages;
  /** Where the staged changes go; written only when the batch has events to commit. */
  file: string;
}

export type DecodeMessage =
  | DecodeJob
  | { kind: 'tables'; tableSet: number; tables: Array<[string, DecodeTable]> }
  | { kind: 'forget'; tableSet: number };

const tableSets = new Map<number, Map<string, DecodeTable>>();

parentPort!.on('message', (message: DecodeMessage) => {
  if (message.kind === 'tables') tableSets.set(message.tableSet, new Map(message.tables));
  else if (message.kind === 'forget') tableSets.delete(message.tableSet);
  else decode(message);
});

function decode(job: DecodeJob): void {
  try {
    const table = tableSets.get(job.tableSet)?.get(job.topic);
    if (!table) throw new Error(`decode thread: topic ${job.topic} is not one of this pipeline's tables`);
    const { csv, ...decoded } = decodeBatch(table, job.topic, job.partition, unpackMessages(job.packed));
    if (decoded.lastOffset !== undefined) writeFileSync(job.file, csv);
    parentPort!.postMessage({ id: job.id, decoded });
  } catch (error) {
    parentPort!.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) });
  }
}
