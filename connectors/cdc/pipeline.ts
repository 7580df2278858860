import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Admin, Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { decodeRecord } from '../../core/cdc/decode.js';
import type { AcceptedSchemaChange, SchemaChange } from '../../core/cdc/schema-change.js';
import type { TableContract } from '../../domains/contract.js';
import type { KafkaOffset, Warehouse } from '../warehouse/port.js';
import { changeLine } from './batch-file.js';

/**
 * A running change-capture consumer for one set of topics. It lives as long as its process, so
 * consecutive ingest runs keep their group membership (no rebalance pause between runs); an
 * ingest run "leases" it and it applies batches only while leased. Offsets live in the warehouse,
 * written in the same transaction as the changes: a crash replays nothing twice and loses nothing.
 */

export interface CaptureTopic {
  topic: string;
  domain: string;
  table: TableContract;
  sourceSystem: string;
  /** Breaking changes the table's DPO accepted: decoded instead of pausing the table. */
  accepted?: AcceptedSchemaChange;
}

/** A table stopped at a breaking schema change, at the offset of the first event it could not apply. */
export interface PausedTable {
  table: string;
  topic: string;
  reason: string;
  offset: string;
  change: SchemaChange;
  /** Why accepting the source as it is would not make the events decodable (then the contract must change). */
  blockers: string[];
}

export interface IngestStats {
  events: number;
  applied: number;
  tombstones: number;
  deadLettered: number;
  /** Tables stopped at a breaking schema change: nothing after it applies until someone decides. */
  paused: PausedTable[];
  /** Added source columns seen (non-breaking drift), per table. */
  addedColumns: Record<string, string[]>;
  lastPosition: Record<string, string>;
  /** Kafka record time → committed in the warehouse, per event, in ms. */
  freshnessMs: number[];
}

export function emptyStats(): IngestStats {
  return { events: 0, applied: 0, tombstones: 0, deadLettered: 0, paused: [], addedColumns: {}, lastPosition: {}, freshnessMs: [] };
}

export interface PipelineOptions {
  kafka: Kafka;
  warehouse: Warehouse;
  consumer: string;
  topics: CaptureTopic[];
  stagingDir: string;
  /** Dead-letter topic for an input topic. */
  deadLetterTopic?: (topic: string) => string;
  /** See `key`; defaults to the sorted topics. */
  key?: string;
}

export class IngestPipeline {
  private readonly byTopic: Map<string, CaptureTopic>;
  private consumerClient?: Consumer;
  private producer?: Producer;
  private admin?: Admin;
  private leased = false;
  private stats = emptyStats();
  private readonly pausedTopics = new Set<string>();
  private inFlight = 0;
  private failure?: Error;
  /**
   * The last queued warehouse write. Writes are chained, so they commit in offset order, while
   * the next batches are fetched and decoded (DuckDB works on its own threads): up to
   * MAX_QUEUED_WRITES batches wait behind the one being written. Never rejects: a failed write is
   * recorded in `failure`, and the writes queued behind it do nothing.
   */
  private applying: Promise<void> = Promise.resolve();
  private readonly queuedWrites = new Set<Promise<void>>();

  constructor(private readonly options: PipelineOptions) {
    this.byTopic = new Map(options.topics.map((t) => [t.topic, t]));
  }

  /** What this pipeline was built for (topics and accepted changes): a run wanting something else builds a new one. */
  get key(): string {
    return this.options.key ?? [...this.byTopic.keys()].sort().join(',');
  }

