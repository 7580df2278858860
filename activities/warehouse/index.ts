import { rm } from 'node:fs/promises';
import type { BackfillRecord, QuarantineSummaryResult, ReplayQuarantineResult, Warehouse } from '../../connectors/warehouse/port.js';
import type { DomainRegistry } from '../../domains/registry.js';
import { withHeartbeat } from '../lib/heartbeat.js';

export interface WarehouseActivityDeps {
  registry: DomainRegistry;
  warehouse: Warehouse;
}

interface TableRef { domain: string; table: string }

/**
 * Runs only on the warehouse owner's task queue: one process holds the warehouse (DuckDB allows a
 * single writer). Inputs name tables and staged files; results are counts and checksums.
 */
export function createWarehouseActivities({ registry, warehouse }: WarehouseActivityDeps) {
  const contract = ({ domain, table }: TableRef) => registry.table(`${domain}.${table}`);
  return {
    async prepareLoad(input: TableRef & { loadId: string }): Promise<{ loadTable: string }> {
      const { loadTable } = await warehouse.prepareLoad({ domain: input.domain, table: contract(input), loadId: input.loadId });
      return { loadTable };
    },

    async loadChunk(input: TableRef & { loadTable: string; file: string; chunkIndex: number; loadId: string; sourcePosition: string }): Promise<{ rows: number; alreadyLoaded: boolean }> {
      const table = contract(input);
      const loaded = await withHeartbeat({ chunk: input.chunkIndex }, () => warehouse.loadChunk({
        loadTable: input.loadTable,
        table,
        file: input.file,
        chunkIndex: input.chunkIndex,
        lineage: { sourceSystem: table.source.system, loadId: input.loadId, sourcePosition: input.sourcePosition },
      }));
      // Committed in the load's ledger, so a retry never reads the file again: the staging area holds
      // only the chunks in flight (a whole table's CSV otherwise, until the backfill ends), and the
      // page cache drops the file instead of writing it back to disk.
      await rm(input.file, { force: true });
      return loaded;
    },

    async validateLoad(input: TableRef & { loadTable: string }) {
      return withHeartbeat({ validating: input.loadTable }, () => warehouse.validateLoad({ loadTable: input.loadTable, table: contract(input) }));
    },

    /** Rows failing a quarantine rule of the contract leave the load for the quarantine before the swap. */
    async quarantineLoad(input: TableRef & { loadTable: string }): Promise<{ quarantined: number }> {
      return withHeartbeat({ quarantining: input.loadTable }, () => warehouse.quarantineLoad({ loadTable: input.loadTable, table: contract(input) }));
    },

    /** Judged by the contract this worker serves now: a fixed rule is a deployed contract. */
    async replayQuarantine(input: TableRef): Promise<ReplayQuarantineResult> {
      return withHeartbeat({ replaying: `${input.domain}.${input.table}` }, () => warehouse.replayQuarantine({ domain: input.domain, table: contract(input) }));
    },

    async quarantineSummary(input: TableRef): Promise<QuarantineSummaryResult> {
      return warehouse.quarantineSummary({ domain: input.domain, table: contract(input) });
    },

    async swapIn(input: TableRef & { loadTable: string }): Promise<{ table: string }> {
      const { table } = await warehouse.swapIn({ domain: input.domain, table: contract(input), loadTable: input.loadTable });
      return { table };
    },

    async dropLoad(input: TableRef & { loadTable: string }): Promise<void> {
      await warehouse.dropLoad({ loadTable: input.loadTable });
    },

    async recordBackfill(input: TableRef & { loadId: string; rows: number; checksum: string; durationMs: number; sourcePosition: string }): Promise<void> {
      await warehouse.recordBackfill({
        domain: input.domain,
        table: input.table,
        loadId: input.loadId,
        rows: input.rows,
        checksum: input.checksum,
        durationMs: input.durationMs,
        sourcePosition: input.sourcePosition,
      });
    },

    async lastBackfill(input: TableRef): Promise<BackfillRecord | null> {
      return warehouse.lastBackfill(input);
    },

    async tableStats(input: TableRef): Promise<{ rows: number; checksum: string }> {
      return warehouse.tableStats({ domain: input.domain, table: contract(input) });
    },
  };
}
