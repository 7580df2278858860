import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import type { CaptureCoverage, ChunkBounds, DiscoveredTable, SourceConnector } from '../../connectors/source/port.js';
import { waitForCoverage } from '../../core/cdc/coverage.js';
import { compareColumns, describeDrift } from '../../core/drift.js';
import { isBreaking } from '../../core/schema-compare.js';
import { ContractDriftError, InvalidInputError } from '../../core/errors.js';
import { backfillPosition } from '../../core/cdc/position.js';
import { checksumColumnsOf } from '../../core/checksum.js';
import type { DomainRegistry } from '../../domains/registry.js';
import { tableKey, type TableContract } from '../../contracts/contract.js';
import { withHeartbeat } from '../lib/heartbeat.js';

export interface SourceActivityDeps {
  registry: DomainRegistry;
  /** The connector serving a contract's source system ('db2', 'crm_pg', …), chosen by config in workers/. */
  sourceFor(system: string): SourceConnector;
  /** Shared folder where exported chunks wait for the warehouse owner (claim-check). */
  stagingDir: string;
  /**
   * The coverage check of the change capture of a source system; undefined when its capture is not
   * checked (FACTORY_CAPTURE_CHECK=off, or a product without a check, such as IIDR).
   */
  captureFor?(system: string): CaptureCoverage | undefined;
  /** How long a backfill waits for the capture to cover its table (default 90 s, within shortIo's 2 min). */
  captureWaitMs?: number;
}

export interface AwaitCaptureCoverageResult {
  /** 'covered'; 'no capture' when no registered capture is asked to cover the table (a backfill without change capture); 'not checked'. */
  capture: 'covered' | 'no capture' | 'not checked';
}

export interface TableRefInput { domain: string; table: string }

export interface InspectSourceTableResult {
  key: string[];
  approxRows: number;
  /** Taken before any chunk is read: CDC replays from here, so nothing changed during the backfill is lost. */
  sourcePosition: string;
  addedColumns: string[];
  /** A unique index of the source on not-null columns of the key (enforcesKey): no key repeats there. */
  sourceEnforcesKey: boolean;
}

export interface PlanChunksActivityInput extends TableRefInput { chunkRows: number }
export interface ExportChunkActivityInput extends TableRefInput { loadId: string; bounds: ChunkBounds }
export interface ExportChunkActivityResult { file: string; rows: number; checksum: string; bytes: number }

/** The key a backfill pages on: the primary key, else the declared unique key. */
export function keyOf(qualified: string, table: TableContract): string[] {
  const key = tableKey(table);
  if (key.length === 0) throw new InvalidInputError(`${qualified}: no primary key and no declared unique key — declare uniqueKey in the contract to backfill it`);
  return key;
}

/**
 * Whether the source itself keeps `key` unique: its primary key, or a unique index whose columns are
 * all NOT NULL (a unique index lets NULLs repeat), uses only columns of the key.
 */
export function enforcesKey(key: string[], discovered: Pick<DiscoveredTable, 'columns' | 'primaryKey' | 'uniqueKeys'>): boolean {
  const notNull = new Set(discovered.columns.filter((c) => !c.nullable).map((c) => c.name));
  const indexes = [...(discovered.primaryKey ? [discovered.primaryKey] : []), ...discovered.uniqueKeys];
  return indexes.some((columns) => columns.length > 0 && columns.every((c) => key.includes(c) && notNull.has(c)));
}

