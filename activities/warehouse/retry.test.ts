import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBigQueryWarehouse } from '../../connectors/bigquery/warehouse.js';
import { createDuckDbWarehouse } from '../../connectors/duckdb/warehouse.js';
import type { LoadAndCapture, WarehouseAdapter } from '../../connectors/warehouse/port.js';

type Warehouse = LoadAndCapture & WarehouseAdapter<'load' | 'reads'>;
import { loadDomains } from '../../domains/load.js';
import { dropProject, emulatorEndpoint, emulatorUnavailable, runProject } from '../../test/support/bigquery.js';
import { createWarehouseActivities } from './index.js';

// A retried load activity (its first attempt finished, but the answer never reached Temporal: the
// worker died after the load) adds no row, through the activities the warehouse owner registers and
// the same wiring as workers/worker.ts. On DuckDB and on the BigQuery emulator.

const registry = loadDomains([{
  name: 'retry',
  description: 'retried activity test domain',
  dpo: { id: 'dpo.retry', name: 'Owner' },
  tables: [{
    name: 'stay', description: 'stays', source: { system: 'db2', schema: 'RT', table: 'STAY' }, primaryKey: ['STAY_ID'],
    columns: [{ name: 'STAY_ID', type: 'BIGINT' }, { name: 'GUEST', type: 'VARCHAR(40)', nullable: true, pii: 'identity' }, { name: 'AMOUNT', type: 'DECIMAL(31,8)', nullable: true }],
  }],
}]);

const bigQueryMissing = await emulatorUnavailable();
const project = runProject('retry');
const targets: { name: string; skip: string | undefined; open: (dir: string) => Promise<Warehouse>; cleanup: () => Promise<void> }[] = [
  { name: 'DuckDB', skip: undefined, open: (dir) => createDuckDbWarehouse({ path: join(dir, 'w.duckdb') }), cleanup: async () => undefined },
  {
    name: 'BigQuery emulator', skip: bigQueryMissing,
    open: () => createBigQueryWarehouse({ projectId: project, location: 'EU', apiEndpoint: emulatorEndpoint, maximumBytesBilled: 10 ** 12 }),
    cleanup: () => dropProject(project),
  },
];

for (const target of targets) {
  describe.skipIf(target.skip !== undefined)(`retried warehouse activities on ${target.name}${target.skip ? ` — skipped: ${target.skip}` : ''}`, () => {
    let dir: string;
    let warehouse: Warehouse;
    const env = new MockActivityEnvironment();
    // MockActivityEnvironment.run does not infer the result type from the function.
    const run = <P extends unknown[], R>(fn: (...args: P) => Promise<R>, ...args: P): Promise<R> => env.run(fn, ...args) as Promise<R>;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'factory-retry-act-'));
      warehouse = await target.open(dir);
    });
    afterAll(async () => {
      await warehouse?.close();
      await target.cleanup();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('a loadChunk activity run again after it finished adds no row; the load validates and swaps in exact', async () => {
      const activities = createWarehouseActivities({ registry, kind: warehouse.kind, load: warehouse.provides.load, reads: warehouse.provides.reads });
      const ref = { domain: 'retry', table: 'stay' };
      const { loadTable } = await run(activities.prepareLoad, { ...ref, loadId: 'run-1' });
      // Retried prepareLoad (a lost answer again): the same load table, nothing reset.
      expect(await run(activities.prepareLoad, { ...ref, loadId: 'run-1' })).toEqual({ loadTable });
      const file = join(dir, 'chunk0.csv');
      writeFileSync(file, '1,Zoë,10.00000001\n2,"",\n3,,-0.50000000\n');
      const chunk = { ...ref, loadTable, file, chunkIndex: 0, loadId: 'run-1', sourcePosition: 'lsn:1' };
      expect(await run(activities.loadChunk, chunk)).toEqual({ rows: 3, alreadyLoaded: false });
      expect(await run(activities.loadChunk, chunk)).toEqual({ rows: 3, alreadyLoaded: true });
      const validated = await run(activities.validateLoad, { ...ref, loadTable });
      expect(validated).toMatchObject({ rows: 3, duplicateKeys: 0 });
      await run(activities.swapIn, { ...ref, loadTable });
      // A retried swap (the copy ran, its answer was lost) neither fails nor copies again.
      await run(activities.swapIn, { ...ref, loadTable });
      expect(await run(activities.tableStats, ref)).toEqual({ rows: 3, checksum: validated.checksum });
    });
  });
}
