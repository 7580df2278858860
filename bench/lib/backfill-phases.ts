import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { enforcesKey } from '../../activities/source/index.js';
import type { WarehouseLoad } from '../../connectors/warehouse/port.js';
import type { TableContract } from '../../contracts/contract.js';
import type { CpuMeter, PhaseCpu } from './cpu.js';
import { sourceReader } from './raw-transfer.js';

export interface PhaseBreakdownInput {
  url: string;
  warehouse: WarehouseLoad;
  domain: string;
  table: TableContract;
  stagingDir: string;
  chunkRows: number;
  loadId: string;
  meter: CpuMeter;
}

/**
 * Where a backfill's CPU goes: the workflow's phases run one after another (one chunk at a time, so
 * each phase's CPU is its own), through the same connector calls its activities make, each measured
 * as wall time, this process's CPU (Node and the embedded DuckDB) and the PostgreSQL backends' CPU:
 * - `pg_checksum`: the source's content checksum over every row in SQL, alone (what `factory verify`
 *   asks of the source; a chunk export runs it too when a column's text is not its canonical text);
 * - `export`: every chunk's export (PostgreSQL's COPY; in Node, the CSV stream counted, hashed when
 *   every column's text is its canonical text, and written to the staged file; else plus the SQL checksum);
 * - `load`: every staged file read into the load table (DuckDB read_csv + insert);
 * - `validate`: row count and content checksum of the load table, and its duplicate keys unless the
 *   source enforces the key, as in the workflow (DuckDB);
 * - `swap`: the load table swapped in.
 */
export async function phaseBreakdown(input: PhaseBreakdownInput): Promise<Record<string, PhaseCpu>> {
  const { url, warehouse, domain, table, stagingDir, chunkRows, loadId, meter } = input;
  const { source, ref, columns, key, checksumColumns } = sourceReader(url, table);
  await mkdir(stagingDir, { recursive: true });
  try {
    const { loadTable } = await warehouse.prepareLoad({ domain, table, loadId });
    const chunks = await source.planChunks({ ref, key, chunkRows });
    const files = chunks.map((bounds) => ({ bounds, file: join(stagingDir, `chunk-${bounds.index}.csv`) }));
    const phases: Record<string, PhaseCpu> = {};
    phases.pg_checksum = (await meter.measure(() => source.tableChecksum({ ref, checksumColumns }))).cpu;
    phases.export = (await meter.measure(async () => {
      for (const { bounds, file } of files) await source.exportChunk({ ref, columns, key, bounds, file, checksumColumns });
    })).cpu;
    phases.load = (await meter.measure(async () => {
      for (const { bounds, file } of files) {
        await warehouse.loadChunk({ loadTable, table, file, chunkIndex: bounds.index, lineage: { sourceSystem: table.source.system, loadId, sourcePosition: '' } });
      }
    })).cpu;
    const sourceEnforcesKey = enforcesKey(key, await source.discover(ref));
    phases.validate = (await meter.measure(() => warehouse.validateLoad({ loadTable, table, sourceEnforcesKey }))).cpu;
    phases.swap = (await meter.measure(() => warehouse.swapIn({ domain, table, loadTable }))).cpu;
    return phases;
  } finally {
    await source.close();
    await rm(stagingDir, { recursive: true, force: true });
  }
}
