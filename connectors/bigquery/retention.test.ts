import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableContract } from '../../contracts/contract.js';
import { dropProject, emulatorEndpoint, emulatorUnavailable, runProject } from '../../test/support/bigquery.js';
import { changeLogFields } from './sql.js';
import { query } from './client.js';
import { createBigQueryWarehouse, type BigQueryWarehouse } from './warehouse.js';

const unavailable = await emulatorUnavailable();
if (unavailable) console.warn(`connectors/bigquery/retention.test.ts skipped: ${unavailable}`);

const stay: TableContract = {
  name: 'stay', description: 'stays', source: { system: 'db2', schema: 'RT', table: 'STAY' }, primaryKey: ['STAY_ID'],
  columns: [{ name: 'STAY_ID', type: 'BIGINT', nullable: false, pii: 'none', padding: 'keep' }], qualityRules: [], businessRules: [],
};
const dayMs = 86_400_000;

// Change-log retention on the emulator: rows of known ages, a dry run, the delete, a retry.
describe.skipIf(unavailable !== undefined)('BigQuery change-log retention on the emulator', () => {
  const projectId = runProject('retention');
  const now = Date.now();
  const cutoff = new Date(now - 90 * dayMs).toISOString();
  let wh: BigQueryWarehouse;
  const read = (sql: string) => query<{ n: number }>(wh.client, sql, { maximumBytesBilled: 10 ** 9 });

  beforeAll(async () => {
    wh = await createBigQueryWarehouse({ projectId, location: 'EU', apiEndpoint: emulatorEndpoint, maximumBytesBilled: 10 ** 12 });
    await wh.client.createDataset('raw_rt', { location: 'EU' });
    await wh.client.dataset('raw_rt').createTable('stay__changes', { schema: { fields: changeLogFields(stay) } });
    const ages = [400, 400, 91, 89, 0];
    const values = ages.map((days, i) => `(${i + 1}, 'u', TIMESTAMP('${new Date(now - days * dayMs).toISOString()}'))`).join(', ');
    await read(`INSERT INTO raw_rt.stay__changes (STAY_ID, _op, _ingested_at) VALUES ${values}`);
  });
  afterAll(async () => {
    await wh?.close();
    await dropProject(projectId);
  });

  it('deletes the rows ingested before the cutoff and nothing newer', async () => {
    const input = { domain: 'rt', table: 'stay', cutoff };
    expect(await wh.pruneChangeLog({ ...input, dryRun: true })).toEqual({ changeLog: 'raw_rt.stay__changes', exists: true, before: 5, deleted: 3, after: 5 });
    expect(await wh.pruneChangeLog(input)).toEqual({ changeLog: 'raw_rt.stay__changes', exists: true, before: 5, deleted: 3, after: 2 });
    expect(await read(`SELECT COUNT(*) AS n FROM raw_rt.stay__changes WHERE _ingested_at >= TIMESTAMP('${cutoff}')`)).toEqual([{ n: 2 }]);
    expect(await wh.pruneChangeLog(input)).toEqual({ changeLog: 'raw_rt.stay__changes', exists: true, before: 2, deleted: 0, after: 2 });
    expect(await wh.pruneChangeLog({ ...input, table: 'never_captured' })).toMatchObject({ exists: false, deleted: 0 });
    // A product never published has no snapshots to prune (the publication contract suite prunes published ones).
    expect(await wh.pruneSnapshots({ domain: 'rt', product: 'stays', cutoff })).toEqual({ servedVersion: null, dropped: [], kept: [] });
  });
});
