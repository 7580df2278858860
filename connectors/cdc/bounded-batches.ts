import type { Message } from 'kafkajs';

/**
 * The broker refuses a record batch larger than its message.max.bytes (1 MiB by default) with
 * MESSAGE_TOO_LARGE, which kafkajs does not retry: one send of many large messages — a fetched batch
 * of Debezium events that all failed to decode, ~4 KB each with their schemas — would fail whole, and
 * the same batch again on every retry. Half the default leaves room for the record overhead.
 */
export const MAX_SEND_BYTES = 512 * 1024;

/** Approximate size of a message on the wire: its key, value and headers. */
function messageBytes(message: Message): number {
  const size = (v: unknown): number => (v === null || v === undefined ? 0 : Buffer.isBuffer(v) ? v.length : Buffer.byteLength(String(v)));
  let bytes = size(message.key) + size(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) bytes += Buffer.byteLength(name) + size(value);
  return bytes;
}

/** The messages in order, cut into sends of at most `maxBytes` each (a larger message goes alone). */
export function boundedBatches(messages: Message[], maxBytes = MAX_SEND_BYTES): Message[][] {
  const batches: Message[][] = [];
  let current: Message[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = messageBytes(message);
    if (current.length > 0 && bytes + size > maxBytes) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
