import { mkdir } from 'node:fs/promises';
import { Context, CancelledFailure } from '@temporalio/activity';
import type { Kafka } from 'kafkajs';
import { IngestPipeline, type CaptureTopic, type IngestStats } from '../../connectors/cdc/pipeline.js';
import { percentiles, type Percentiles } from '../../core/cdc/freshness.js';
import type { AcceptedSchemaChange } from '../../core/cdc/schema-change.js';
import type { EnvelopeFormat } from '../../core/cdc/adapter.js';
import type { DecimalMode } from '../../core/cdc/logical-types.js';
import type { ApplyChangeSetsInput, ChangeApply, ChangeSet } from '../../connectors/warehouse/port.js';
import type { ServingStoreWrites } from '../../connectors/serving-store/store.js';
import { topicOf } from '../../connectors/kafka-connect/debezium.js';
import type { DomainRegistry } from '../../domains/registry.js';
import { noMetrics, type FactoryMetrics } from '../lib/metrics.js';

export interface CdcActivityDeps {
  registry: DomainRegistry;
  warehouse: ChangeApply;
  kafka: Kafka;
  stagingDir: string;
  topicPrefix: string;
  /** FACTORY_CDC_DECIMAL_MODE: how the source's connector sends DECIMAL values (default precise). */
  decimalMode?: DecimalMode;
  /** FACTORY_CDC_FORMATS: the product writing each source system's topics; a system not listed: Debezium. */
  formats?: Record<string, EnvelopeFormat>;
  /** FACTORY_CDC_TOPIC_RETENTION_HOURS for the change topics a pipeline creates. */
  topicRetentionHours?: number;
  metrics?: FactoryMetrics;
  /** The serving store: batches of tables served in real time are applied there too (withServingStore). */
  serving?: ServingStoreWrites | undefined;
}

/**
 * The warehouse's change apply, with each batch of a served table applied to the serving store
 * first. First, because the warehouse stores the Kafka offsets with the changes: a crash between
 * the two then replays the batch (the store's position guard makes the second apply a no-op),
 * whereas store-after-warehouse would lose the batch for the store. Both follow the same positions,
 * so the store takes the backfill → change-capture handover exactly as the warehouse does.
 */
export function withServingStore(warehouse: ChangeApply, serving: ServingStoreWrites | undefined): ChangeApply {
  if (!serving) return warehouse;
  const serve = async (set: ChangeSet): Promise<void> => {
    if (serving.serves(`${set.domain}.${set.table.name}`)) await serving.applyChanges({ domain: set.domain, table: set.table, file: set.file });
  };
  const grouped = warehouse.applyChangeSets?.bind(warehouse);
  return {
    async applyChanges(input) {
      await serve(input);
      return warehouse.applyChanges(input);
    },
    ...(grouped ? {
      async applyChangeSets(input: ApplyChangeSetsInput) {
        for (const set of input.sets) await serve(set);
        return grouped(input);
      },
    } : {}),
    consumerOffsets: (input) => warehouse.consumerOffsets(input),
  };
}

export interface IngestRunInput {
  consumer: string;
  /** Qualified tables '<domain>.<table>' to follow (paused tables left out). */
  tables: string[];
  runSeconds: number;
  /** Breaking schema changes the DPO accepted, per qualified table. */
  accepted?: Record<string, AcceptedSchemaChange>;
}

export interface IngestRunResult {
  events: number;
  applied: number;
  tombstones: number;
  deadLettered: number;
  /** All events ever dead-lettered for these topics (read from Kafka, so it survives a killed worker). */
  deadLetterTotal?: number;
  paused: IngestStats['paused'];
  addedColumns: Record<string, string[]>;
  lastPosition: Record<string, string>;
  lag: Array<{ topic: string; partition: number; lag: number }>;
  seconds: number;
  /** Source commit → committed in the warehouse, over the run's applied changes that carry a source time. */
  freshness: Percentiles | null;
  /** Source commit → Kafka record time: the capture's part of `freshness`. Absent in results of older runs. */
  captureDelay?: Percentiles | null;
  /** Kafka record time → committed in the warehouse: the pipeline's part. */
  ingestDelay?: Percentiles | null;
  /** Applied changes whose record carried no source time (in ingestDelay only, never counted as fresh). */
  withoutSourceTime?: number;
}

/** Consumers outlive a run (one per consumer name and topic set per process): see IngestPipeline. */
const pipelines = new Map<string, IngestPipeline>();

