import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { withServingStore } from '../../activities/cdc/index.js';
import { seedSource } from '../../cli/source/seed.js';
import { IngestPipeline } from '../../connectors/cdc/pipeline.js';
import { registerCapture, removeCapture } from '../../connectors/kafka-connect/capture.js';
import { topicOf } from '../../connectors/kafka-connect/debezium.js';
import { createPostgresSource } from '../../connectors/postgres/source.js';
import { servingTable } from '../../connectors/serving-store/sql.js';
import type { ServingStore } from '../../connectors/serving-store/store.js';
import type { ChangeApply } from '../../connectors/warehouse/port.js';
import { tableKey } from '../../contracts/contract.js';
import { backfillPosition } from '../../core/cdc/position.js';
import { checksumColumnsOf } from '../../core/checksum.js';
import { registry } from '../../domains/index.js';
import { say } from './measure.js';

/**
 * The serve bench's source side, on the demo's own machinery: a scratch source database seeded by
 * `factory source seed`, captured by a Debezium connector of the run's own (topic prefix, slot and
 * publication named after it), and the ingest pipeline the warehouse worker leases for a domain's
 * cdcIngest, with the serving store in front of the warehouse (withServingStore), as the worker wires
 * it for products served in real time.
 */

/** The domain whose changes the simulator makes, captured and ingested as the worker's cdcIngest would. */
export const capturedDomain = 'booking';

/**
 * Backfills the served tables from the source into the store the way the backfill activities do:
 * the source position first (after the capture's slot exists), then keyset chunks exported to staged
 * files and loaded at that position, then the sweep.
 */
export async function backfillServed(input: { sourceUrl: string; store: ServingStore; tables: readonly string[]; dir: string }): Promise<number> {
  const source = createPostgresSource({ url: input.sourceUrl, system: 'bench' });
  let rows = 0;
  try {
    const recorded = await source.currentPosition();
    const position = backfillPosition(source.positionKind, recorded);
    if (!position.ok) throw new Error(`serve bench: ${position.reason}`);
    const loadId = `bench-serve-${Date.now().toString(36)}`;
    await mkdir(input.dir, { recursive: true });
    for (const qualified of input.tables) {
      const table = registry.table(qualified);
      const domain = qualified.split('.')[0]!;
      const ref = { schema: table.source.schema, table: table.source.table };
      const key = tableKey(table);
      for (const bounds of await source.planChunks({ ref, key, chunkRows: 200_000 })) {
        const file = join(input.dir, `backfill-${qualified}-${bounds.index}.csv`);
        await source.exportChunk({ ref, columns: table.columns.map((c) => c.name), key, bounds, file, checksumColumns: checksumColumnsOf(table) });
        rows += (await input.store.loadChunk({ domain, table, file, loadId, sourcePosition: position.position })).rows;
        await rm(file);
      }
      await input.store.finishLoad({ domain, table, loadId, sourcePosition: position.position });
      await input.store.pool.query(`ANALYZE ${servingTable(qualified)}`);
    }
  } finally {
    await source.close();
  }
  return rows;
}

export async function seedServeSource(url: string, scale: number): Promise<void> {
  say(`seeding the source at scale ${scale}…`);
  await seedSource({ url, registry, scale, seed: 17 });
}

export interface RunningCapture {
  pipeline: IngestPipeline;
  stop(): Promise<void>;
}

/**
 * Registers the run's Debezium connector on the source (streaming only: the backfill is the
 * snapshot), then starts the ingest pipeline on its topics, applying into `warehouse` behind the
 * serving store. `stop` stops the pipeline and removes the connector, its slot, publication,
 * stored offsets and topics.
 */
export async function startCapture(input: { connectUrl: string; sourceUrl: string; topicPrefix: string; kafka: Kafka; store: ServingStore; warehouse: ChangeApply; dir: string }): Promise<RunningCapture> {
  const tables = [...registry.domain(capturedDomain).tables];
  const remove = () => removeCapture({ connectUrl: input.connectUrl, sourceUrl: input.sourceUrl, topicPrefix: input.topicPrefix, kafka: input.kafka });
  say(`registering connector capture-${input.topicPrefix} (${tables.length} tables of ${capturedDomain})…`);
  await registerCapture({ connectUrl: input.connectUrl, sourceUrl: input.sourceUrl, topicPrefix: input.topicPrefix, tables });
  let pipeline: IngestPipeline | undefined;
  try {
    await mkdir(input.dir, { recursive: true });
    pipeline = new IngestPipeline({
      kafka: input.kafka, warehouse: withServingStore(input.warehouse, input.store), consumer: `bench.serve.${input.topicPrefix}`, stagingDir: input.dir,
      topics: tables.map((table) => ({ topic: topicOf(input.topicPrefix, table.source.schema, table.source.table), domain: capturedDomain, table, sourceSystem: table.source.system })),
    });
    await pipeline.start();
    pipeline.lease();
  } catch (error) {
    await pipeline?.stop();
    await remove();
    throw error;
  }
  const running = pipeline;
  return {
    pipeline: running,
    async stop() {
      await running.release().catch(() => undefined);
      await running.stop();
      await remove();
    },
  };
}