  async start(): Promise<void> {
    const { kafka, warehouse, consumer } = this.options;
    this.admin = kafka.admin();
    await this.admin.connect();
    const topics = [...this.byTopic.keys()];
    await this.admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 1 })), waitForLeaders: true });
    // A fresh group per pipeline: no stale members of a killed process to wait out. Our offsets
    // (from the warehouse) are set on it before it joins.
    const groupId = `${consumer}.${randomUUID().slice(0, 8)}`;
    const stored = await warehouse.consumerOffsets({ consumer });
    for (const topic of topics) {
      const partitions = stored.filter((o) => o.topic === topic).map((o) => ({ partition: o.partition, offset: o.nextOffset }));
      if (partitions.length) await this.admin.setOffsets({ groupId, topic, partitions });
    }
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    // Large fetches make large micro-batches when the stream is behind: each warehouse transaction
    // has a fixed cost (measured: DuckDB CPU per event 30 µs at 2,000 events a batch, 13 µs at 16,000),
    // so a backlog drains in fewer, larger ones. 48 MB stays below the broker's fetch.max.bytes (55 MB).
    // A stream that keeps up gets small batches anyway: a fetch returns as soon as there is data.
    this.consumerClient = kafka.consumer({
      groupId, sessionTimeout: 15_000, heartbeatInterval: 1000, maxWaitTimeInMs: 50, retry: { retries: 10 },
      maxBytesPerPartition: 48 * 1024 * 1024, maxBytes: 64 * 1024 * 1024,
    });
    await this.consumerClient.connect();
    await this.consumerClient.subscribe({ topics, fromBeginning: true });
    await this.consumerClient.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  /** Starts applying batches; returns the stats of everything applied since the last lease. */
  lease(): void {
    if (this.failure) throw this.failure;
    this.stats = emptyStats();
    this.leased = true;
  }

  /** Stops applying after the batch in flight; returns what this lease did. */
  async release(): Promise<IngestStats> {
    this.leased = false;
    while (this.inFlight > 0) await sleep(20);
    await this.applying;
    if (this.failure) throw this.failure;
    return this.stats;
  }

  /** Messages behind per partition: high watermark minus where this consumer continues. */
  async lag(): Promise<Array<{ topic: string; partition: number; lag: number }>> {
    const stored = new Map((await this.options.warehouse.consumerOffsets({ consumer: this.options.consumer })).map((o) => [`${o.topic}:${o.partition}`, BigInt(o.nextOffset)]));
    const result: Array<{ topic: string; partition: number; lag: number }> = [];
    for (const topic of this.byTopic.keys()) {
      for (const p of await this.admin!.fetchTopicOffsets(topic)) {
        const next = stored.get(`${topic}:${p.partition}`) ?? BigInt(p.low);
        result.push({ topic, partition: p.partition, lag: Number(BigInt(p.high) - next) });
      }
    }
    return result;
  }

  /**
   * Events held in the dead-letter topics of this pipeline's topics, as Kafka stores them: a durable
   * count, unlike a run's own tally, which a killed worker takes with it.
   */
  async deadLetterTotal(): Promise<number> {
    const existing = new Set(await this.admin!.listTopics());
    let total = 0;
    for (const topic of this.byTopic.keys()) {
      const dlq = this.deadLetterTopicOf(topic);
      if (!existing.has(dlq)) continue;
      for (const p of await this.admin!.fetchTopicOffsets(dlq)) total += Number(BigInt(p.high) - BigInt(p.low));
    }
    return total;
  }

  private deadLetterTopicOf(topic: string): string {
    return (this.options.deadLetterTopic ?? ((t: string) => `${t}.dlq`))(topic);
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  async stop(): Promise<void> {
    this.leased = false;
    await this.consumerClient?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
  }

  private async handleBatch({ batch, heartbeat, resolveOffset, isRunning, isStale, pause }: EachBatchPayload): Promise<void> {
    // Not leased: hold the batch (keeping the group session alive) until a run takes over.
    while (!this.leased) {
      if (!isRunning() || isStale()) return;
      await heartbeat();
      await sleep(100);
    }
    if (this.pausedTopics.has(batch.topic) || batch.messages.length === 0) return;
    const capture = this.byTopic.get(batch.topic);
    if (!capture) return;
    this.inFlight++;
    try {
      await this.applyBatch(capture, batch.topic, batch.partition, batch.messages, resolveOffset, pause);
      await heartbeat();
    } catch (error) {
      this.fail(error);
      throw error;
    } finally {
      this.inFlight--;
    }
  }

  /** The warehouse or Kafka failed: stop this pipeline; the run fails and a new one resumes from stored offsets. */
  private fail(error: unknown): void {
    this.failure ??= error instanceof Error ? error : new Error(String(error));
    this.leased = false;
  }

  private async applyBatch(
    capture: CaptureTopic,
    topic: string,
    partition: number,
    messages: EachBatchPayload['batch']['messages'],
    resolveOffset: (offset: string) => void,
    pause: () => () => void,
  ): Promise<void> {
    const columns = capture.table.columns.map((c) => c.name);
    const qualified = `${capture.domain}.${capture.table.name}`;
    let csv = '';
    let changes = 0;
    let lastOffset: string | undefined;
    let lastPosition: string | undefined;
    const deadLetters: Array<{ key: Buffer | null; value: Buffer | null; headers: Record<string, string> }> = [];
    for (const message of messages) {
      const result = decodeRecord(
        { topic, partition, offset: message.offset, key: message.key, value: message.value, timestamp: message.timestamp },
        { domain: capture.domain, table: capture.table, ...(capture.accepted ? { accepted: capture.accepted } : {}) },
      );
      if (result.kind === 'schema-change') {
        // Everything up to the breaking event applies; the table then waits for a decision.
        this.pausedTopics.add(topic);
        this.stats.paused.push({ table: qualified, topic, reason: result.reason, offset: message.offset, change: result.schemaChange, blockers: result.blockers });
        pause();
        break;
      }
      this.stats.events++;
      lastOffset = message.offset;
      if (result.kind === 'tombstone') {
        this.stats.tombstones++;
      } else if (result.kind === 'failure') {
        deadLetters.push({
          key: message.key,
          value: message.value,
          headers: { 'factory.reason': result.reason, 'factory.topic': topic, 'factory.partition': String(partition), 'factory.offset': message.offset },
        });
      } else {
        csv += changeLine(columns, result.change);
        changes++;
        lastPosition = result.change.position;
        if (result.change.addedColumns.length) this.stats.addedColumns[qualified] = result.change.addedColumns;
      }
    }
    if (lastOffset === undefined) return;
    if (deadLetters.length) {
      const dlq = this.deadLetterTopicOf(topic);
      await this.producer!.send({ topic: dlq, acks: -1, messages: deadLetters });
      this.stats.deadLettered += deadLetters.length;
    }
    const offsets: KafkaOffset[] = [{ topic, partition, nextOffset: (BigInt(lastOffset) + 1n).toString() }];
    const file = join(this.options.stagingDir, `cdc-${topic}-${partition}-${lastOffset}.csv`);
    await writeFile(file, csv);
    // Back-pressure: fetching and decoding run at most MAX_QUEUED_WRITES batches ahead of the warehouse.
    // Writes complete in order, so the first in the set is the oldest.
    while (this.queuedWrites.size > MAX_QUEUED_WRITES) await this.queuedWrites.values().next().value;
    if (this.failure) {
      await rm(file, { force: true });
      throw this.failure;
    }
    const applied = lastOffset;
    const timestamps = messages.filter((m) => BigInt(m.offset) <= BigInt(applied)).map((m) => Number(m.timestamp));
    const stats = this.stats;
    const write: Promise<void> = this.applying
      .then(async () => {
        if (this.failure) return;
        await this.options.warehouse.applyChanges({ domain: capture.domain, table: capture.table, sourceSystem: capture.sourceSystem, file, consumer: this.options.consumer, offsets });
        const committedAt = Date.now();
        for (const t of timestamps) stats.freshnessMs.push(committedAt - t);
        stats.applied += changes;
        if (lastPosition) stats.lastPosition[qualified] = lastPosition;
      })
      .catch((error: unknown) => this.fail(error))
      .finally(async () => {
        this.queuedWrites.delete(write);
        await rm(file, { force: true }).catch(() => undefined);
      });
    this.applying = write;
    this.queuedWrites.add(write);
    // Kafka's in-memory position only: what is committed is the offset stored with the changes.
    resolveOffset(lastOffset);
  }
}

/** Decoded batches that may wait behind the warehouse write in progress (each holds one staged file). */
const MAX_QUEUED_WRITES = 2;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
