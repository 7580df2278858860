import type { Message, Producer } from 'kafkajs';
import type { IngestPipeline } from '../../connectors/cdc/pipeline.js';
import { percentiles, type FreshnessSamples } from '../../core/cdc/freshness.js';
import { bookingFix } from '../../test/support/cdc-contracts.js';
import { addChecksums, canonicalRowText, checksumColumnsOf, rowHash } from '../../core/checksum.js';
import { changeEvent, type BenchRow } from './debezium-events.js';

/** The table of the captured fixture events the benchmark's events are built on. */
const table = bookingFix;

export interface WorkloadOptions {
  /**
   * Every n-th row image breaks a rule of the quality benchmark's contract (alternately an unknown
   * channel code and a negative amount); 0, the default, makes none. Takes no random draws, so a
   * workload without flaws produces the same stream as before.
   */
  flawEvery?: number;
}

/** The changes a run makes, and the state the warehouse must end in. */
export class Workload {
  private nextId = 1;
  private lsn = 1_000_000n;
  private readonly live: number[] = [];
  readonly state = new Map<number, BenchRow | null>();
  private seed = 42;
  private images = 0;
  /** Row images made with a flaw. */
  flawed = 0;

  constructor(private readonly options: WorkloadOptions = {}) {}

  private random(): number {
    this.seed = (this.seed * 1103515245 + 12345) % 2147483648;
    return this.seed / 2147483648;
  }

  next(): { key: string; value: string } {
    const lastCommit = this.lsn;
    this.lsn += 64n;
    const pick = this.random();
    if (pick < 0.6 || this.live.length < 100) {
      const row = this.row(this.nextId++);
      this.live.push(row.id);
      this.state.set(row.id, row);
      return changeEvent('c', row, this.lsn, lastCommit);
    }
    const at = Math.floor(this.random() * this.live.length);
    const id = this.live[at]!;
    if (pick < 0.9) {
      const row = this.row(id);
      this.state.set(id, row);
      return changeEvent('u', row, this.lsn, lastCommit);
    }
    this.live[at] = this.live[this.live.length - 1]!;
    this.live.pop();
    const row = this.state.get(id)!;
    this.state.set(id, null);
    return changeEvent('d', row, this.lsn, lastCommit);
  }

  private row(id: number): BenchRow {
    const r = this.random();
    const row: BenchRow = {
      id,
      channel: ['WEB', 'AG ', 'TEL'][Math.floor(r * 3)]!,
      amountUnscaled: BigInt(Math.floor(r * 1e12)) * 1000n - 5000n,
      updatedMicros: 1_700_000_000_000_000 + Math.floor(r * 1e12),
      arrivalDays: 19_000 + Math.floor(r * 1000),
      note: r < 0.2 ? null : r < 0.3 ? '' : `note ${id}`,
      bookDateNum: 20240101 + Math.floor(r * 27),
      active: r > 0.5,
    };
    const every = this.options.flawEvery ?? 0;
    if (every > 0 && ++this.images % every === 0) {
      this.flawed++;
      if (this.flawed % 2) row.channel = 'ZZZ';
      else row.amountUnscaled = -row.amountUnscaled - 1n;
    }
    return row;
  }

  /** Expected count and checksum of the live rows, computed in JS from the same canonical text. */
  expected(): { rows: number; checksum: string } {
    const columns = checksumColumnsOf(table);
    let checksum = '0';
    let rows = 0;
    for (const row of this.state.values()) {
      if (!row) continue;
      rows++;
      checksum = addChecksums(checksum, rowHash(canonicalRowText(columns, stagedValues(row))).toString());
    }
    return { rows, checksum };
  }
}

