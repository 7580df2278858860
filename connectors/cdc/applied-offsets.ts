import type { Admin } from 'kafkajs';

/**
 * What change capture has applied, readable from the broker alone, so anyone can read the lag at the
 * moment they ask — the CLI, with the worker dead. Each pipeline consumes in a group of its own,
 * `<consumer>.<8 hex>` (a fresh one per pipeline: no stale members to wait out), and commits there
 * the offsets it has applied, after the warehouse transaction that stores them. The warehouse keeps
 * the real offsets; the committed ones are at most a moment behind, so the lag read from them can be
 * a little too high, never too low. A new pipeline starts its group at the warehouse's offsets,
 * which are never behind an earlier group's: the furthest offset over the consumer's groups is the
 * applied one.
 */

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The consumer groups of a change capture's pipelines, past and present. */
export async function pipelineGroups(admin: Admin, consumer: string): Promise<string[]> {
  const pattern = new RegExp(`^${escaped(consumer)}\\.[0-9a-f]{8}$`);
  return (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => pattern.test(id));
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** The broker's end offset (next offset to be written). */
  end: string;
  /** Next offset to apply, as committed; the partition's start when nothing was applied yet. */
  applied: string;
  lag: number;
}

export interface LiveLag {
  /** When the broker was asked. */
  asOf: string;
  lag: number;
  partitions: PartitionLag[];
}

/** Lag per partition of the topics: the broker's end offsets now minus the applied offsets committed. */
export async function liveLag(admin: Admin, consumer: string, topics: readonly string[]): Promise<LiveLag> {
  const asOf = new Date().toISOString();
  const existing = new Set(await admin.listTopics());
  const present = topics.filter((t) => existing.has(t));
  const appliedAt = new Map<string, bigint>();
  for (const groupId of present.length ? await pipelineGroups(admin, consumer) : []) {
    for (const t of await admin.fetchOffsets({ groupId, topics: present })) {
      for (const p of t.partitions) {
        // '-1': nothing committed for the partition in that group.
        if (p.offset === '-1') continue;
        const key = `${t.topic}:${p.partition}`;
        const offset = BigInt(p.offset);
        if (offset > (appliedAt.get(key) ?? -1n)) appliedAt.set(key, offset);
      }
    }
  }
  const partitions: PartitionLag[] = [];
  for (const topic of present) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      // Nothing committed yet: everything the topic still holds is unapplied.
      const applied = appliedAt.get(`${topic}:${p.partition}`)?.toString() ?? p.low;
      partitions.push({ topic, partition: p.partition, end: p.high, applied, lag: Math.max(0, Number(BigInt(p.high) - BigInt(applied))) });
    }
  }
  return { asOf, lag: partitions.reduce((n, p) => n + p.lag, 0), partitions };
}
