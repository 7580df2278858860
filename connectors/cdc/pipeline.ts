import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { basename, join } from 'node:path';
import type { Admin, Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { AcceptedSchemaChange, SchemaChange } from '../../core/cdc/schema-change.js';
import type { EnvelopeFormat } from '../../core/cdc/adapter.js';
import type { DecimalMode } from '../../core/cdc/logical-types.js';
import type { TableContract } from '../../contracts/contract.js';
import type { ChangeApply, ChangeSet, KafkaOffset } from '../warehouse/port.js';
import { boundedBatches } from './bounded-batches.js';
import { addFreshness, emptyFreshness, mergeFreshness, type ChangeTiming, type FreshnessSamples } from '../../core/cdc/freshness.js';
import type { DecodedBatch } from './decode-batch.js';
import { openDecoder, type Decoder } from './decode-thread.js';

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
  /** How the source sends DECIMAL values (FACTORY_CDC_DECIMAL_MODE); default precise. */
  decimalMode?: DecimalMode;
  /** Which product writes the topic's records (FACTORY_CDC_FORMATS); default Debezium. */
  format?: EnvelopeFormat;
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
  /** Per applied change: source commit → warehouse commit, capture and ingest delay (core/cdc/freshness.ts). */
  freshness: FreshnessSamples;
  /** Warehouse transactions (one MERGE each on BigQuery): batches waiting together share one. */
  writes: number;
}

export function emptyStats(): IngestStats {
  return { events: 0, applied: 0, tombstones: 0, deadLettered: 0, paused: [], addedColumns: {}, lastPosition: {}, freshness: emptyFreshness(), writes: 0 };
}

export interface PipelineOptions {
  kafka: Kafka;
  warehouse: ChangeApply;
  consumer: string;
  topics: CaptureTopic[];
  stagingDir: string;
  /** Dead-letter topic for an input topic. */
  deadLetterTopic?: (topic: string) => string;
  /** See `key`; defaults to the sorted topics. */
  key?: string;
  /** retention.ms of a change topic this pipeline creates (FACTORY_CDC_TOPIC_RETENTION_HOURS); unset: the broker's default. */
  topicRetentionMs?: number;
  /** Told of every committed warehouse write, as it commits (metrics move during a run, not only at its end). */
  onCommit?: (run: CommittedRun) => void;
}

/** One committed warehouse write of change capture: counts and ages, no event contents. */
export interface CommittedRun {
  domain: string;
  table: string;
  topic: string;
  partition: number;
  events: number;
  applied: number;
  deadLettered: number;
  /** Ages of the write's applied changes: source commit → commit, capture delay, ingest delay. */
  freshness: FreshnessSamples;
}

/**
 * The consumer settings of the ingest pipeline (the bench's bare consumer uses the same). Large
 * fetches make large micro-batches when the stream is behind: each warehouse transaction has a fixed
 * cost (measured: DuckDB CPU per event 30 µs at 2,000 events a batch, 13 µs at 16,000), so a backlog
 * drains in fewer, larger ones. 48 MB stays below the broker's fetch.max.bytes (55 MB). A stream that
 * keeps up gets small batches anyway: a fetch returns as soon as there is data.
 */
export const ingestFetchSettings = {
  sessionTimeout: 15_000, heartbeatInterval: 1000, maxWaitTimeInMs: 50,
  maxBytesPerPartition: 48 * 1024 * 1024, maxBytes: 64 * 1024 * 1024,
} as const;

