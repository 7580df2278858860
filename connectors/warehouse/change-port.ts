import type { TableContract } from '../../contracts/contract.js';

/** Change capture (capability 'changeApply'): decoded change batches applied with their Kafka offsets. */

export interface KafkaOffset { topic: string; partition: number; nextOffset: string }

export interface ApplyChangesInput {
  domain: string;
  table: TableContract;
  sourceSystem: string;
  /**
   * Staged CSV of decoded changes: the contract columns (after image; key only for deletes), then
   * _op (c/u/d/r/t), _position (core/cdc/position.ts), _source_ts_ms, _kafka_partition, _kafka_offset.
   */
  file: string;
  /** Consumer name and where it continues: stored in the same transaction as the changes. */
  consumer: string;
  offsets: KafkaOffset[];
}

/** One table's batch of a grouped write (applyChangeSets). */
export type ChangeSet = Omit<ApplyChangesInput, 'consumer'>;

export interface ApplyChangeSetsInput {
  consumer: string;
  /** In the order they apply; a table (or a topic partition) may appear more than once. */
  sets: ChangeSet[];
}

export interface ApplyChangesResult {
  changes: number;
  /** True when these offsets were already stored (a retry after the commit): nothing changed. */
  alreadyApplied: boolean;
}

export interface ChangeApply {
  /** One transaction: append to the change log, merge the newest change per key, store the offsets. */
  applyChanges(input: ApplyChangesInput): Promise<ApplyChangesResult>;
  /**
   * Optional: the batches of several tables in one write, all or none (a failure of a commit itself
   * may leave some sets applied, each with its offsets, which a retry then skips), each set's
   * offsets checked and stored as applyChanges does (a set already applied is skipped). Results in
   * set order.
   * An adapter whose tables write independently (BigQuery: a MERGE per table) leaves it out.
   */
  applyChangeSets?(input: ApplyChangeSetsInput): Promise<ApplyChangesResult[]>;
  /** Where a consumer continues, per topic and partition (empty for a new consumer). */
  consumerOffsets(input: { consumer: string }): Promise<KafkaOffset[]>;
}

/** A consumer's stored offsets as a warehouse reads them back, one per topic and partition. */
export class StoredOffsets {
  private readonly next = new Map<string, bigint>();

  constructor(rows: Iterable<KafkaOffset>) {
    for (const row of rows) this.next.set(partitionKey(row), BigInt(row.nextOffset));
  }

  /**
   * True when a batch's offsets are all stored already (a retry after its commit): its changes are
   * in the warehouse and must not apply twice. A batch without offsets is never taken as applied.
   */
  covers(offsets: readonly KafkaOffset[]): boolean {
    return offsets.length > 0 && offsets.every((o) => (this.next.get(partitionKey(o)) ?? -1n) >= BigInt(o.nextOffset));
  }

  list(): KafkaOffset[] {
    return [...this.next.entries()].map(([key, next]) => {
      const at = key.lastIndexOf(':');
      return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)), nextOffset: String(next) };
    });
  }
}

function partitionKey(o: Pick<KafkaOffset, 'topic' | 'partition'>): string {
  return `${o.topic}:${o.partition}`;
}
