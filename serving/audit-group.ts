import type { AppendAuditInput } from '../connectors/catalog/port.js';

/**
 * Group commit for the API's audit entries. Every customer-360 is audited before its answer leaves,
 * so under load the audit log's commits (one WAL flush each) become the queue every read waits in.
 * Entries that arrive while a write is in flight wait for the next one, which takes all of them (up
 * to `maxBatch`) in a single statement: one commit per batch, and an entry alone is written at once.
 * Each caller still learns whether its own entry was written: a failed write rejects the entries it
 * carried, and the API answers none of them.
 */
export function groupAudit(appendMany: (entries: AppendAuditInput[]) => Promise<unknown>, maxBatch = 500): (entry: AppendAuditInput) => Promise<void> {
  const queue: Array<{ entry: AppendAuditInput; resolve: () => void; reject: (error: unknown) => void }> = [];
  let writing = false;
  const drain = async () => {
    writing = true;
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      try {
        await appendMany(batch.map((b) => b.entry));
        for (const b of batch) b.resolve();
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
    writing = false;
  };
  return (entry) => new Promise<void>((resolve, reject) => {
    queue.push({ entry, resolve, reject });
    if (!writing) void drain();
  });
}
