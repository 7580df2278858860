import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Quarantine, ValidateLoadResult, WarehouseLoad } from '../../connectors/warehouse/port.js';
import { enforcesKey } from '../../activities/source/index.js';
import { createPostgresSource } from '../../connectors/postgres/source.js';
import { addChecksums, checksumColumnsOf } from '../../core/checksum.js';
import { tableKey, type TableContract } from '../../contracts/contract.js';
import { runPool } from '../../workflows/lib/pool.js';
import { timed } from './measure.js';

export interface RawTransferInput {
  /** The source database (PostgreSQL standing in for the contract's system). */
  url: string;
  warehouse: WarehouseLoad & Partial<Quarantine>;
  domain: string;
  table: TableContract;
  stagingDir: string;
  chunkRows: number;
  /** Chunks exported and loaded at once, as the workflow's FACTORY_CHUNK_CONCURRENCY (default 1). */
  concurrency?: number;
  loadId: string;
  /** Run the load's quarantine step between validation and swap, as the backfillTable workflow does. */
  quarantine?: boolean;
}

export interface RawTransferResult {
  exported: { rows: number; checksum: string };
  validated: ValidateLoadResult;
  /** Rows the quarantine step moved out of the load (0 without it). */
  quarantined: number;
  /** Wall time of the quarantine step alone (0 without it). */
  quarantineSeconds: number;
}

/**
 * A backfill through our source reader and the warehouse port's bulk path in one process, without
 * Temporal: prepareLoad → (export, loadChunk) × N, `concurrency` chunks at once as the workflow runs
 * them → validateLoad → [quarantineLoad] → swapIn. Timed from prepareLoad to swapIn; the caller owns
 * the warehouse.
 */
/** The PostgreSQL source reader of `table` with what its export needs, as the backfill activities build it. */
export function sourceReader(url: string, table: TableContract, maxConnections?: number) {
  return {
    source: createPostgresSource({ url, system: table.source.system, ...(maxConnections ? { maxConnections } : {}) }),
    ref: { schema: table.source.schema, table: table.source.table },
    columns: table.columns.map((c) => c.name),
    key: tableKey(table),
    checksumColumns: checksumColumnsOf(table),
  };
}

export async function rawTransfer(input: RawTransferInput): Promise<{ result: RawTransferResult; seconds: number }> {
  const { url, warehouse, domain, table, stagingDir, chunkRows, loadId } = input;
  const concurrency = input.concurrency ?? 1;
  const { source, ref, columns, key, checksumColumns } = sourceReader(url, table, Math.max(4, concurrency));
  await mkdir(stagingDir, { recursive: true });
  try {
    return await timed(async () => {
      const { loadTable } = await warehouse.prepareLoad({ domain, table, loadId });
      const chunks = await source.planChunks({ ref, key, chunkRows });
      const parts = await runPool(chunks, concurrency, async (bounds) => {
        const file = join(stagingDir, `chunk-${bounds.index}.csv`);
        const r = await source.exportChunk({ ref, columns, key, bounds, file, checksumColumns });
        await warehouse.loadChunk({ loadTable, table, file, chunkIndex: bounds.index, lineage: { sourceSystem: table.source.system, loadId, sourcePosition: '' } });
        await rm(file);
        return r;
      });
      const exported = { rows: parts.reduce((n, r) => n + r.rows, 0), checksum: parts.reduce((sum, r) => addChecksums(sum, r.checksum), '0') };
      // As the workflow: the duplicate-key query only when the source does not enforce the key.
      const sourceEnforcesKey = enforcesKey(key, await source.discover(ref));
      const validated = await warehouse.validateLoad({ loadTable, table, sourceEnforcesKey });
      const quarantine = input.quarantine ? await timed(() => quarantineOf(warehouse).quarantineLoad({ loadTable, table })) : undefined;
      await warehouse.swapIn({ domain, table, loadTable });
      return { exported, validated, quarantined: quarantine?.result.quarantined ?? 0, quarantineSeconds: quarantine?.seconds ?? 0 };
    });
  } finally {
    await source.close();
  }
}

function quarantineOf(warehouse: Partial<Quarantine>): Quarantine {
  if (!warehouse.quarantineLoad || !warehouse.replayQuarantine || !warehouse.quarantineSummary) throw new Error('this warehouse has no row quarantine (capability quarantine)');
  return warehouse as Quarantine;
}