/** Worker shutdown: leave every consumer group cleanly. */
export async function stopIngestPipelines(): Promise<void> {
  await Promise.all([...pipelines.values()].map((p) => p.stop()));
  pipelines.clear();
}

export function createCdcActivities(deps: CdcActivityDeps) {
  const metrics = deps.metrics ?? noMetrics;
  async function pipelineFor(input: IngestRunInput): Promise<IngestPipeline> {
    const topics: CaptureTopic[] = input.tables.map((qualified) => {
      const table = deps.registry.table(qualified);
      const accepted = input.accepted?.[qualified];
      const format = deps.formats?.[table.source.system];
      return {
        topic: topicOf(deps.topicPrefix, table.source.schema, table.source.table), domain: qualified.split('.')[0]!, table, sourceSystem: table.source.system,
        ...(accepted ? { accepted } : {}), ...(deps.decimalMode ? { decimalMode: deps.decimalMode } : {}), ...(format ? { format } : {}),
      };
    });
    const existing = pipelines.get(input.consumer);
    // A newly accepted schema change needs a pipeline that decodes with it.
    const wanted = `${topics.map((t) => t.topic).sort().join(',')} ${JSON.stringify(topics.filter((t) => t.accepted).map((t) => [t.topic, t.accepted]))}`;
    if (existing && existing.key === wanted && existing.reusable) return existing;
    await existing?.stop();
    pipelines.delete(input.consumer);
    await mkdir(deps.stagingDir, { recursive: true });
    const pipeline = new IngestPipeline({ kafka: deps.kafka, warehouse: withServingStore(deps.warehouse, deps.serving), consumer: input.consumer, topics, stagingDir: deps.stagingDir, key: wanted,
      ...(deps.topicRetentionHours !== undefined ? { topicRetentionMs: deps.topicRetentionHours * 3_600_000 } : {}),
      onCommit: (run) => metrics.changesCommitted({ domain: run.domain, table: run.table }, run) });
    await pipeline.start();
    pipelines.set(input.consumer, pipeline);
    return pipeline;
  }

  return {
    /**
     * Applies changes for about `runSeconds`, heartbeating, then reports. Cancelling it (pause,
     * stop) ends it after the batch in flight.
     */
    async ingestRun(input: IngestRunInput): Promise<IngestRunResult> {
      const context = Context.current();
      const started = Date.now();
      // Set-up (joining Kafka, reading stored offsets) can take longer than the heartbeat timeout on
      // a loaded machine: heartbeat through it, or the run would time out before it starts.
      context.heartbeat({ since: started });
      const ticker = setInterval(() => context.heartbeat({ since: started }), 1000);
      const pipeline = await pipelineFor(input).finally(() => clearInterval(ticker));
      pipeline.lease();
      let cancelled = false;
      const until = started + input.runSeconds * 1000;
      while (Date.now() < until && !cancelled && !pipeline.failed) {
        context.heartbeat({ since: started });
        cancelled = await Promise.race([context.cancelled.then(() => true, () => true), sleep(1000).then(() => false)]);
      }
      let stats: IngestStats;
      try {
        stats = await pipeline.release();
      } catch (error) {
        // A failed pipeline is dropped: the retry builds a new one from the offsets in the warehouse.
        pipelines.delete(input.consumer);
        await pipeline.stop();
        throw error;
      }
      if (cancelled) throw new CancelledFailure('ingest run cancelled (pause or stop); applied batches are committed');
      const lag = await pipeline.lag();
      metrics.lag({ domain: domainOf(input) }, lag);
      return {
        events: stats.events,
        applied: stats.applied,
        tombstones: stats.tombstones,
        deadLettered: stats.deadLettered,
        deadLetterTotal: await pipeline.deadLetterTotal(),
        paused: stats.paused,
        addedColumns: stats.addedColumns,
        lastPosition: stats.lastPosition,
        lag,
        seconds: (Date.now() - started) / 1000,
        freshness: percentiles(stats.freshness.endToEndMs),
        captureDelay: percentiles(stats.freshness.captureDelayMs),
        ingestDelay: percentiles(stats.freshness.ingestDelayMs),
        withoutSourceTime: stats.freshness.withoutSourceTime,
      };
    },
  };
}

/** The consumer follows one domain's tables (cdcIngest is per domain). */
function domainOf(input: IngestRunInput): string {
  return input.tables[0]?.split('.')[0] ?? 'none';
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