export class IngestPipeline {
  private readonly byTopic: Map<string, CaptureTopic>;
  private consumerClient?: Consumer;
  private producer?: Producer;
  private admin?: Admin;
  private decoder?: Decoder;
  private leased = false;
  private stats = emptyStats();
  private readonly pausedTopics = new Set<string>();
  private inFlight = 0;
  private failure?: Error;
  /**
   * The last queued warehouse write. Writes are chained, so they commit in offset order, while
   * the next batches are fetched and decoded (DuckDB works on its own threads): up to
   * MAX_QUEUED_WRITES batches a table wait behind the one being written. Never rejects: a failed write is
   * recorded in `failure`, and the writes queued behind it do nothing.
   */
  private applying: Promise<void> = Promise.resolve();
  private readonly queuedWrites = new Set<Promise<void>>();
  /** Batches fetched and handed to the decoder, not yet written, in fetch order. */
  private readonly waiting: WaitingBatch[] = [];
  /** Applied offsets not yet mirrored to Kafka (applied-offsets.ts), and the mirror write in flight. */
  private readonly unmirrored = new Map<string, KafkaOffset>();
  private mirroring: Promise<void> | undefined;

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
    // The same retention as the capture gives the topics it creates, whichever of the two comes first.
    const configEntries = this.options.topicRetentionMs !== undefined ? [{ name: 'retention.ms', value: String(this.options.topicRetentionMs) }] : [];
    // Only the missing ones: kafkajs logs the broker's "already exists" answer as an ERROR line, which
    // every run after the first would otherwise print for every topic.
    const existing = new Set(await this.admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length) await this.admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: 1, configEntries })), waitForLeaders: true });
    // A fresh group per pipeline: no stale members of a killed process to wait out.
    const groupId = `${consumer}.${randomUUID().slice(0, 8)}`;
    const stored = (await warehouse.consumerOffsets({ consumer })).filter((o) => this.byTopic.has(o.topic));
    this.decoder = openDecoder(new Map(this.options.topics.map((t) => [t.topic, {
      domain: t.domain, table: t.table, ...(t.accepted ? { accepted: t.accepted } : {}), ...(t.decimalMode ? { decimalMode: t.decimalMode } : {}), ...(t.format ? { format: t.format } : {}),
    }])));
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    this.consumerClient = kafka.consumer({ groupId, ...ingestFetchSettings, retry: { retries: 10 } });
    await this.consumerClient.connect();
    await this.consumerClient.subscribe({ topics, fromBeginning: true });
    const running = this.consumerClient.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    // Our offsets (from the warehouse), before the first fetch: kafkajs applies seeks at the start of
    // every fetch and drops a fetch answer that a seek overtook. (admin.setOffsets on the fresh group
    // would join it once per topic, about two seconds each: 20 s of set-up for a domain of ten tables.)
    for (const o of stored) this.consumerClient.seek({ topic: o.topic, partition: o.partition, offset: o.nextOffset });
    await running;
    // The group's committed offsets start where the warehouse's are (a rejoin resumes there; status reads them).
    this.mirror(stored);
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
    while (this.mirroring) await this.mirroring;
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

  /**
   * Whether the next run may lease this pipeline again. Not after a failure, nor once a table paused:
   * its Kafka position has moved past the breaking event, and a run that did not report the pause
   * (cancelled, retried) must meet the event again from the stored offsets.
   */
  get reusable(): boolean {
    return !this.failure && this.pausedTopics.size === 0;
  }

  async stop(): Promise<void> {
    this.leased = false;
    await this.consumerClient?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
    await this.decoder?.close().catch(() => undefined);
  }

  private async handleBatch({ batch, heartbeat, resolveOffset, isRunning, isStale }: EachBatchPayload): Promise<void> {
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
      await this.applyBatch(capture, batch.topic, batch.partition, batch.messages, resolveOffset, heartbeat);
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

  /**
   * Hands the batch to the decode thread and queues its warehouse write behind the ones before it,
   * then returns, so Kafka fetches the next batch while this one is decoded and written.
   */
  private async applyBatch(
    capture: CaptureTopic, topic: string, partition: number, messages: EachBatchPayload['batch']['messages'], resolveOffset: (offset: string) => void, heartbeat: () => Promise<void>,
  ): Promise<void> {
    // Back-pressure: fetching runs at most MAX_QUEUED_WRITES batches a table ahead of the warehouse
    // (a fetch answers with a batch per table: about two fetches wait, whatever the table count).
    // Counted in batches waiting, not in write steps: a step that took the batches of later steps
    // leaves those steps with nothing to do, and counting steps then let one batch wait at a time.
    // Writes complete in order, so the first in the set is the oldest. kafkajs heartbeats only
    // between fetches: while a slow write (a MERGE under load) holds this batch, heartbeat here, or
    // the broker ends the group session and the run fails on its next commit.
    while (this.waiting.length >= MAX_QUEUED_WRITES * this.byTopic.size) {
      await Promise.race([this.queuedWrites.values().next().value, sleep(ingestFetchSettings.heartbeatInterval)]);
      await heartbeat();
    }
    if (this.failure) throw this.failure;
    const last = messages[messages.length - 1]!.offset;
    const file = join(this.options.stagingDir, `cdc-${topic}-${partition}-${last}.csv`);
    const decoding = this.decoder!.decode(topic, partition, messages, file);
    decoding.catch(() => undefined); // awaited in order below
    this.waiting.push({ capture, topic, partition, messages, decoding, file });
    const stats = this.stats;
    // Each write step takes the batches waiting at its turn (see takeRun): a step whose batch an
    // earlier step took along has nothing left to do.
    const write: Promise<void> = this.applying
      .then(() => this.writeWaiting(stats))
      .catch((error: unknown) => this.fail(error))
      .finally(() => { this.queuedWrites.delete(write); });
    this.applying = write;
    this.queuedWrites.add(write);
    // Kafka's in-memory position only: what is committed is the offset stored with the changes. A
    // table that pauses leaves this pipeline (the next run builds one without it, from stored offsets).
    resolveOffset(last);
  }

  /**
   * Commits applied offsets in this pipeline's consumer group, for status readers
   * (applied-offsets.ts), one commit at a time: offsets applied while one is in flight go in the
   * next. A failed commit is not the pipeline's failure (the warehouse holds the real offsets);
   * readers then see more lag than there is, never less.
   */
  private mirror(offsets: readonly KafkaOffset[]): void {
    for (const o of offsets) this.unmirrored.set(`${o.topic}:${o.partition}`, o);
    const consumer = this.consumerClient;
    if (this.mirroring || this.unmirrored.size === 0 || !consumer) return;
    const batch = [...this.unmirrored.values()];
    this.unmirrored.clear();
    this.mirroring = consumer.commitOffsets(batch.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.nextOffset })))
      .catch(() => undefined)
      .finally(() => {
        this.mirroring = undefined;
        this.mirror([]);
      });
  }

  /**
   * Under backlog batches queue behind a slow warehouse write (a BigQuery MERGE takes seconds):
   * the next write takes the waiting batches of the first one's topic and partition together, so a
   * table gets one transaction (one MERGE) for all of them instead of one each — fewer mutating
   * statements per table, and the fixed cost of a transaction paid once. Batches of other tables
   * may sit between them (a fetch answers for every partition): they keep their order and wait for
   * the next write. Order matters only within a partition, whose offsets each write stores.
   */
  private takeRun(): WaitingBatch[] {
    const first = this.waiting[0];
    if (!first) return [];
    const run: WaitingBatch[] = [];
    const rest: WaitingBatch[] = [];
    for (const b of this.waiting) (b.topic === first.topic && b.partition === first.partition ? run : rest).push(b);
    this.waiting.splice(0, this.waiting.length, ...rest);
    return run;
  }

  /**
   * One warehouse write: the waiting batches of the first table, or, when the warehouse applies
   * several tables in one write, all or none (ChangeApply.applyChangeSets), of every table waiting. Each
   * topic partition's batches stay together and in order (see takeRun).
   */
  private async writeWaiting(stats: IngestStats): Promise<void> {
    const runs: WaitingBatch[][] = [];
    const grouped = this.options.warehouse.applyChangeSets !== undefined;
    for (let run = this.takeRun(); run.length > 0; run = grouped ? this.takeRun() : []) runs.push(run);
    if (runs.length === 0) return;
    const files = runs.flat().map((b) => b.file);
    try {
      const staged: StagedRun[] = [];
      for (const run of runs) {
        const ready = await this.prepareRun(run, files, stats);
        if (ready) staged.push(ready);
      }
      await this.commitRuns(staged, stats);
    } finally {
      await Promise.all(files.map((f) => rm(f, { force: true }).catch(() => undefined)));
    }
  }

  /**
   * A run decoded, cut at its first pause, its files joined into one (added to `files`, which the
   * caller removes) and staged; undefined when nothing of it commits.
   */
  private async prepareRun(run: WaitingBatch[], files: string[], stats: IngestStats): Promise<StagedRun | undefined> {
    const decoded = await Promise.all(run.map((b) => b.decoding));
    // A batch fetched after its table paused, or behind a failed write: nothing of it commits.
    if (this.failure || this.pausedTopics.has(run[0]!.topic)) return undefined;
    // A pause inside the run ends it: the batches after it are not applied.
    const pausedAt = decoded.findIndex((d) => d.paused);
    const taken = pausedAt < 0 ? run.length : pausedAt + 1;
    const file = taken === 1 ? run[0]!.file : join(this.options.stagingDir, `${basename(run[taken - 1]!.file, '.csv')}-from-${run[0]!.messages[0]!.offset}.csv`);
    if (taken > 1) {
      files.push(file);
      await concatFiles(run.slice(0, taken).map((b) => b.file), file);
    }
    return this.stageRun(run.slice(0, taken).map((b, i) => ({ ...b, decoded: decoded[i]! })), file, stats);
  }

  /**
   * Before the warehouse write: a pause the run ends with, its counts, and its dead letters (sent
   * first: a crash before the commit replays the run, and the dead-letter topic may then hold an
   * event twice, never lose one). Undefined when nothing of the run is left to apply.
   */
  private async stageRun(run: Array<WaitingBatch & { decoded: DecodedBatch }>, file: string, stats: IngestStats): Promise<StagedRun | undefined> {
    const { capture, topic, partition } = run[0]!;
    const qualified = `${capture.domain}.${capture.table.name}`;
    let lastOffset: string | undefined;
    let deadLettered = 0;
    for (const { messages, decoded } of run) {
      if (decoded.paused) {
        this.pausedTopics.add(topic);
        this.consumerClient?.pause([{ topic }]);
        stats.paused.push({ table: qualified, topic, ...decoded.paused });
      }
      if (decoded.lastOffset === undefined) continue;
      lastOffset = decoded.lastOffset;
      stats.events += decoded.events;
      stats.tombstones += decoded.tombstones;
      if (decoded.addedColumns) stats.addedColumns[qualified] = decoded.addedColumns;
      if (decoded.deadLetters.length) {
        const deadLetters = decoded.deadLetters.map(({ index, reason }) => {
          const message = messages[index]!;
          return { key: message.key, value: message.value, headers: { 'factory.reason': reason, 'factory.topic': topic, 'factory.partition': String(partition), 'factory.offset': message.offset } };
        });
        // In sends the broker takes: a batch of poison events can be larger than one record batch may be.
        for (const messages of boundedBatches(deadLetters)) await this.producer!.send({ topic: this.deadLetterTopicOf(topic), acks: -1, messages });
        stats.deadLettered += deadLetters.length;
        deadLettered += deadLetters.length;
      }
    }
    if (lastOffset === undefined) return undefined;
    const offsets: KafkaOffset[] = [{ topic, partition, nextOffset: (BigInt(lastOffset) + 1n).toString() }];
    return { run, deadLettered, set: { domain: capture.domain, table: capture.table, sourceSystem: capture.sourceSystem, file, offsets } };
  }

  /** The staged runs' changes and the offsets after them in one warehouse transaction, then their counts and ages. */
  private async commitRuns(staged: StagedRun[], stats: IngestStats): Promise<void> {
    if (staged.length === 0) return;
    const { warehouse, consumer } = this.options;
    if (warehouse.applyChangeSets) await warehouse.applyChangeSets({ consumer, sets: staged.map((r) => r.set) });
    else for (const { set } of staged) await warehouse.applyChanges({ ...set, consumer });
    const committedAt = Date.now();
    stats.writes += warehouse.applyChangeSets ? 1 : staged.length;
    this.mirror(staged.flatMap((r) => r.set.offsets));
    for (const { run, deadLettered } of staged) {
      const { capture, topic, partition } = run[0]!;
      const qualified = `${capture.domain}.${capture.table.name}`;
      const committed: CommittedRun = { domain: capture.domain, table: capture.table.name, topic, partition, events: 0, applied: 0, deadLettered, freshness: emptyFreshness() };
      for (const { messages, decoded } of run) {
        // Only the changes staged (not tombstones or dead letters, nor the events after a pause).
        const timings = decoded.changeIndexes.map((index, n): ChangeTiming => ({ sourceTsMs: decoded.sourceTsMs[n] ?? null, kafkaTsMs: Number(messages[index]!.timestamp) }));
        addFreshness(committed.freshness, timings, committedAt);
        committed.events += decoded.events;
        committed.applied += decoded.changes;
        if (decoded.lastPosition) stats.lastPosition[qualified] = decoded.lastPosition;
      }
      mergeFreshness(stats.freshness, committed.freshness);
      stats.applied += committed.applied;
      this.options.onCommit?.(committed);
    }
  }
}

/** A run made ready for the warehouse: its batches, the dead letters it sent, and what the warehouse applies. */
interface StagedRun {
  run: Array<WaitingBatch & { decoded: DecodedBatch }>;
  deadLettered: number;
  set: ChangeSet;
}

interface WaitingBatch {
  capture: CaptureTopic;
  topic: string;
  partition: number;
  messages: EachBatchPayload['batch']['messages'];
  decoding: Promise<DecodedBatch>;
  /** The staged file the decoder writes. */
  file: string;
}

/** Appends the staged files in order (headerless CSV: concatenation is the combined batch). */
async function concatFiles(files: string[], target: string): Promise<void> {
  const out = createWriteStream(target);
  for (const file of files) await pipeline(createReadStream(file), out, { end: false });
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

/** Decoded batches per table that may wait behind the warehouse write in progress (each holds one staged file). */
const MAX_QUEUED_WRITES = 2;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