export function createSourceActivities(deps: SourceActivityDeps) {
  const lookup = ({ domain, table }: TableRefInput) => {
    const qualified = `${domain}.${table}`;
    const contract = deps.registry.table(qualified);
    return { qualified, contract, connector: deps.sourceFor(contract.source.system), ref: { schema: contract.source.schema, table: contract.source.table } };
  };
  const stagingFolder = (input: TableRefInput & { loadId: string }) => join(deps.stagingDir, input.loadId, `${input.domain}.${input.table}`);

  return {
    /** Qualified names of the tables of one domain, or of all domains, in dependency order. */
    async listTables(input: { domain?: string }): Promise<{ tables: string[] }> {
      const domains = input.domain ? [deps.registry.domain(input.domain)] : deps.registry.domains;
      return { tables: domains.flatMap((d) => d.tables.map((t) => `${d.name}.${t.name}`)) };
    },

    /**
     * The handover's precondition, before the backfill records its position: the change capture of
     * the table's source covers it, so every change after that position reaches the change topics.
     * Waits (bounded) for a capture still taking the table in; CaptureCoverageError names the table
     * and what is missing.
     */
    async awaitCaptureCoverage(input: TableRefInput): Promise<AwaitCaptureCoverageResult> {
      const { qualified, contract, ref } = lookup(input);
      const coverage = deps.captureFor?.(contract.source.system);
      if (!coverage) return { capture: 'not checked' };
      const context = Context.current();
      const capture = await waitForCoverage({
        table: `${qualified} (${contract.source.system} ${ref.schema}.${ref.table})`, capture: coverage.capture, timeoutMs: deps.captureWaitMs ?? 90_000,
        check: () => coverage.missing(ref), onWait: (missing) => context.heartbeat({ missing }),
      });
      return { capture };
    },

    async inspectSourceTable(input: TableRefInput): Promise<InspectSourceTableResult> {
      const { qualified, contract, connector, ref } = lookup(input);
      const key = keyOf(qualified, contract);
      const recorded = await connector.currentPosition();
      const encoded = backfillPosition(connector.positionKind, recorded);
      if (!encoded.ok) throw new InvalidInputError(`${qualified}: source position '${recorded}' cannot be read: ${encoded.reason}`);
      const sourcePosition = encoded.position;
      const discovered = await connector.discover(ref);
      const drift = compareColumns(contract.columns, discovered.columns);
      if (isBreaking(drift)) throw new ContractDriftError(describeDrift(qualified, drift));
      return { key, approxRows: discovered.approxRows, sourcePosition, addedColumns: drift.added, sourceEnforcesKey: enforcesKey(key, discovered) };
    },

    async planChunks(input: PlanChunksActivityInput): Promise<{ chunks: ChunkBounds[] }> {
      const { qualified, contract, connector, ref } = lookup(input);
      return { chunks: await connector.planChunks({ ref, key: keyOf(qualified, contract), chunkRows: input.chunkRows }) };
    },

    async exportChunk(input: ExportChunkActivityInput): Promise<ExportChunkActivityResult> {
      const { qualified, contract, connector, ref } = lookup(input);
      const folder = stagingFolder(input);
      await mkdir(folder, { recursive: true });
      const file = join(folder, `chunk-${String(input.bounds.index).padStart(5, '0')}.csv`);
      const context = Context.current();
      const result = await connector.exportChunk(
        {
          ref,
          columns: contract.columns.map((c) => c.name),
          key: keyOf(qualified, contract),
          bounds: input.bounds,
          file,
          checksumColumns: checksumColumnsOf(contract),
          signal: context.cancellationSignal,
        },
        (rows) => context.heartbeat({ rows }),
      );
      return { file, rows: result.rows, checksum: result.checksum, bytes: result.bytes };
    },

    /** Row count and content checksum of the source table now, for verification against the warehouse. */
    async sourceTableStats(input: TableRefInput): Promise<{ rows: number; checksum: string }> {
      const { contract, connector, ref } = lookup(input);
      return withHeartbeat({ table: `${input.domain}.${input.table}` }, () =>
        connector.tableChecksum({ ref, checksumColumns: checksumColumnsOf(contract) }),
      );
    },

    async removeStagedFiles(input: TableRefInput & { loadId: string }): Promise<void> {
      await rm(stagingFolder(input), { recursive: true, force: true });
    },
  };
}
