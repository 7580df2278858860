import { access, rm } from 'node:fs/promises';
import type {
  BackfillRecord, Quarantine, QuarantineSummaryResult, ReplayQuarantineResult, WarehouseLoad, WarehouseReads,
} from '../../connectors/warehouse/port.js';
import { refuseQuarantineRules } from '../../core/quality/quarantine-rules.js';
import type { WarehouseDialect } from '../../core/sql/dialect.js';
import type { ServingStoreWrites } from '../../connectors/serving-store/store.js';
import type { DomainRegistry } from '../../domains/registry.js';
import { withHeartbeat } from '../lib/heartbeat.js';
import { noMetrics, type FactoryMetrics } from '../lib/metrics.js';

export interface WarehouseActivityDeps {
  registry: DomainRegistry;
  /** Which warehouse it is, for messages. */
  kind: WarehouseDialect;
  load: WarehouseLoad;
  reads: WarehouseReads;
  /**
   * Row quarantine, where the warehouse has it. Without it a table without quarantine rules has
   * nothing to quarantine (backfills still run), and a table with some is refused by name.
   */
  quarantine?: Quarantine | undefined;
  metrics?: FactoryMetrics;
  /**
   * The serving store: tables of products served in real time get each backfill chunk too, at the
   * backfill's source position, and the backfill's sweep when it is recorded.
   */
  serving?: ServingStoreWrites | undefined;
}

const warehouseNames: Record<WarehouseDialect, string> = { duckdb: 'DuckDB', bigquery: 'BigQuery' };

interface TableRef { domain: string; table: string }

/**
 * Runs only on the warehouse owner's task queue: one process holds the warehouse (DuckDB allows a
 * single writer). Inputs name tables and staged files; results are counts and checksums.
 */
export function createWarehouseActivities({ registry, kind, load, reads, quarantine, serving, metrics = noMetrics }: WarehouseActivityDeps) {
  const served = (input: TableRef) => serving?.serves(`${input.domain}.${input.table}`) === true;
  const contract = ({ domain, table }: TableRef) => registry.table(`${domain}.${table}`);
  /** The quarantine, or (without one) the refusal of a table that has quarantine rules. */
  const quarantineFor = (input: TableRef, what: string): Quarantine | undefined => {
    if (!quarantine) refuseQuarantineRules({ table: contract(input), what, warehouse: warehouseNames[kind] });
    return quarantine;
  };
  return {
    async prepareLoad(input: TableRef & { loadId: string }): Promise<{ loadTable: string }> {
      const { loadTable } = await load.prepareLoad({ domain: input.domain, table: contract(input), loadId: input.loadId });
      return { loadTable };
    },

    async loadChunk(input: TableRef & { loadTable: string; file: string; chunkIndex: number; loadId: string; sourcePosition: string }): Promise<{ rows: number; alreadyLoaded: boolean }> {
      const table = contract(input);
      const loaded = await withHeartbeat({ chunk: input.chunkIndex }, () => load.loadChunk({
        loadTable: input.loadTable,
        table,
        file: input.file,
        chunkIndex: input.chunkIndex,
        lineage: { sourceSystem: table.source.system, loadId: input.loadId, sourcePosition: input.sourcePosition },
      }));
      // The file is removed only once both hold the chunk: a retry finding the warehouse's chunk
      // committed and the file gone had the store's load done too.
      if (served(input) && !(loaded.alreadyLoaded && !(await exists(input.file)))) {
        await withHeartbeat({ chunk: input.chunkIndex, serving: true }, () => serving!.loadChunk({
          domain: input.domain, table, file: input.file, loadId: input.loadId, sourcePosition: input.sourcePosition,
        }));
      }
      // Committed in the load's ledger, so a retry never reads the file again: the staging area holds
      // only the chunks in flight (a whole table's CSV otherwise, until the backfill ends), and the
      // page cache drops the file instead of writing it back to disk.
      await rm(input.file, { force: true });
      if (!loaded.alreadyLoaded) metrics.rowsLoaded(input, loaded.rows);
      return loaded;
    },

    async validateLoad(input: TableRef & { loadTable: string; sourceEnforcesKey?: boolean }) {
      return withHeartbeat({ validating: input.loadTable }, () =>
        load.validateLoad({ loadTable: input.loadTable, table: contract(input), sourceEnforcesKey: input.sourceEnforcesKey }));
    },

    /** Rows failing a quarantine rule of the contract leave the load for the quarantine before the swap. */
    async quarantineLoad(input: TableRef & { loadTable: string }): Promise<{ quarantined: number }> {
      const to = quarantineFor(input, 'row quarantine');
      if (!to) return { quarantined: 0 };
      return withHeartbeat({ quarantining: input.loadTable }, () => to.quarantineLoad({ loadTable: input.loadTable, table: contract(input) }));
    },

    /** Judged by the contract this worker serves now: a fixed rule is a deployed contract. */
    async replayQuarantine(input: TableRef): Promise<ReplayQuarantineResult> {
      const from = quarantineFor(input, 'quarantine replay');
      if (!from) return { replayed: 0, stillFailing: 0, superseded: 0 };
      return withHeartbeat({ replaying: `${input.domain}.${input.table}` }, () => from.replayQuarantine({ domain: input.domain, table: contract(input) }));
    },

    async quarantineSummary(input: TableRef): Promise<QuarantineSummaryResult> {
      const held = quarantineFor(input, 'the quarantine summary');
      if (!held) return { open: 0, replayed: 0, superseded: 0, pending: 0, rules: [] };
      return held.quarantineSummary({ domain: input.domain, table: contract(input) });
    },

    async swapIn(input: TableRef & { loadTable: string }): Promise<{ table: string }> {
      const { table } = await load.swapIn({ domain: input.domain, table: contract(input), loadTable: input.loadTable });
      return { table };
    },

    async dropLoad(input: TableRef & { loadTable: string }): Promise<void> {
      await load.dropLoad({ loadTable: input.loadTable });
    },

    async recordBackfill(input: TableRef & { loadId: string; rows: number; checksum: string; durationMs: number; sourcePosition: string }): Promise<void> {
      // Rows the backfill did not read (deleted at the source before its position) leave the serving store.
      if (served(input)) await serving!.finishLoad({ domain: input.domain, table: contract(input), loadId: input.loadId, sourcePosition: input.sourcePosition });
      await load.recordBackfill({
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
      return load.lastBackfill(input);
    },

    async tableStats(input: TableRef): Promise<{ rows: number; checksum: string }> {
      return reads.tableStats({ domain: input.domain, table: contract(input) });
    },

    /** The serving store's live rows of a served table, in the same checksum canon (compare with the source or the warehouse). */
    async servingTableStats(input: TableRef): Promise<{ rows: number; checksum: string } | null> {
      if (!served(input)) return null;
      return serving!.tableStats({ domain: input.domain, table: contract(input) });
    },
  };
}

const exists = (file: string): Promise<boolean> => access(file).then(() => true, () => false);
