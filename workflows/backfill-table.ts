import {
  ApplicationFailure,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createSourceActivities } from '../activities/source/index.js';
import type { createWarehouseActivities } from '../activities/warehouse/index.js';
import { longChunk, shortIo } from './lib/activity-options.js';
import { addChecksums } from '../core/checksum.js';
import { factoryDomain, factoryStatus, factoryTable } from './api/search-attributes.js';
import { runPool } from './lib/pool.js';
import {
  backfillTableProgress,
  type BackfillPhase,
  type BackfillTableInput,
  type BackfillTableProgress,
  type BackfillTableResult,
} from './api/backfill-table.js';

const maxChunks = 1000;

/**
 * Loads one source table into the warehouse: inspect (contract vs source) → plan key-range chunks →
 * export each chunk to a staged file and load it on the warehouse owner, with bounded concurrency →
 * validate row count and content checksum against what the source exported → move rows failing a
 * quarantine rule to the quarantine → swap the new table in
 * atomically → record the result. A crashed worker costs at most the chunks in flight: finished
 * chunks are in the history and are not redone.
 */
export async function backfillTable(input: BackfillTableInput): Promise<BackfillTableResult> {
  assertInput(input);
  const source = proxyActivities<ReturnType<typeof createSourceActivities>>(shortIo);
  const sourceChunk = proxyActivities<ReturnType<typeof createSourceActivities>>(longChunk);
  const warehouseOptions = { taskQueue: input.warehouseTaskQueue };
  const warehouse = proxyActivities<ReturnType<typeof createWarehouseActivities>>({ ...shortIo, ...warehouseOptions });
  const warehouseChunk = proxyActivities<ReturnType<typeof createWarehouseActivities>>({ ...longChunk, ...warehouseOptions });

  const { domain, table } = input;
  const loadId = workflowInfo().runId.replace(/-/g, '').slice(0, 16);
  const progress: BackfillTableProgress = { phase: 'inspecting', chunksTotal: 0, chunksDone: 0, rowsDone: 0, approxRows: 0, startedAt: Date.now(), quarantined: 0 };
  setHandler(backfillTableProgress, () => progress);
  const setPhase = (phase: BackfillPhase) => {
    progress.phase = phase;
    upsertSearchAttributes([{ key: factoryStatus, value: phase }]);
  };
  upsertSearchAttributes([
    { key: factoryDomain, value: domain },
    { key: factoryTable, value: `${domain}.${table}` },
    { key: factoryStatus, value: 'inspecting' },
  ]);

  try {
    // The handover: the position inspectSourceTable records is where change capture takes over, so
    // the capture must cover the table before it is read. Runs started earlier go on without it.
    if (patched('capture-coverage')) await source.awaitCaptureCoverage({ domain, table });
    const inspected = await source.inspectSourceTable({ domain, table });
    progress.approxRows = inspected.approxRows;

    setPhase('planning');
    const { loadTable } = await warehouse.prepareLoad({ domain, table, loadId });
    const chunkRows = Math.max(input.chunkRows, Math.ceil(inspected.approxRows / maxChunks));
    const { chunks } = await source.planChunks({ domain, table, chunkRows });
    progress.chunksTotal = chunks.length;

    setPhase('loading');
    const loaded = await runPool(chunks, input.concurrency, async (bounds) => {
      const exported = await sourceChunk.exportChunk({ domain, table, loadId, bounds });
      const { rows } = await warehouseChunk.loadChunk({ domain, table, loadTable, file: exported.file, chunkIndex: bounds.index, loadId, sourcePosition: inspected.sourcePosition });
      if (rows !== exported.rows) {
        throw ApplicationFailure.nonRetryable(`${domain}.${table} chunk ${bounds.index}: source exported ${exported.rows} rows but the warehouse loaded ${rows}`, 'ValidationMismatchError');
      }
      progress.chunksDone++;
      progress.rowsDone += rows;
      return exported;
    });

    setPhase('validating');
    const expectedRows = loaded.reduce((n, c) => n + c.rows, 0);
    const expectedChecksum = loaded.reduce((sum, c) => addChecksums(sum, c.checksum), '0');
    // A key the source enforces cannot repeat in rows equal to the source's: not queried again
    // (`=== true`: results recorded before the field existed lack it).
    const validated = await warehouse.validateLoad({ domain, table, loadTable, sourceEnforcesKey: inspected.sourceEnforcesKey === true });
    if (validated.rows !== expectedRows || validated.checksum !== expectedChecksum || validated.duplicateKeys > 0) {
      await warehouse.dropLoad({ domain, table, loadTable });
      throw ApplicationFailure.nonRetryable(
        `${domain}.${table}: validation failed, nothing swapped in — source ${expectedRows} rows / checksum ${expectedChecksum}, ` +
          `warehouse ${validated.rows} rows / checksum ${validated.checksum}, ${validated.duplicateKeys} duplicate keys`,
        'ValidationMismatchError',
      );
    }

    // The load proved equal to the source above; now rows failing a quarantine rule leave it. Runs
    // started before this step existed go on without it (their histories have no such commands).
    if (patched('quarantine-load')) {
      setPhase('quarantining');
      progress.quarantined = (await warehouse.quarantineLoad({ domain, table, loadTable })).quarantined;
    }

    setPhase('swapping');
    const swapped = await warehouse.swapIn({ domain, table, loadTable });
    const result: BackfillTableResult = {
      domain,
      table,
      loadId,
      rows: validated.rows,
      checksum: validated.checksum,
      chunks: chunks.length,
      durationMs: Date.now() - progress.startedAt,
      sourcePosition: inspected.sourcePosition,
      warehouseTable: swapped.table,
      addedSourceColumns: inspected.addedColumns,
      quarantined: progress.quarantined,
    };
    await warehouse.recordBackfill(result);
    await source.removeStagedFiles({ domain, table, loadId });
    setPhase('done');
    return result;
  } catch (error) {
    setPhase('failed');
    throw error;
  }
}

function assertInput(input: BackfillTableInput): void {
  const problems: string[] = [];
  if (!input || typeof input.domain !== 'string' || !input.domain) problems.push('domain (e.g. "booking")');
  if (!input || typeof input.table !== 'string' || !input.table) problems.push('table (e.g. "booking_line")');
  if (!input || !(input.chunkRows > 0)) problems.push('chunkRows > 0');
  if (!input || !(input.concurrency > 0)) problems.push('concurrency > 0');
  if (!input || !input.warehouseTaskQueue) problems.push('warehouseTaskQueue');
  if (problems.length) throw ApplicationFailure.nonRetryable(`backfillTable input: expected ${problems.join(', ')}`, 'InvalidInputError');
}