function stagedValues(row: BenchRow): unknown[] {
  const negative = row.amountUnscaled < 0n;
  const digits = (negative ? -row.amountUnscaled : row.amountUnscaled).toString().padStart(9, '0');
  const amount = `${negative ? '-' : ''}${digits.slice(0, -8)}.${digits.slice(-8)}`;
  const ts = new Date(Math.floor(row.updatedMicros / 1000)).toISOString().replace('T', ' ').slice(0, 19) + `.${String(row.updatedMicros % 1_000_000).padStart(6, '0')}`;
  const date = new Date(row.arrivalDays * 86_400_000).toISOString().slice(0, 10);
  return [String(row.id), row.channel, amount, ts, date, row.note, String(row.bookDateNum), row.active ? 't' : 'f'];
}

/**
 * Produces `rate` events/s for `seconds`, each from `next` (its topic and message), in 20 ms ticks
 * sent a tick ahead; returns the events sent. Kafka takes at most 1 MB a record batch: at ~4 KB an
 * event, a request carries at most 100 events a topic.
 */
export async function produceAtRate(producer: Producer, rate: number, seconds: number, next: () => { topic: string; message: Message }): Promise<number> {
  const tickMs = 20;
  const perTick = rate * (tickMs / 1000);
  const started = Date.now();
  let sent = 0;
  while (Date.now() - started < seconds * 1000) {
    const due = Math.floor(((Date.now() - started) / 1000) * rate + perTick) - sent;
    const byTopic = new Map<string, Message[]>();
    for (let k = 0; k < due; k++) {
      const { topic, message } = next();
      const messages = byTopic.get(topic);
      if (messages) messages.push(message);
      else byTopic.set(topic, [message]);
    }
    for (let at = 0; ; at += 100) {
      const topicMessages = [...byTopic].map(([topic, messages]) => ({ topic, messages: messages.slice(at, at + 100) })).filter((t) => t.messages.length > 0);
      if (topicMessages.length === 0) break;
      await producer.sendBatch({ acks: 1, topicMessages });
    }
    sent += Math.max(0, due);
    await new Promise((r) => setTimeout(r, tickMs));
  }
  return sent;
}

/** Produces `count` events of the workload as fast as the broker takes them. */
export async function produceBacklog(producer: Producer, topic: string, workload: Workload, count: number): Promise<void> {
  // Kafka takes at most 1 MB a request: at ~4 KB an event, 100 events a send.
  for (let sent = 0; sent < count; sent += 100) {
    await producer.send({ topic, acks: 1, messages: Array.from({ length: Math.min(100, count - sent) }, () => workload.next()) });
  }
}

/** Waits until the pipeline's lag over all its partitions is at most `zeroOrBelow`, looking every `pollMs`. */
export async function waitForLag(pipeline: IngestPipeline, zeroOrBelow: number, timeoutMs: number, pollMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await pipeline.lag()).reduce((n, l) => n + l.lag, 0) > zeroOrBelow) {
    if (pipeline.failed) throw pipeline.failed;
    if (Date.now() > deadline) throw new Error(`lag did not drain within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * The freshness keys of a change-capture bench line: source commit → warehouse commit (end to end),
 * and its parts, capture delay (→ Kafka record) and ingest delay (Kafka record → warehouse commit,
 * what `p50_freshness_ms` measured before). null: nothing measured, never 0.
 */
export function freshnessKeys(samples: FreshnessSamples) {
  const [e2e, capture, ingest] = [samples.endToEndMs, samples.captureDelayMs, samples.ingestDelayMs].map(percentiles);
  return {
    p50_e2e_freshness_ms: e2e?.p50Ms ?? null,
    p99_e2e_freshness_ms: e2e?.p99Ms ?? null,
    p50_capture_delay_ms: capture?.p50Ms ?? null,
    p99_capture_delay_ms: capture?.p99Ms ?? null,
    p50_ingest_delay_ms: ingest?.p50Ms ?? null,
    p99_ingest_delay_ms: ingest?.p99Ms ?? null,
    changes_without_source_time: samples.withoutSourceTime,
  };
}
